/**
 * Failures grouped by message for the report: the run's (kind, message) counts merged under the
 * message with its numbers, paths and ids replaced (normaliseText), so "row 17 too long" and
 * "row 912 too long" are one line with a count, first and last second.
 */
import type { ErrorGroup } from "../stats/run_stats.ts";
import type { OpKind } from "../workload/op_table.ts";
import { round } from "./format.ts";
import { normaliseText } from "./signature.ts";

/** A SQLSTATE before the message (`53S02: ...`): an identity, kept out of the number rule. */
const SQLSTATE_PREFIX = /^([0-9A-Z]{5}): /;

/** `message` normalised, its leading SQLSTATE kept as it is. */
function normaliseMessage(message: string): string {
  const code = SQLSTATE_PREFIX.exec(message)?.[1];
  return code
    ? `${code}: ${normaliseText(message.slice(code.length + 2))}`
    : normaliseText(message);
}

/** Message groups summary.json keeps; the rest are counted in one "other" group. */
export const MAX_MESSAGE_GROUPS = 30;

/** What a group of others stands for. */
export const OTHER_MESSAGES = "(other messages)";

/** Failures whose messages read the same once normalised. */
export interface MessageGroup {
  /** The normalised message, or OTHER_MESSAGES. */
  message: string;
  /** One message of the group as the server wrote it; empty for OTHER_MESSAGES. */
  example: string;
  /** The kinds that failed with it, in the order first seen. */
  kinds: OpKind[];
  count: number;
  firstAtSec: number;
  lastAtSec: number;
}

/** Groups by normalised message, most frequent first, at most MAX_MESSAGE_GROUPS of them. */
export function messageGroups(groups: readonly ErrorGroup[]): MessageGroup[] {
  return groupByMessage(groups).map((g) => ({
    ...g,
    firstAtSec: round(g.firstAtSec),
    lastAtSec: round(g.lastAtSec),
  }));
}

function groupByMessage(groups: readonly ErrorGroup[]): MessageGroup[] {
  const byMessage = new Map<string, MessageGroup>();
  for (const g of groups) {
    const message = g.message === null ? OTHER_MESSAGES : normaliseMessage(g.message);
    const group = byMessage.get(message);
    if (!group) {
      byMessage.set(message, {
        message,
        example: g.message ?? "",
        kinds: [g.op],
        count: g.count,
        firstAtSec: g.firstAtSec,
        lastAtSec: g.lastAtSec,
      });
      continue;
    }
    if (!group.kinds.includes(g.op)) group.kinds.push(g.op);
    group.count += g.count;
    group.firstAtSec = Math.min(group.firstAtSec, g.firstAtSec);
    group.lastAtSec = Math.max(group.lastAtSec, g.lastAtSec);
  }
  // Messages past the run's distinct ones and those past ours end up in one group, last.
  const other = byMessage.get(OTHER_MESSAGES);
  byMessage.delete(OTHER_MESSAGES);
  const sorted = [...byMessage.values()].sort((a, b) =>
    b.count - a.count || a.firstAtSec - b.firstAtSec
  );

  const room = MAX_MESSAGE_GROUPS - 1;
  const rest = [...sorted.slice(room), ...(other ? [other] : [])];
  if (rest.length === 0) return sorted;
  if (rest.length === 1 && sorted.length <= room + 1) return [...sorted.slice(0, room), rest[0]];
  return [...sorted.slice(0, room), {
    message: OTHER_MESSAGES,
    example: "",
    kinds: [...new Set(rest.flatMap((g) => g.kinds))],
    count: rest.reduce((n, g) => n + g.count, 0),
    firstAtSec: Math.min(...rest.map((g) => g.firstAtSec)),
    lastAtSec: Math.max(...rest.map((g) => g.lastAtSec)),
  }];
}
