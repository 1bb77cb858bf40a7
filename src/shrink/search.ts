/**
 * The order shrink cuts in, each step keeping a cut only when `accept` (a measured reproduction
 * rate) says so: whole users first, those inserting the fewest rows first (nine users are a few
 * looks, and every later candidate is smaller and quicker to try); a lower memory_limit, and users
 * again if it holds; operation kinds (one cut of every read also drops every user that only
 * reads); single operations anywhere in the run (ddmin, fewest rows first, so the first cuts are
 * reads, single-row inserts and small batches); users again; memory_limit lower still (when it
 * holds, users are cut again before operations: a lower limit can need fewer users, and each user
 * still has its operations to load hyperd with); and batch sizes (log-scale bisection). Pure:
 * what a try is and when time is up are given.
 */
import {
  type Candidate,
  memoryLimitOf,
  opKinds,
  type OpRef,
  opRefs,
  plannedOps,
  refKey,
  withBatchMax,
  withMemoryLimit,
  withOps,
  withUsers,
} from "./candidate.ts";
import { ddmin, smallestScaled } from "./ddmin.ts";
import type { UserSpec } from "../workload/layout.ts";

/** Whether `candidate` reproduces at the target rate; `step` names the cut for the log. */
export type Accept = (step: string, candidate: Candidate) => Promise<boolean>;

/** Halvings of memory_limit tried at most: each costs a measured rate. */
const MEMORY_HALVINGS = 3;
/** Never below this: hyperd needs room to start and to load the seed rows. */
const MEMORY_FLOOR_MB = 32;

/** Runs every step from `start` (a candidate that met the rate); returns the last one kept. */
export async function shrinkSearch(
  start: Candidate,
  accept: Accept,
  budget: () => boolean,
): Promise<Candidate> {
  let current = start;
  current = await fewerUsers(current, accept, budget);
  // Lowered while the operations still leave room: on a candidate cut to the bone, a lower
  // limit missed in two shrinks of three (each user's COPYs were just enough at 300m).
  let lower = await lowerMemoryLimit(current, accept, budget);
  if (lower !== current) current = await fewerUsers(lower, accept, budget);
  current = await fewerKinds(current, accept, budget);
  current = await fewerOps(current, accept, budget);
  current = await fewerUsers(current, accept, budget);
  lower = await lowerMemoryLimit(current, accept, budget);
  if (lower !== current) {
    current = await fewerUsers(lower, accept, budget);
    current = await fewerOps(current, accept, budget);
    current = await fewerUsers(current, accept, budget);
  }
  current = await smallerBatches(current, accept, budget);
  return current;
}

/**
 * memory_limit halved while the failure still comes at the rate (a size limit only); when a
 * halving does not, the value halfway between on a log scale is tried once: too low a limit does
 * not fail sooner, hyperd crawls instead of aborting (75m for the memory-limit abort, which comes
 * at 150m).
 */
export async function lowerMemoryLimit(
  current: Candidate,
  accept: Accept,
  budget: () => boolean,
): Promise<Candidate> {
  for (let i = 0; i < MEMORY_HALVINGS && budget(); i++) {
    const mb = memoryLimitOf(current);
    if (mb === null || mb / 2 < MEMORY_FLOOR_MB) break;
    const lower = withMemoryLimit(current, mb / 2);
    if (await accept("lower memory_limit", lower)) {
      current = lower;
      continue;
    }
    const between = withMemoryLimit(current, Math.round(mb / Math.SQRT2));
    if (budget() && await accept("lower memory_limit", between)) current = between;
    break;
  }
  return current;
}

/**
 * ddmin over the users, those inserting the fewest rows first (as for operations): the subsets
 * ddmin keeps hold the users that load hyperd most. Candidates list users by id.
 */
export async function fewerUsers(
  current: Candidate,
  accept: Accept,
  budget: () => boolean,
): Promise<Candidate> {
  const planned = plannedOps(current);
  const rows = new Map<number, number>();
  for (const ref of opRefs(current) ?? []) {
    rows.set(ref.user, (rows.get(ref.user) ?? 0) + (planned.get(refKey(ref))?.rows ?? 0));
  }
  const load = (u: UserSpec) => rows.get(u.id) ?? 0;
  const byLoad = [...current.layout.users].sort((a, b) => load(a) - load(b) || a.id - b.id);
  const byId = (users: UserSpec[]) => [...users].sort((a, b) => a.id - b.id);
  const users = await ddmin(
    byLoad,
    (subset) => accept("fewer users", withUsers(current, byId(subset))),
    budget,
  );
  return withUsers(current, byId(users));
}

/** ddmin over the operation kinds sent: drops every read, say, in one cut. */
export async function fewerKinds(
  current: Candidate,
  accept: Accept,
  budget: () => boolean,
): Promise<Candidate> {
  const refs = opRefs(current);
  if (!refs) return current;
  const kindOf = opKinds(current);
  const only = (kinds: string[]) =>
    withOps(current, refs.filter((r) => kinds.includes(kindOf.get(refKey(r))!)));
  const present = [...new Set(refs.map((r) => kindOf.get(refKey(r))!))].sort();
  const kinds = await ddmin(present, (subset) => accept("fewer kinds", only(subset)), budget);
  return kinds.length === present.length ? current : only(kinds);
}

/**
 * ddmin over every operation of every user, fewest rows first (then seq-major): the first chunks
 * ddmin drops are reads, single-row inserts and the smallest batches, and the subsets it keeps
 * hold the biggest COPYs, which a failure that needs load needs most.
 */
export async function fewerOps(
  current: Candidate,
  accept: Accept,
  budget: () => boolean,
): Promise<Candidate> {
  const refs = opRefs(current);
  if (!refs) return current;
  const planned = plannedOps(current);
  const rows = (r: OpRef) => planned.get(refKey(r))?.rows ?? 0;
  const bySize = [...refs].sort((a, b) => rows(a) - rows(b) || a.seq - b.seq || a.user - b.user);
  const kept = await ddmin(
    bySize,
    (subset) => accept("fewer ops", withOps(current, subset)),
    budget,
  );
  return kept.length === refs.length ? current : withOps(current, kept);
}

/** The largest batch size bisected down (log scale) while the failure still comes. */
export async function smallerBatches(
  current: Candidate,
  accept: Accept,
  budget: () => boolean,
): Promise<Candidate> {
  const high = current.config.batchMax;
  if (high <= 1) return current;
  const batchMax = await smallestScaled(
    0,
    high,
    (value) => accept("smaller batches", withBatchMax(current, value)),
    budget,
  );
  return batchMax === high ? current : withBatchMax(current, batchMax);
}
