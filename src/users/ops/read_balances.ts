/** ReadBalances: every balance in one statement, checked against the ledger's invariant. */
import type { PlannedOp } from "../../workload/planner.ts";
import { ACCOUNTS_TABLE, invariantTotal } from "../../workload/ledger.ts";
import { quoteIdent } from "../../wire/sql.ts";
import type { OpContext, OpOutcome } from "./context.ts";

/** One statement, so it reads one snapshot. */
export const READ_BALANCES_SQL = `SELECT "id", "balance" FROM ${
  quoteIdent(ACCOUNTS_TABLE)
} ORDER BY "id"`;

/** Reads every balance and reports the read to the ledger, which checks it. */
export async function readBalances(ctx: OpContext, op: PlannedOp): Promise<OpOutcome> {
  const ledger = ctx.ledger;
  const startedAtSec = ledger.nowSec();
  const rows = await ctx.conn.sql.unsafe(READ_BALANCES_SQL);
  const balances: [number, number][] = rows.map((r) => [Number(r.id), Number(r.balance)]);
  ledger.read({
    database: ledger.database,
    user: ledger.user,
    seq: op.seq,
    startedAtSec,
    endedAtSec: ledger.nowSec(),
    balances,
    expectedTotal: invariantTotal(ledger.accounts),
    accounts: ledger.accounts,
  });
  return { rows: rows.length, insertedRows: 0 };
}
