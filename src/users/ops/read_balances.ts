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
  const rows = await balancesRead(ctx, op, (sql) => ctx.conn.sql.unsafe(sql), READ_BALANCES_SQL);
  return { rows, insertedRows: 0 };
}

/**
 * Runs `sql` (every balance, `id` and `balance`, in one statement) through `query` and reports
 * what it saw to the ledger; the faults read through connections of their own. Returns the rows.
 */
export async function balancesRead(
  ctx: Pick<OpContext, "ledger">,
  op: PlannedOp,
  query: (sql: string) => Promise<readonly Record<string, unknown>[]>,
  sql: string,
): Promise<number> {
  const ledger = ctx.ledger;
  const startedAtSec = ledger.nowSec();
  const rows = await query(sql);
  ledger.read({
    database: ledger.database,
    user: ledger.user,
    seq: op.seq,
    startedAtSec,
    endedAtSec: ledger.nowSec(),
    balances: rows.map((r) => [Number(r.id), Number(r.balance)]),
    expectedTotal: invariantTotal(ledger.accounts),
    accounts: ledger.accounts,
  });
  return rows.length;
}
