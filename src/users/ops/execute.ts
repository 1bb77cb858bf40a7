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
import { READ_BALANCES_SQL, readBalances } from "./read_balances.ts";
import { transfer, transferSql } from "./transfer.ts";
import { ACCOUNTS_TABLE, ownedTable } from "../../workload/ledger.ts";
import { isLedger, isRange } from "../../workload/op_table.ts";
import { rangeOp, rangeSql } from "./owned_ranges.ts";
import { cancelOp, disconnectOp, faultSql, reattachOp, reattachSql } from "./faults.ts";
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
    case "Transfer":
      return await transfer(ctx, op);
    case "ReadBalances":
      return await readBalances(ctx, op);
    case "UpdateRange":
    case "DeleteRange":
      return await rangeOp(ctx, op);
    case "Cancel":
      return await cancelOp(ctx, op);
    case "Disconnect":
      return await disconnectOp(ctx, op);
    case "Reattach":
      return await reattachOp(ctx, op);
    case "GeneratedQuery":
      return await generatedQuery(ctx, op, ctx.database ?? 0);
  }
}

/**
 * The table `op` of `user` works on, by name: the ledger's kinds work on the accounts, the range
 * kinds on the user's own table.
 */
export function tableOf(ctx: Pick<OpContext, "tables">, op: PlannedOp, user: number): string {
  if (isRange(op.kind)) return ownedTable(user);
  if (op.kind === "Cancel" || (op.kind === "Disconnect" && op.fault!.phase === "read")) {
    return "generate_series";
  }
  if (op.kind === "Disconnect" && op.fault!.phase === "copy") return `cut_copy_u${user}_${op.seq}`;
  if (op.kind === "Disconnect" || op.kind === "Reattach") return ACCOUNTS_TABLE;
  return isLedger(op.kind) ? ACCOUNTS_TABLE : ctx.tables[op.table].name;
}

/** The statement `op` sends, as a person would read it: a COPY names its row count. */
export function statementOf(ctx: OpContext, op: PlannedOp): string {
  return statementText(op, ctx.tables, ctx.copyEncoder.sqlFormat, ctx.queryKnownBugs, {
    user: ctx.ledger.user,
    databasePath: ctx.databasePath,
  });
}

/** The statement `op` sends over `tables`, with bulk inserts in `format` (for `plan` too). */
export function statementText(
  op: PlannedOp,
  tables: OpContext["tables"],
  format: OpContext["copyEncoder"]["sqlFormat"],
  queryKnownBugs: OpContext["queryKnownBugs"] = false,
  /** Whose operation on which database: the user's own tables and a Reattach name them. */
  where: { user: number; databasePath: string } = { user: 0, databasePath: "<database>" },
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
    case "Transfer":
      return transferSql(op);
    case "ReadBalances":
      return READ_BALANCES_SQL;
    case "UpdateRange":
    case "DeleteRange":
      return rangeSql(op, where.user);
    case "Cancel":
    case "Disconnect":
      return faultSql(op, where.user);
    case "Reattach":
      return reattachSql(where, where.user);
  }
}

/** The read that stands in for an insert once the disk budget is spent: a SimpleSelect. */
export function redirectToRead(op: PlannedOp): PlannedOp {
  return { ...op, kind: "SimpleSelect", rows: 0 };
}
