/** Operation kinds, user classes and the probability table each class rolls from. */

/** What a user can do in one step. */
export const OP_KINDS = [
  "BulkInsert",
  "SingleInsert",
  "SimpleSelect",
  "Aggregate",
  "ComplexJoin",
  "SchemaDdl",
] as const;
/** One operation kind. */
export type OpKind = typeof OP_KINDS[number];

/** The three kinds of simulated user. */
export const USER_CLASSES = ["inserter", "query", "mixed"] as const;
/** One user class. */
export type UserClass = typeof USER_CLASSES[number];

/** Probability of each operation per user class, in OP_KINDS order; each row sums to 1. */
export const OP_PROBABILITIES: Record<UserClass, Record<OpKind, number>> = {
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

/** True for operations that insert rows (turned into reads once the disk budget is spent). */
export function isInsert(kind: OpKind): boolean {
  return kind === "BulkInsert" || kind === "SingleInsert";
}

/** True for read-only queries (the ones that go over gRPC with that transport). */
export function isRead(kind: OpKind): boolean {
  return kind === "SimpleSelect" || kind === "Aggregate" || kind === "ComplexJoin";
}

/** Picks the operation that a uniform draw `u` in [0, 1) lands on for `userClass`. */
export function rollOp(userClass: UserClass, u: number): OpKind {
  const table = OP_PROBABILITIES[userClass];
  let cumulative = 0;
  for (const kind of OP_KINDS) {
    cumulative += table[kind];
    if (u < cumulative) return kind;
  }
  return OP_KINDS[OP_KINDS.length - 1];
}
