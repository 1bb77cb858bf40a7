/**
 * A shrink candidate: a run's config and layout cut down (fewer users, fewer operations, smaller
 * batches, fewer databases, a lower memory limit), always a replay the validator accepts: users
 * and databases keep their own ids and seeds, kept operations their seqs, and the config's counts
 * follow the lists. Pure.
 */
import { memoryLimitMb } from "../config/limit_warnings.ts";
import type { RunLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { databaseTables, opLimit, type UserSpec } from "../workload/layout.ts";
import type { OpKind } from "../workload/op_table.ts";
import { type PlannedOp, planOps } from "../workload/planner.ts";

/** How a replay paces its operations: its own think times, or the original's recorded starts. */
export type ReplayTiming = Config["replayTiming"];

/** What one attempt runs. */
export interface Candidate {
  config: Config;
  layout: RunLayout;
}

/** The candidate with only `users`, their counts per class in the config, unused databases gone. */
export function withUsers(candidate: Candidate, users: readonly UserSpec[]): Candidate {
  const used = new Set(users.map((u) => u.database));
  const databases = candidate.layout.databases.filter((d) => used.has(d.index));
  const count = (c: UserSpec["class"]) => users.filter((u) => u.class === c).length;
  return {
    config: {
      ...candidate.config,
      inserterUsers: count("inserter"),
      queryUsers: count("query"),
      mixedUsers: count("mixed"),
      ledgerUsers: count("ledger"),
      databases: databases.length,
    },
    layout: { ...candidate.layout, users: [...users], databases },
  };
}

/** The candidate with user `id` stopping after `maxOps` operations. */
export function withMaxOps(candidate: Candidate, id: number, maxOps: number): Candidate {
  const users = candidate.layout.users.map((u) => u.id === id ? { ...u, maxOps } : u);
  return { ...candidate, layout: { ...candidate.layout, users } };
}

/** The candidate with bulk inserts of at most `batchMax` rows. */
export function withBatchMax(candidate: Candidate, batchMax: number): Candidate {
  const batchMin = Math.min(candidate.config.batchMin, batchMax);
  return { ...candidate, config: { ...candidate.config, batchMin, batchMax } };
}

/** One operation of one user, by its seq. */
export interface OpRef {
  user: number;
  seq: number;
}

/**
 * The operations the candidate sends, seq-major (every user's seq 0, then every seq 1, ...), so
 * a contiguous chunk is a stretch of the run's time; null when some user has no limit.
 */
export function opRefs(candidate: Candidate): OpRef[] | null {
  const lists: [number, number[]][] = [];
  for (const user of candidate.layout.users) {
    const seqs = keptSeqs(user);
    if (!seqs) return null;
    lists.push([user.id, seqs]);
  }
  return lists.flatMap(([user, seqs]) => seqs.map((seq) => ({ user, seq })))
    .sort((a, b) => a.seq - b.seq || a.user - b.user);
}

/** The seqs a user sends: its kept list, or its prefix; null when it has no limit. */
function keptSeqs(user: UserSpec): number[] | null {
  if (user.ops) return user.ops;
  if (user.maxOps === undefined) return null;
  return Array.from({ length: user.maxOps }, (_, seq) => seq);
}

/**
 * The candidate sending only `refs`: each user keeps exactly those seqs (an explicit list in the
 * replay), and a user left with none is dropped with its database if no one else uses it.
 */
export function withOps(candidate: Candidate, refs: readonly OpRef[]): Candidate {
  const byUser = new Map<number, number[]>();
  for (const { user, seq } of refs) {
    let seqs = byUser.get(user);
    if (!seqs) byUser.set(user, seqs = []);
    seqs.push(seq);
  }
  const users = candidate.layout.users.flatMap((u) => {
    const seqs = byUser.get(u.id);
    if (!seqs) return [];
    const { maxOps: _, ...rest } = u;
    return [{ ...rest, ops: [...new Set(seqs)].sort((a, b) => a - b) }];
  });
  return withUsers(candidate, users);
}

/** Every operation the candidate sends, as the planner rolls it, by refKey(). */
export function plannedOps(candidate: Candidate): Map<string, PlannedOp> {
  const planned = new Map<string, PlannedOp>();
  const tablesOf = new Map(
    candidate.layout.databases.map((d) => [d.index, databaseTables(d.schemaSeed)]),
  );
  for (const user of candidate.layout.users) {
    const limit = opLimit(user);
    if (limit === undefined) continue;
    for (const op of planOps(user, tablesOf.get(user.database)!, candidate.config, limit)) {
      planned.set(refKey({ user: user.id, seq: op.seq }), op);
    }
  }
  return planned;
}

/** The kind of every operation the candidate sends, as the planner rolls it. */
export function opKinds(candidate: Candidate): Map<string, OpKind> {
  return new Map([...plannedOps(candidate)].map(([key, op]) => [key, op.kind]));
}

/** A map key for an operation. */
export function refKey(ref: OpRef): string {
  return `${ref.user}:${ref.seq}`;
}

/** The candidate's hyperd memory_limit in MB when it is a size; null for a percentage. */
export function memoryLimitOf(candidate: Candidate): number | null {
  const limit = candidate.config.memoryLimit;
  return limit.endsWith("%") ? null : memoryLimitMb(limit, null);
}

/** The candidate with hyperd's memory_limit at `mb` MB. */
export function withMemoryLimit(candidate: Candidate, mb: number): Candidate {
  return { ...candidate, config: { ...candidate.config, memoryLimit: `${Math.round(mb)}m` } };
}

/** Operations the candidate runs at most; null when some user has no limit. */
export function totalOps(candidate: Candidate): number | null {
  let total = 0;
  for (const user of candidate.layout.users) {
    const limit = opLimit(user);
    if (limit === undefined) return null;
    total += limit;
  }
  return total;
}

/** Smaller is fewer operations, then fewer users, then smaller batches. */
export function isSmaller(a: Candidate, b: Candidate): boolean {
  const key = (c: Candidate) => [
    totalOps(c) ?? Number.MAX_SAFE_INTEGER,
    c.layout.users.length,
    c.config.batchMax,
  ];
  const [x, y] = [key(a), key(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i];
  return false;
}

/** A short description of a candidate for progress lines and shrink.json. */
export function describe(candidate: Candidate): string {
  const users = candidate.layout.users.map((u) => {
    const limit = opLimit(u);
    return limit === undefined ? `${u.id}` : `${u.id}:${limit}`;
  });
  const ops = totalOps(candidate);
  return `${candidate.layout.users.length} users${ops === null ? "" : `, ${ops} ops`} ` +
    `[${users.join(", ")}], ${candidate.layout.databases.length} databases, ` +
    `batches ${candidate.config.batchMin}..${candidate.config.batchMax}, ` +
    `memory_limit ${candidate.config.memoryLimit}`;
}

/**
 * Whether `a` sends only operations that `b` sends, under the same settings: for a failure that
 * needs load, a candidate inside one that did not reproduce is not worth its tries.
 */
export function isInside(a: Candidate, b: Candidate): boolean {
  const same = (k: keyof Config) => a.config[k] === b.config[k];
  if (!same("memoryLimit") || !same("batchMin") || !same("batchMax") || !same("replayTiming")) {
    return false;
  }
  const [inner, outer] = [opRefs(a), opRefs(b)];
  if (!inner || !outer) return false;
  const keys = new Set(outer.map(refKey));
  return inner.every((r) => keys.has(refKey(r)));
}
