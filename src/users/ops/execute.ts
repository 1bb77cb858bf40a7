/** Runs one planned operation of any kind. */
import type { PlannedOp } from "../../workload/planner.ts";
import { aggregateSql } from "./aggregate.ts";
import { bulkInsert } from "./bulk_insert.ts";
import { complexJoinSql } from "./complex_join.ts";
import type { OpContext, OpOutcome } from "./context.ts";
import { schemaDdl, schemaDdlSql } from "./schema_ddl.ts";
import { simpleSelectSql } from "./simple_select.ts";
import { insertSql, singleInsert } from "./single_insert.ts";
import { copyInSql } from "../../wire/sql.ts";
import { generatedQuery, generatedQuerySql } from "./generated_query.ts";

/** Executes `op` and reports what it did; failures throw the server's error. */
export async function executeOp(ctx: OpContext, op: PlannedOp): Promise<OpOutcome> {
  switch (op.kind) {
    case "BulkInsert":
      return await bulkInsert(ctx, op);
    case "SingleInsert":
      return await singleInsert(ctx, op);
    case "SchemaDdl":
      return await schemaDdl(ctx, op);
    case "SimpleSelect":
      return { rows: await ctx.read(simpleSelectSql(op, ctx.tables)), insertedRows: 0 };
    case "Aggregate":
      return { rows: await ctx.read(aggregateSql(op, ctx.tables)), insertedRows: 0 };
    case "ComplexJoin":
      return { rows: await ctx.read(complexJoinSql(op, ctx.tables)), insertedRows: 0 };
    case "GeneratedQuery":
      return await generatedQuery(ctx, op, ctx.database ?? 0);
  }
}

/** The statement `op` sends, as a person would read it: a COPY names its row count. */
export function statementOf(ctx: OpContext, op: PlannedOp): string {
  return statementText(op, ctx.tables, ctx.copyEncoder.sqlFormat, ctx.queryKnownBugs);
}

/** The statement `op` sends over `tables`, with bulk inserts in `format` (for `plan` too). */
export function statementText(
  op: PlannedOp,
  tables: OpContext["tables"],
  format: OpContext["copyEncoder"]["sqlFormat"],
  queryKnownBugs: OpContext["queryKnownBugs"] = false,
): string {
  const { name, shape } = tables[op.table];
  switch (op.kind) {
    case "BulkInsert":
      return `${copyInSql(name, shape, format)} -- ${op.rows} rows`;
    case "SingleInsert":
      return insertSql(name, shape);
    case "SchemaDdl":
      return schemaDdlSql(op);
    case "SimpleSelect":
      return simpleSelectSql(op, tables);
    case "Aggregate":
      return aggregateSql(op, tables);
    case "ComplexJoin":
      return complexJoinSql(op, tables);
    case "GeneratedQuery":
      return generatedQuerySql(op, { tables, queryKnownBugs });
  }
}

/** The read that stands in for an insert once the disk budget is spent: a SimpleSelect. */
export function redirectToRead(op: PlannedOp): PlannedOp {
  return { ...op, kind: "SimpleSelect", rows: 0 };
}
