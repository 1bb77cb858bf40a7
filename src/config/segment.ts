/**
 * Segments: one run's users split over n processes (`--segment i/n`), user u in segment
 * u mod n, and the digest that tells whether two segments belong to the same run. Pure.
 */
import { createHash } from "node:crypto";
import type { UserSpec } from "../workload/layout.ts";
import type { RunLayout } from "./run_layout.ts";

/** One segment of a run: its index from 0, and how many segments there are. */
export interface Segment {
  index: number;
  count: number;
}

/** `"1/4"` as a segment; null when unset. The settings table has checked the form. */
export function parseSegment(text: string | undefined): Segment | null {
  if (!text) return null;
  const [index, count] = text.split("/").map(Number);
  return { index, count };
}

/** True when user `id` runs in `segment` (every user does without segments). */
export function inSegment(id: number, segment: Segment | null): boolean {
  return segment === null || id % segment.count === segment.index;
}

/** The users of `segment`, in their order. */
export function segmentUsers(users: UserSpec[], segment: Segment | null): UserSpec[] {
  return users.filter((user) => inSegment(user.id, segment));
}

/** A digest of the whole run's users and databases: equal for the segments of one run. */
export function layoutDigest(layout: RunLayout): string {
  const text = JSON.stringify({
    globalSeed: layout.globalSeed,
    users: layout.users.map((
      u,
    ) => [u.id, u.class, u.seed, u.database, u.maxOps ?? null, u.ops ?? null]),
    databases: layout.databases.map((d) => [d.index, d.schemaSeed, d.file]),
  });
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}
