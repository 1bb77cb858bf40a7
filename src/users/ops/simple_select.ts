/** SimpleSelect: a filtered select with a LIMIT, in one of three variants. */
import type { PlannedOp } from "../../workload/planner.ts";
import { quoteIdent } from "../../wire/sql.ts";
import type { TableSpec } from "../../workload/layout.ts";

/** The SQL of a SimpleSelect; reads stay literal-only so gRPC can run them too. */
export function simpleSelectSql(op: PlannedOp, tables: readonly TableSpec[]): string {
  const table = quoteIdent(tables[op.table].name);
  if (op.variant < 1 / 3) {
    return `SELECT * FROM ${table} WHERE "value" > ${op.filter} ORDER BY "id" LIMIT ${op.limit}`;
  }
  if (op.variant < 2 / 3) {
    const to = op.firstId + op.limit;
    return `SELECT "id", "name", "value" FROM ${table} WHERE "id" BETWEEN ${op.firstId} AND ${to} LIMIT ${op.limit}`;
  }
  return `SELECT "id", "name" FROM ${table} WHERE "name" LIKE 'name_${op.firstId}%' LIMIT ${op.limit}`;
}
