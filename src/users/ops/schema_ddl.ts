/**
 * SchemaDdl: creates, alters and drops the user's own scratch tables. No other user touches
 * them, so schema changes never make another user's operation fail.
 */
import type { PlannedOp } from "../../workload/planner.ts";
import { createTableSql, quoteIdent } from "../../wire/sql.ts";
import { SMALL } from "../../workload/table_shapes.ts";
import type { OpContext, OpOutcome } from "./context.ts";

/** The statement of a planned schema change. */
export function schemaDdlSql(op: PlannedOp): string {
  const ddl = op.ddl!;
  const table = quoteIdent(ddl.table);
  if (ddl.action === "create") return createTableSql(ddl.table, SMALL);
  if (ddl.action === "alter") {
    return `ALTER TABLE ${table} ADD COLUMN ${quoteIdent(ddl.column)} INT`;
  }
  return `DROP TABLE IF EXISTS ${table}`;
}

/** Runs the planned schema change. */
export async function schemaDdl(ctx: OpContext, op: PlannedOp): Promise<OpOutcome> {
  await ctx.conn.sql.unsafe(schemaDdlSql(op));
  return { rows: 0, insertedRows: 0 };
}
