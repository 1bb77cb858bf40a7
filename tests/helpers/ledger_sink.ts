/** A ledger sink for tests that run operations by hand: it keeps what the operations report. */
import type { LedgerSink, OpContext } from "../../src/users/ops/context.ts";
import { HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import type { HyperConnection } from "../../src/wire/connection.ts";
import type { TableSpec } from "../../src/workload/layout.ts";
import { OwnedModel } from "../../src/workload/owned_model.ts";
import type {
  BalanceRead,
  FaultEvent,
  RangeMismatch,
  TransferRecord,
} from "../../src/workload/ledger.ts";

/** A sink and the transfers and reads it received. */
export interface CollectingLedger {
  sink: LedgerSink;
  transfers: TransferRecord[];
  reads: BalanceRead[];
  /** Checks of the user's own table that found it right, and those that did not. */
  rangeChecks: { ok: number; mismatches: RangeMismatch[] };
  faults: FaultEvent[];
}

/** A sink for `user` on `database` with `accounts` accounts (the setting's default: 16). */
export function collectingLedger(user = 0, database = 0, accounts = 16): CollectingLedger {
  const transfers: TransferRecord[] = [];
  const reads: BalanceRead[] = [];
  const rangeChecks = { ok: 0, mismatches: [] as RangeMismatch[] };
  const faults: FaultEvent[] = [];
  const origin = performance.now();
  return {
    transfers,
    reads,
    rangeChecks,
    faults,
    sink: {
      user,
      database,
      accounts,
      nowSec: () => (performance.now() - origin) / 1000,
      transfer: (record) => transfers.push(record),
      read: (read) => reads.push(read),
      rangeChecked: () => rangeChecks.ok++,
      rangeMismatch: (mismatch) => rangeChecks.mismatches.push(mismatch),
      fault: (event) => faults.push(event),
    },
  };
}

/** The ledger's part of an OpContext for tests that build one by hand and run no ledger kind. */
export function ledgerContext(
  endpoint: { host: string; port: number },
  databasePath: string,
  user = 0,
): {
  ledger: LedgerSink;
  owned: OwnedModel;
  endpoint: { host: string; port: number };
  databasePath: string;
} {
  return { ledger: collectingLedger(user).sink, owned: new OwnedModel(), endpoint, databasePath };
}

/** An OpContext on `conn` for `user` on `database`, its ledger collected for the test to read. */
export function collectingContext(
  conn: HyperConnection,
  endpoint: { host: string; port: number },
  database: { path: string; tables: TableSpec[] },
  user: number,
): { ctx: OpContext; ledger: CollectingLedger } {
  const ledger = collectingLedger(user);
  const ctx: OpContext = {
    conn,
    tables: database.tables,
    copyEncoder: new HyperBinaryEncoder(),
    batches: new Map(),
    read: (sql) => conn.countRows(sql),
    readTransport: "libpq",
    ledger: ledger.sink,
    owned: new OwnedModel(),
    endpoint,
    databasePath: database.path,
  };
  return { ctx, ledger };
}
