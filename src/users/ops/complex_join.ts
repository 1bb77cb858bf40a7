/**
 * ComplexJoin at complexity 1 (two tables), 2 (plus grouping and ordering) or 3 (three tables
 * with a subquery or a window function). Joins are on id within a window of ids, so their
 * cost stays bounded as the tables grow.
 */
import type { PlannedOp } from "../../workload/planner.ts";
import { quoteIdent } from "../../wire/sql.ts";
import type { TableSpec } from "../../workload/layout.ts";

const ID_WINDOW = 50;

/** The SQL of a ComplexJoin. */
export function complexJoinSql(op: PlannedOp, tables: readonly TableSpec[]): string {
  const a = quoteIdent(tables[op.table].name);
  const b = quoteIdent(tables[op.joinTables[0]].name);
  const c = quoteIdent(tables[op.joinTables[1]].name);
  const window = `a."id" BETWEEN ${op.firstId} AND ${op.firstId + ID_WINDOW}`;
  if (op.complexity === 1) {
    return `SELECT a."id", a."name", b."value" FROM ${a} a JOIN ${b} b ON a."id" = b."id" ` +
      `WHERE ${window} LIMIT ${op.limit}`;
  }
  if (op.complexity === 2) {
    return `SELECT a."id" % 20 AS bucket, count(*) AS n, avg(b."value") AS mean ` +
      `FROM ${a} a JOIN ${b} b ON a."id" = b."id" WHERE ${window} ` +
      `GROUP BY a."id" % 20 ORDER BY n DESC, bucket LIMIT ${op.limit}`;
  }
  if (op.variant < 0.5) {
    return `SELECT a."id", b."value", c."name", ` +
      `row_number() OVER (PARTITION BY a."id" ORDER BY b."value") AS rank ` +
      `FROM ${a} a JOIN ${b} b ON a."id" = b."id" JOIN ${c} c ON c."id" = a."id" ` +
      `WHERE ${window} LIMIT ${op.limit}`;
  }
  return `SELECT a."id", b."value", c."name" FROM ${a} a JOIN ${b} b ON a."id" = b."id" ` +
    `JOIN ${c} c ON c."id" = a."id" WHERE ${window} AND b."value" > ` +
    `(SELECT avg(s."value") FROM ${b} s WHERE s."id" BETWEEN ${op.firstId} AND ${
      op.firstId + ID_WINDOW
    }) LIMIT ${op.limit}`;
}
