/** Creates the run's .hyper files fresh, with their base tables seeded with SEED_ROWS rows each. */
import { connect, createDatabase, type Endpoint } from "../wire/connection.ts";
import { copyIn } from "../wire/copy.ts";
import { copyInSql, createTableSql, quoteIdent } from "../wire/sql.ts";
import { generateBatch } from "../workload/data_gen.ts";
import { HyperBinaryEncoder } from "../encode/hyper_binary.ts";
import { type DatabaseSpec, databaseTables, SEED_ROWS } from "../workload/layout.ts";
import { deriveSeed, Rng } from "../workload/rng.ts";
import type { WorkerDatabase } from "../users/worker_protocol.ts";
import { pathInside } from "./output_dir.ts";

/** Drops and recreates each database, creates its tables and seeds them. */
export async function setUpDatabases(
  endpoint: Endpoint,
  outputDir: string,
  specs: DatabaseSpec[],
): Promise<WorkerDatabase[]> {
  const encoder = new HyperBinaryEncoder();
  const databases: WorkerDatabase[] = [];
  for (const spec of specs) {
    // Checked again here: the path is dropped and recreated, and may come from a replay file.
    const path = pathInside(outputDir, spec.file);
    const admin = connect(endpoint);
    try {
      await admin.sql.unsafe(`DROP DATABASE IF EXISTS ${quoteIdent(path)}`);
    } finally {
      await admin.sql.end({ timeout: 5 });
    }
    await createDatabase(endpoint, path);
    const tables = databaseTables(spec.schemaSeed);
    const conn = connect(endpoint, path);
    try {
      for (const [i, table] of tables.entries()) {
        await conn.sql.unsafe(createTableSql(table.name, table.shape));
        const rng = new Rng(deriveSeed(spec.schemaSeed, "seed-rows", i));
        const batch = generateBatch(table.shape, SEED_ROWS, rng, 1);
        const sql = copyInSql(table.name, table.shape, encoder.sqlFormat);
        await copyIn(conn, sql, encoder.encode(batch));
      }
    } finally {
      await conn.sql.end({ timeout: 5 });
    }
    databases.push({ index: spec.index, path, tables });
  }
  return databases;
}
