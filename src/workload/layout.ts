/** The run's databases, their tables and its users, all derived from the global seed. */
import { type UserClass } from "./op_table.ts";
import { deriveSeed, Rng } from "./rng.ts";
import { type Shape, SHAPES } from "./table_shapes.ts";
import type { WriteRecord } from "./writes.ts";

/** A database of the run; `file` is relative to the output dir. */
export interface DatabaseSpec {
  index: number;
  schemaSeed: string;
  file: string;
}

/** A simulated user: its class, its own seed and the database it works on. */
export interface UserSpec {
  id: number;
  class: UserClass;
  seed: string;
  database: number;
  /** Stop after this many operations (a shrunk replay); unset: run until the run stops. */
  maxOps?: number;
  /**
   * Run only these operations, by seq, ascending (a shrunk replay): the others are still rolled,
   * so each kept operation has the parameters it had in the original, but not sent. The user
   * stops after the last. Never set together with maxOps.
   */
  ops?: number[];
}

/** How many operations the user sends at most; undefined: until the run stops. */
export function opLimit(user: Pick<UserSpec, "maxOps" | "ops">): number | undefined {
  return user.ops?.length ?? user.maxOps;
}

/** A base table of a database. */
export interface TableSpec {
  name: string;
  shape: Shape;
}

/** Rows each base table starts with, so queries have data from the first operation. */
export const SEED_ROWS = 100;

/** The seed rows of table `table` (its index) of a database: ids 1..SEED_ROWS. */
export function seedRowsWrite(schemaSeed: string, table: number): WriteRecord {
  return { seed: deriveSeed(schemaSeed, "seed-rows", table), firstId: 1, rows: SEED_ROWS };
}

/** The run's databases: `db_0.hyper`, `db_1.hyper`, ... with seeds derived from the global one. */
export function databaseSpecs(globalSeed: number, count: number): DatabaseSpec[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    schemaSeed: deriveSeed(globalSeed, "schema", index),
    file: `db_${index}.hyper`,
  }));
}

/** The 2 to 5 base tables of a database, their number and shapes drawn from its schema seed. */
export function databaseTables(schemaSeed: string): TableSpec[] {
  const rng = new Rng(schemaSeed);
  const count = rng.int(2, 5);
  return Array.from({ length: count }, (_, i) => {
    const shape = rng.pick(SHAPES);
    return { name: `t${i}_${shape.name}`, shape };
  });
}

/** Users in class order (inserters, query, mixed, ledger), spread over the databases round-robin. */
export function userSpecs(
  globalSeed: number,
  counts: Partial<Record<UserClass, number>>,
  databases: number,
): UserSpec[] {
  const classes: UserClass[] = [
    ...Array<UserClass>(counts.inserter ?? 0).fill("inserter"),
    ...Array<UserClass>(counts.query ?? 0).fill("query"),
    ...Array<UserClass>(counts.mixed ?? 0).fill("mixed"),
    // Last, so a run that adds ledger users keeps every other user's id and seed.
    ...Array<UserClass>(counts.ledger ?? 0).fill("ledger"),
  ];
  return classes.map((userClass, id) => ({
    id,
    class: userClass,
    seed: deriveSeed(globalSeed, "user", id),
    database: id % databases,
  }));
}
