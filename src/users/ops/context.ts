/** What every operation runs with: the user's connection, its database's tables, its readers. */
import type { HyperConnection } from "../../wire/connection.ts";
import type { TableSpec } from "../../workload/layout.ts";
import type { CopyEncoder } from "../../encode/copy_encoder.ts";
import type { RowBatch } from "../../workload/row_batch.ts";
import type { Shape } from "../../workload/table_shapes.ts";
import type { OracleEvent } from "../../stats/oracle_stats.ts";

/** Runs a read-only query and resolves with the number of rows it returned. */
export type QueryReader = (sql: string) => Promise<number>;

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
