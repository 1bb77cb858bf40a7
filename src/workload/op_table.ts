/** Operation kinds, user classes and the probability table each class rolls from. */

/** The seed tool's six operations: the default mix of the seed's three classes. */
export const SEED_OP_KINDS = [
  "BulkInsert",
  "SingleInsert",
  "SimpleSelect",
  "Aggregate",
  "ComplexJoin",
  "SchemaDdl",
] as const;

/** The ledger's operations (docs/ledger-and-faults.md): transfers and reads of every balance. */
export const LEDGER_OP_KINDS = ["Transfer", "ReadBalances"] as const;

/** UPDATE and DELETE on a table each user owns alone, checked against the user's own model. */
export const RANGE_OP_KINDS = ["UpdateRange", "DeleteRange"] as const;

/** Client-side faults (a nemesis): a cancelled read, a connection cut halfway. */
export const FAULT_OP_KINDS = ["Cancel", "Disconnect", "Reattach"] as const;

/** What a user can do in one step: the seed's six, then the kinds added since. */
export const OP_KINDS = [
  ...SEED_OP_KINDS,
  // A generated query checked by an oracle (docs/query-oracles.md).
  "GeneratedQuery",
  ...LEDGER_OP_KINDS,
  ...RANGE_OP_KINDS,
  ...FAULT_OP_KINDS,
] as const;
/** One operation kind. */
export type OpKind = typeof OP_KINDS[number];

/**
 * The kinds users roll unless `--ops` says otherwise: the seed's six, so the default mix, and
 * every plan rolled from it, stays exactly the seed's; `--ops`, swarm sweeps over it and
 * `--preset all-ops` add the others. Ledger users roll the ledger's kinds under this default.
 */
export const DEFAULT_OP_KINDS: readonly OpKind[] = SEED_OP_KINDS;
/** One of the seed's six kinds. */
export type SeedOpKind = typeof SEED_OP_KINDS[number];

/** The kinds of simulated user: the seed's three, then ledger users (`--ledger-users`). */
export const USER_CLASSES = ["inserter", "query", "mixed", "ledger"] as const;
/** One user class. */
export type UserClass = typeof USER_CLASSES[number];
/** The seed's three classes. */
export type SeedUserClass = Exclude<UserClass, "ledger">;

/** The seed's probability of each of its operations per class; each row sums to 1. */
export const SEED_PROBABILITIES: Record<SeedUserClass, Record<SeedOpKind, number>> = {
  inserter: {
    BulkInsert: 0.70,
    SingleInsert: 0.15,
    SimpleSelect: 0.05,
    Aggregate: 0.03,
    ComplexJoin: 0.02,
    SchemaDdl: 0.05,
  },
  query: {
    BulkInsert: 0.05,
    SingleInsert: 0.05,
    SimpleSelect: 0.40,
    Aggregate: 0.25,
    ComplexJoin: 0.20,
    SchemaDdl: 0.05,
  },
  mixed: {
    BulkInsert: 0.35,
    SingleInsert: 0.15,
    SimpleSelect: 0.20,
    Aggregate: 0.15,
    ComplexJoin: 0.10,
    SchemaDdl: 0.05,
  },
};

/**
 * Weight of each kind a seed class rolls only when `--ops` (or a swarm draw) turns it on: never
 * in the default mix, which stays the seed's.
 */
const ADDED_WEIGHTS: Record<Exclude<OpKind, SeedOpKind | "GeneratedQuery">, number> = {
  Transfer: 0.10,
  ReadBalances: 0.05,
  UpdateRange: 0.05,
  DeleteRange: 0.05,
  Cancel: 0.02,
  Disconnect: 0.02,
  Reattach: 0.02,
};

/**
 * Weight of each kind per class. Every weight is above zero, so any non-empty set of kinds
 * leaves every class something to roll; rolls rescale to the kinds turned on.
 */
export const OP_WEIGHTS: Record<UserClass, Record<OpKind, number>> = {
  inserter: { ...SEED_PROBABILITIES.inserter, GeneratedQuery: 0.05, ...ADDED_WEIGHTS },
  query: { ...SEED_PROBABILITIES.query, GeneratedQuery: 0.40, ...ADDED_WEIGHTS },
  mixed: { ...SEED_PROBABILITIES.mixed, GeneratedQuery: 0.15, ...ADDED_WEIGHTS },
  ledger: {
    GeneratedQuery: 0.02,
    BulkInsert: 0.02,
    SingleInsert: 0.02,
    SimpleSelect: 0.03,
    Aggregate: 0.02,
    ComplexJoin: 0.01,
    SchemaDdl: 0.01,
    Transfer: 0.65,
    ReadBalances: 0.35,
    UpdateRange: 0.05,
    DeleteRange: 0.05,
    Cancel: 0.02,
    Disconnect: 0.02,
    Reattach: 0.02,
  },
};

/** The weights under the name the op table has always had (the docs' table, older tests). */
export const OP_PROBABILITIES = OP_WEIGHTS;

/** What each class rolls while `--ops` is its default: the seed's six, or the ledger's kinds. */
export const CLASS_KINDS: Record<UserClass, readonly OpKind[]> = {
  inserter: DEFAULT_OP_KINDS,
  query: DEFAULT_OP_KINDS,
  mixed: DEFAULT_OP_KINDS,
  ledger: LEDGER_OP_KINDS,
};

/**
 * The kinds a table of a run shows: the seed's six always, the others when they ran, so a
 * default run's tables read as they always have.
 */
export function shownKinds(byOp: Partial<Record<OpKind, { count: number }>>): OpKind[] {
  return OP_KINDS.filter((k) =>
    (SEED_OP_KINDS as readonly OpKind[]).includes(k) || (byOp[k]?.count ?? 0) > 0
  );
}

/** True for operations that insert rows (turned into reads once the disk budget is spent). */
export function isInsert(kind: OpKind): boolean {
  return kind === "BulkInsert" || kind === "SingleInsert";
}

/** True for generated queries checked by an oracle (always over libpq: they need the rows). */
export function isGenerated(kind: OpKind): boolean {
  return kind === "GeneratedQuery";
}

/** True for read-only queries (the ones that go over gRPC with that transport). */
export function isRead(kind: OpKind): boolean {
  return kind === "SimpleSelect" || kind === "Aggregate" || kind === "ComplexJoin";
}

/** True for the ledger's kinds, which work on the `accounts` table. */
export function isLedger(kind: OpKind): boolean {
  return (LEDGER_OP_KINDS as readonly OpKind[]).includes(kind);
}

/** True for the kinds that work on the user's own table (UpdateRange, DeleteRange). */
export function isRange(kind: OpKind): boolean {
  return (RANGE_OP_KINDS as readonly OpKind[]).includes(kind);
}

/**
 * The kinds `userClass` rolls: `enabled` (from `--ops`), except that while it is the default
 * (the seed's six) each class rolls its own, and ledger users the ledger's kinds.
 */
export function kindsOf(userClass: UserClass, enabled?: readonly OpKind[]): readonly OpKind[] {
  return enabled === undefined || isSeedSet(enabled) ? CLASS_KINDS[userClass] : enabled;
}

/** True when `kinds` are exactly the seed's six, in any order. */
function isSeedSet(kinds: readonly OpKind[]): boolean {
  return kinds.length === SEED_OP_KINDS.length && SEED_OP_KINDS.every((k) => kinds.includes(k));
}

/**
 * Picks the operation that a uniform draw `u` in [0, 1) lands on for `userClass`. With `enabled`
 * (a subset of the kinds, from `--ops` or a swarm draw), the other kinds' weights go to zero and
 * the rest are renormalised; unset, the class rolls its own kinds. A seed class rolling the
 * seed's six uses the seed's table itself, to the last bit.
 */
export function rollOp(userClass: UserClass, u: number, enabled?: readonly OpKind[]): OpKind {
  const on = kindsOf(userClass, enabled);
  if (userClass !== "ledger" && isSeedSet(on)) return rollFrom(SEED_PROBABILITIES[userClass], u);
  const weights = OP_WEIGHTS[userClass];
  const kinds = OP_KINDS.filter((k) => on.includes(k));
  // Scaling the draw, not the table, keeps the table's cut points.
  const target = u * kinds.reduce((sum: number, k) => sum + weights[k], 0);
  let cumulative = 0;
  for (const kind of kinds) {
    cumulative += weights[kind];
    if (target < cumulative) return kind;
  }
  return kinds[kinds.length - 1];
}

/** The seed's roll: `u` against the table's cumulative probabilities, unscaled. */
function rollFrom(table: Record<SeedOpKind, number>, u: number): OpKind {
  let cumulative = 0;
  for (const kind of SEED_OP_KINDS) {
    cumulative += table[kind];
    if (u < cumulative) return kind;
  }
  return SEED_OP_KINDS[SEED_OP_KINDS.length - 1];
}

/** The probabilities `userClass` rolls with when `enabled` kinds are on (zero elsewhere). */
export function opMix(userClass: UserClass, enabled?: readonly OpKind[]): Record<OpKind, number> {
  const on = kindsOf(userClass, enabled);
  const table = OP_WEIGHTS[userClass];
  const total = OP_KINDS.reduce((sum, k) => sum + (on.includes(k) ? table[k] : 0), 0);
  return Object.fromEntries(
    OP_KINDS.map((k) => [k, on.includes(k) && total > 0 ? table[k] / total : 0]),
  ) as Record<OpKind, number>;
}

/**
 * True when `kinds` can be checked: an insert and a read or a generated query (the row counts),
 * a transfer and a read of the balances (the ledger's invariant), or a range kind (each checks
 * its own table).
 */
export function isCheckableMix(kinds: readonly OpKind[]): boolean {
  return (kinds.some(isInsert) && kinds.some((k) => isRead(k) || isGenerated(k))) ||
    (kinds.includes("Transfer") && kinds.includes("ReadBalances")) || kinds.some(isRange);
}
