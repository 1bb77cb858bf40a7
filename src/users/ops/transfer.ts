/**
 * Transfer: BEGIN, a debit that only takes money that is there, one or two credits, then COMMIT
 * (or the planned ROLLBACK). Whatever happens, the transfer is reported with how it ended, so
 * the end check knows which ones count; a COMMIT that got no answer is in doubt.
 */
import type { PlannedOp } from "../../workload/planner.ts";
import { ACCOUNTS_TABLE, type Leg, type TransferOutcome } from "../../workload/ledger.ts";
import { quoteIdent } from "../../wire/sql.ts";
import { isConflict, isConnectionLost } from "../op_errors.ts";
import type { OpContext, OpOutcome } from "./context.ts";

const TABLE = quoteIdent(ACCOUNTS_TABLE);

/** The debit: takes `-leg.delta` from the account only if its balance covers it. */
export function debitSql(leg: Leg): string {
  const amount = -leg.delta;
  return `UPDATE ${TABLE} SET "balance" = "balance" - ${amount} ` +
    `WHERE "id" = ${leg.account} AND "balance" >= ${amount}`;
}

/** A credit of `leg.delta` to the account. */
export function creditSql(leg: Leg): string {
  return `UPDATE ${TABLE} SET "balance" = "balance" + ${leg.delta} WHERE "id" = ${leg.account}`;
}

/** The statements of a transfer as one line, for the in-flight list and findings. */
export function transferSql(op: PlannedOp): string {
  const plan = op.transfer!;
  const [debit, ...credits] = plan.legs;
  return [
    "BEGIN",
    debitSql(debit),
    ...credits.map(creditSql),
    plan.rollback ? "ROLLBACK" : "COMMIT",
  ]
    .join("; ");
}

/** Runs the planned transfer; failures throw the server's error after the transfer is reported. */
export async function transfer(ctx: OpContext, op: PlannedOp): Promise<OpOutcome> {
  const { legs, rollback } = op.transfer!;
  const { sql } = ctx.conn;
  const ledger = ctx.ledger;
  const startedAtSec = ledger.nowSec();
  const report = (outcome: TransferOutcome) =>
    ledger.transfer({
      database: ledger.database,
      user: ledger.user,
      seq: op.seq,
      legs,
      outcome,
      startedAtSec,
      endedAtSec: ledger.nowSec(),
    });
  let committing = false;
  try {
    await sql.unsafe("BEGIN");
    const [debit, ...credits] = legs;
    const debited = await sql.unsafe(debitSql(debit));
    if (debited.count === 0) {
      await sql.unsafe("ROLLBACK");
      report("declined");
      return { rows: 0, insertedRows: 0 };
    }
    for (const credit of credits) {
      const credited = await sql.unsafe(creditSql(credit));
      if (credited.count !== 1) {
        throw new Error(`account ${credit.account} updated ${credited.count} rows, expected 1`);
      }
    }
    if (rollback) {
      await sql.unsafe("ROLLBACK");
      report("rolled-back");
      return { rows: legs.length, insertedRows: 0 };
    }
    committing = true;
    await sql.unsafe("COMMIT");
    report("committed");
    return { rows: legs.length, insertedRows: 0 };
  } catch (error) {
    const lost = isConnectionLost(error);
    // Only a COMMIT without an answer may have applied; any answer, or an earlier break, did not.
    report(committing && lost ? "in-doubt" : isConflict(error) ? "aborted" : "failed");
    if (!lost) await sql.unsafe("ROLLBACK").catch(() => {});
    throw error;
  }
}
