/** What every operation runs with: the user's connection, its database's tables, its readers. */
import type { Endpoint, HyperConnection } from "../../wire/connection.ts";
import type { TableSpec } from "../../workload/layout.ts";
import type { CopyEncoder } from "../../encode/copy_encoder.ts";
import type {
  BalanceRead,
  FaultEvent,
  RangeMismatch,
  TransferRecord,
} from "../../workload/ledger.ts";
import type { OwnedModel } from "../../workload/owned_model.ts";
import type { RowBatch } from "../../workload/row_batch.ts";
import type { Shape } from "../../workload/table_shapes.ts";
import type { OracleEvent } from "../../stats/oracle_stats.ts";

/** Runs a read-only query and resolves with the number of rows it returned. */
export type QueryReader = (sql: string) => Promise<number>;

/** Where the ledger's operations report what they did, and what they need to know. */
export interface LedgerSink {
  user: number;
  database: number;
  /** Accounts in the database's ledger. */
  accounts: number;
  /** Seconds since the run's start. */
  nowSec(): number;
  /** A transfer ended, however it ended. */
  transfer(record: TransferRecord): void;
  /** A read of every balance came back. */
  read(read: BalanceRead): void;
  /** A range operation checked the user's own table against its model and found it right. */
  rangeChecked(): void;
  /** The user's own table did not hold what its model says. */
  rangeMismatch(mismatch: RangeMismatch): void;
  /** A client-side fault left hyperd in a state it should not be in. */
  fault(event: FaultEvent): void;
}

/** The user's side of the server. */
export interface OpContext {
  conn: HyperConnection;
  tables: readonly TableSpec[];
  /** The COPY format of bulk inserts: HyperBinary or Arrow. */
  copyEncoder: CopyEncoder;
  /** Reusable batches per shape that bulk inserts generate rows into. */
  batches: Map<Shape, RowBatch>;
  /** Where reads go: libpq, or gRPC with `STRESS_TRANSPORT=grpc`. */
  read: QueryReader;
  /** Which transport `read` uses, for the summary's counts. */
  readTransport: "libpq" | "grpc";
  /** The ledger's side: transfers, balance reads and own-table checks report here. */
  ledger: LedgerSink;
  /** The user's model of its own table; it outlives reconnections. */
  owned: OwnedModel;
  /** Where the user's database is: a fault opens connections of its own there. */
  endpoint: Endpoint;
  databasePath: string;
  /** The index of the database the tables are in (a wrong result names it). */
  database?: number;
  /** GeneratedQuery may hit Hyper's known wrong results (--query-known-bugs). */
  queryKnownBugs?: boolean;
}

/** What an operation did. */
export interface OpOutcome {
  /** Rows inserted or returned. */
  rows: number;
  /** Rows the server acknowledged inserting into a base table, else 0. */
  insertedRows: number;
  /** A GeneratedQuery's finding or count. */
  oracle?: OracleEvent;
}
