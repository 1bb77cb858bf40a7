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
  const { name, shape } = ctx.tables[op.table];
  switch (op.kind) {
    case "BulkInsert":
      return `${copyInSql(name, shape, ctx.copyEncoder.sqlFormat)} -- ${op.rows} rows`;
    case "SingleInsert":
      return insertSql(name, shape);
    case "SchemaDdl":
      return schemaDdlSql(op);
    case "SimpleSelect":
      return simpleSelectSql(op, ctx.tables);
    case "Aggregate":
      return aggregateSql(op, ctx.tables);
    case "ComplexJoin":
      return complexJoinSql(op, ctx.tables);
    case "Transfer":
      return transferSql(op);
    case "ReadBalances":
      return READ_BALANCES_SQL;
    case "UpdateRange":
    case "DeleteRange":
      return rangeSql(op, ctx.ledger.user);
    case "Cancel":
    case "Disconnect":
      return faultSql(op, ctx.ledger.user);
    case "Reattach":
      return reattachSql(ctx, ctx.ledger.user);
  }
}

/** The read that stands in for an insert once the disk budget is spent: a SimpleSelect. */
export function redirectToRead(op: PlannedOp): PlannedOp {
  return { ...op, kind: "SimpleSelect", rows: 0 };
}
