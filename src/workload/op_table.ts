/** Operation kinds, user classes and the probability table each class rolls from. */

/** What a user can do in one step. */
export const OP_KINDS = [
  "BulkInsert",
  "SingleInsert",
  "SimpleSelect",
  "Aggregate",
  "ComplexJoin",
  "SchemaDdl",
  "GeneratedQuery",
] as const;
/** One operation kind. */
export type OpKind = typeof OP_KINDS[number];

/**
 * The kinds users roll unless `--ops` says otherwise: the seed's six. GeneratedQuery (a
 * generated query checked by an oracle) is left out, so the default mix, and every plan rolled
 * from it, stays exactly the seed's; `--ops`, swarm sweeps over it and `--preset all-ops` add it.
 */
export const DEFAULT_OP_KINDS: readonly OpKind[] = OP_KINDS.filter((k) => k !== "GeneratedQuery");

/** The three kinds of simulated user. */
export const USER_CLASSES = ["inserter", "query", "mixed"] as const;
/** One user class. */
export type UserClass = typeof USER_CLASSES[number];

/**
 * Probability of each operation per user class, in OP_KINDS order. The six default kinds sum
 * to 1; GeneratedQuery's weight counts only where `--ops` enables it (the row is then rescaled).
 */
export const OP_PROBABILITIES: Record<UserClass, Record<OpKind, number>> = {
  inserter: {
    BulkInsert: 0.70,
    SingleInsert: 0.15,
    SimpleSelect: 0.05,
    Aggregate: 0.03,
    ComplexJoin: 0.02,
    SchemaDdl: 0.05,
    GeneratedQuery: 0.05,
  },
  query: {
    BulkInsert: 0.05,
    SingleInsert: 0.05,
    SimpleSelect: 0.40,
    Aggregate: 0.25,
    ComplexJoin: 0.20,
    SchemaDdl: 0.05,
    GeneratedQuery: 0.40,
  },
  mixed: {
    BulkInsert: 0.35,
    SingleInsert: 0.15,
    SimpleSelect: 0.20,
    Aggregate: 0.15,
    ComplexJoin: 0.10,
    SchemaDdl: 0.05,
    GeneratedQuery: 0.15,
  },
};

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

/**
 * Picks the operation that a uniform draw `u` in [0, 1) lands on for `userClass`. With `enabled`
 * (a subset of the kinds, as a swarm run draws), the other kinds' probabilities go to zero and
 * the rest are renormalised; all kinds enabled is exactly the full table.
 */
export function rollOp(
  userClass: UserClass,
  u: number,
  enabled: readonly OpKind[] = DEFAULT_OP_KINDS,
): OpKind {
  const table = OP_PROBABILITIES[userClass];
  const kinds: readonly OpKind[] = isDefaultMix(enabled)
    ? DEFAULT_OP_KINDS
    : OP_KINDS.filter((k) => enabled.includes(k));
  // Scaling the draw, not the table, keeps the default mix's cut points to the last bit.
  const target = kinds === DEFAULT_OP_KINDS
    ? u
    : u * kinds.reduce((sum: number, k) => sum + table[k], 0);
  let cumulative = 0;
  for (const kind of kinds) {
    cumulative += table[kind];
    if (target < cumulative) return kind;
  }
  return kinds[kinds.length - 1];
}

/** The probabilities `userClass` rolls with when only `enabled` kinds are on (zero elsewhere). */
export function opMix(userClass: UserClass, enabled: readonly OpKind[]): Record<OpKind, number> {
  const table = OP_PROBABILITIES[userClass];
  const total = OP_KINDS.reduce((sum, k) => sum + (enabled.includes(k) ? table[k] : 0), 0);
  return Object.fromEntries(
    OP_KINDS.map((k) => [k, enabled.includes(k) && total > 0 ? table[k] / total : 0]),
  ) as Record<OpKind, number>;
}

/** True when `kinds` holds at least one insert and one read: a workload that can be checked. */
export function isCheckableMix(kinds: readonly OpKind[]): boolean {
  return kinds.some(isInsert) && kinds.some((k) => isRead(k) || isGenerated(k));
}

/** True when `enabled` is exactly the default six kinds (in any order). */
function isDefaultMix(enabled: readonly OpKind[]): boolean {
  return enabled.length === DEFAULT_OP_KINDS.length &&
    DEFAULT_OP_KINDS.every((k) => enabled.includes(k));
}
