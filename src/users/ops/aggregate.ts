/** Aggregate: GROUP BY with count, sum, avg, min and max. */
import type { PlannedOp } from "../../workload/planner.ts";
import { quoteIdent } from "../../wire/sql.ts";
import type { TableSpec } from "../../workload/layout.ts";

/** The SQL of an Aggregate: by category where the shape has one, else by id bucket. */
export function aggregateSql(op: PlannedOp, tables: readonly TableSpec[]): string {
  const { name, shape } = tables[op.table];
  const hasCategory = shape.columns.some((c) => c.name === "category");
  const group = hasCategory && op.variant < 0.5 ? `"category"` : `"id" % 10`;
  return `SELECT ${group} AS grp, count(*) AS n, sum("value") AS total, avg("value") AS mean, ` +
    `min("value") AS low, max("value") AS high FROM ${quoteIdent(name)} ` +
    `WHERE "value" > ${op.filter} GROUP BY ${group} ORDER BY grp`;
}
