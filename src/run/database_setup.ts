/**
 * Creates the run's .hyper files fresh, with their base tables seeded with SEED_ROWS rows each;
 * with segments, segment 0 does that and the others wait until it marks them ready.
 */
import { layoutDigest, parseSegment } from "../config/segment.ts";
import type { RunLayout } from "../config/run_layout.ts";
import { connect, createDatabase, type Endpoint } from "../wire/connection.ts";
import { copyIn } from "../wire/copy.ts";
import { copyInSql, createTableSql, ledgerSetupSql, quoteIdent } from "../wire/sql.ts";
import { writeBatches } from "../workload/writes.ts";
import { HyperBinaryEncoder } from "../encode/hyper_binary.ts";
import { type DatabaseSpec, databaseTables, seedRowsWrite } from "../workload/layout.ts";
import type { WorkerDatabase } from "../users/worker_protocol.ts";
import { pathInside } from "./output_dir.ts";
import { clearReady, markReady, waitUntilReady } from "./segment_ready.ts";

/**
 * The run's databases in `databaseDir` (the path as the server sees it) with their base tables,
 * without touching the server: what a segment that did not create them runs on.
 */
export function databasesOf(databaseDir: string, specs: DatabaseSpec[]): WorkerDatabase[] {
  // Checked here: the path is dropped and recreated, and may come from a replay file.
  return specs.map((spec) => ({
    index: spec.index,
    path: pathInside(databaseDir, spec.file),
    tables: databaseTables(spec.schemaSeed),
  }));
}

/**
 * Drops and recreates each database in `databaseDir`, creates its tables and seeds them, and
 * opens its ledger with `accounts` accounts.
 */
export async function setUpDatabases(
  endpoint: Endpoint,
  databaseDir: string,
  specs: DatabaseSpec[],
  accounts = DEFAULT_ACCOUNTS,
): Promise<WorkerDatabase[]> {
  const encoder = new HyperBinaryEncoder();
  const databases = databasesOf(databaseDir, specs);
  for (const [at, { path, tables }] of databases.entries()) {
    const spec = specs[at];
    const admin = connect(endpoint);
    try {
      await admin.sql.unsafe(`DROP DATABASE IF EXISTS ${quoteIdent(path)}`);
    } finally {
      await admin.sql.end({ timeout: 5 });
    }
    await createDatabase(endpoint, path);
    const conn = connect(endpoint, path);
    try {
      for (const [i, table] of tables.entries()) {
        await conn.sql.unsafe(createTableSql(table.name, table.shape));
        // One batch: SEED_ROWS is below a sub-batch.
        const [batch] = writeBatches(table.shape, seedRowsWrite(spec.schemaSeed, i));
        const sql = copyInSql(table.name, table.shape, encoder.sqlFormat);
        await copyIn(conn, sql, encoder.encode(batch), { owner: encoder });
      }
      for (const statement of ledgerSetupSql(accounts)) await conn.sql.unsafe(statement);
    } finally {
      await conn.sql.end({ timeout: 5 });
    }
  }
  return databases;
}

/** Accounts of a ledger when a caller names none (the setting's default). */
const DEFAULT_ACCOUNTS = 16;

/** What a run's databases are prepared with. */
export interface RunDatabasesOptions {
  endpoint: Endpoint;
  /** Accounts in each database's ledger. */
  accounts: number;
  /** Where the databases are, as the server sees the path. */
  databaseDir: string;
  layout: RunLayout;
  /** `--segment i/n`, if any. */
  segment: string | undefined;
  /** How long a segment other than 0 waits for the databases. */
  waitSec: number;
  /** Called before a segment starts waiting: its wait has a deadline of its own. */
  onWait?: () => void;
  /** Stops the wait (the run stopped). */
  signal?: AbortSignal;
}

/**
 * The databases the run's users work on: set up here, or, for segment 1 and up, the ones segment
 * 0 sets up, once it has marked them ready for this run (same layout and segment count).
 */
export async function runDatabases(options: RunDatabasesOptions): Promise<WorkerDatabase[]> {
  const { endpoint, databaseDir, layout } = options;
  const segment = parseSegment(options.segment);
  if (!segment) {
    return await setUpDatabases(endpoint, databaseDir, layout.databases, options.accounts);
  }
  const mark = { layoutDigest: layoutDigest(layout), segments: segment.count };
  if (segment.index === 0) {
    // First: no segment may take an earlier run's mark for this one's.
    await clearReady(endpoint, databaseDir);
    const databases = await setUpDatabases(
      endpoint,
      databaseDir,
      layout.databases,
      options.accounts,
    );
    await markReady(endpoint, databaseDir, mark);
    return databases;
  }
  options.onWait?.();
  await waitUntilReady(endpoint, databaseDir, mark, {
    timeoutSec: options.waitSec,
    segment,
    signal: options.signal,
  });
  return databasesOf(databaseDir, layout.databases);
}
