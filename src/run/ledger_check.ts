/**
 * The ledger's end check: each database's final balances against the start plus the committed
 * transfers, each in-doubt transfer taken as applied or not, and their total against the
 * invariant.
 */
import { connect, type Endpoint } from "../wire/connection.ts";
import type { LedgerStats } from "../stats/ledger_stats.ts";
import { invariantTotal, type LedgerReconciliation, reconcile } from "../workload/ledger.ts";
import { READ_BALANCES_SQL } from "../users/ops/read_balances.ts";
import { TIMED_OUT, within } from "../time.ts";

/** How long the end check waits for a database's balances. */
const CHECK_BOUND_MS = 30_000;

/** One database's ledger at the end. */
export interface LedgerDatabaseCheck extends LedgerReconciliation {
  database: number;
  /** The invariant the total must equal. */
  expectedTotal: number;
  /** Why the balances could not be read, else null. */
  error: string | null;
}

/** The end check's verdict over every database. */
export interface LedgerCheck {
  checked: boolean;
  /** Why the check did not run, else null. */
  skipped: string | null;
  databases: LedgerDatabaseCheck[];
}

/** A check that could not run. */
export function ledgerCheckSkipped(reason: string): LedgerCheck {
  return { checked: false, skipped: reason, databases: [] };
}

/** Reads every database's balances once the users have stopped and reconciles them. */
export async function checkLedger(
  endpoint: Endpoint,
  databases: readonly { index: number; path: string }[],
  accounts: number,
  stats: LedgerStats,
): Promise<LedgerCheck> {
  const checks: LedgerDatabaseCheck[] = [];
  for (const database of databases) {
    const expectedTotal = invariantTotal(accounts);
    const { sql } = connect(endpoint, database.path);
    try {
      const read = sql.unsafe(READ_BALANCES_SQL).execute();
      read.catch(() => {});
      // A table blocked for good (an abandoned COPY) must not hang the run's end.
      const rows = await within(read, CHECK_BOUND_MS);
      if (rows === TIMED_OUT) {
        throw new Error(`no answer within ${CHECK_BOUND_MS / 1000} s`);
      }
      const balances = new Map(rows.map((r) => [Number(r.id), Number(r.balance)]));
      const result = reconcile(
        accounts,
        balances,
        stats.committed(database.index),
        stats.inDoubt(database.index),
      );
      checks.push({ database: database.index, expectedTotal, error: null, ...result });
    } catch (error) {
      checks.push({
        database: database.index,
        expectedTotal,
        error: (error as Error).message,
        total: 0,
        exact: false,
        inDoubtApplied: 0,
        inDoubt: stats.inDoubt(database.index).length,
        searched: false,
        mismatches: [],
      });
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
  }
  return { checked: true, skipped: null, databases: checks };
}
