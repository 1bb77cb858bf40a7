/**
 * Swarm testing (Groce et al., ISSTA 2012): each run of a sweep draws, from its own seed, a random
 * subset of the operation kinds and its own users, batch and think ranges within the configured
 * bounds, so bugs that a full mix hides get their turn. Pure: the same seed, the same draw.
 */
import { deriveSeed, Rng } from "../workload/rng.ts";
import { isCheckableMix, OP_KINDS, type OpKind } from "../workload/op_table.ts";

/** The settings a swarm run draws; everything else stays as configured. */
export interface SwarmDraw {
  opKinds: OpKind[];
  inserterUsers: number;
  queryUsers: number;
  mixedUsers: number;
  ledgerUsers: number;
  batchMin: number;
  batchMax: number;
  thinkMinMs: number;
  thinkMaxMs: number;
}

/** The configured bounds a draw stays within. */
export type SwarmBounds = Omit<SwarmDraw, "opKinds" | "ledgerUsers"> & {
  /** The kinds a draw keeps some of; unset: every kind. */
  opKinds?: readonly OpKind[];
  ledgerUsers?: number;
};

/** The swarm settings of the run with `seed`, within `bounds`. */
export function swarmDraw(seed: number, bounds: SwarmBounds): SwarmDraw {
  const rng = new Rng(deriveSeed(seed, "swarm"));
  // Each kind is kept with probability 1/2, redrawn until an insert and a read are among them.
  const pool = bounds.opKinds ?? OP_KINDS;
  let opKinds: OpKind[] = [];
  do {
    opKinds = pool.filter(() => rng.next() < 0.5);
  } while (!isCheckableMix(opKinds) && isCheckableMix(pool));
  if (!isCheckableMix(opKinds)) opKinds = [...pool];
  const users = {
    inserterUsers: rng.int(0, bounds.inserterUsers),
    queryUsers: rng.int(0, bounds.queryUsers),
    mixedUsers: rng.int(0, bounds.mixedUsers),
  };
  if (users.inserterUsers + users.queryUsers + users.mixedUsers === 0) {
    // At least one user: the first class the bounds allow.
    if (bounds.mixedUsers > 0) users.mixedUsers = 1;
    else if (bounds.inserterUsers > 0) users.inserterUsers = 1;
    else users.queryUsers = 1;
  }
  const [batchMin, batchMax] = sortedPair(rng, bounds.batchMin, bounds.batchMax);
  const [thinkMinMs, thinkMaxMs] = sortedPair(rng, bounds.thinkMinMs, bounds.thinkMaxMs);
  // Drawn last and only with ledger users allowed: a sweep without them draws as before.
  const ledgerUsers = bounds.ledgerUsers ? rng.int(0, bounds.ledgerUsers) : 0;
  return { opKinds, ...users, ledgerUsers, batchMin, batchMax, thinkMinMs, thinkMaxMs };
}

/** Two draws in [low, high], smaller first. */
function sortedPair(rng: Rng, low: number, high: number): [number, number] {
  const a = rng.int(low, high);
  const b = rng.int(low, high);
  return a <= b ? [a, b] : [b, a];
}
