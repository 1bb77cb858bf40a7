/**
 * One real user (the user loop, as a worker runs it) that reaches hyperd through a relay on
 * `port`, so a test can break its connections; the tally is the test's to drain.
 */
import { SEED_OP_KINDS } from "../../src/workload/op_table.ts";
import type { HyperConnection } from "../../src/wire/connection.ts";
import type { setUpDatabases } from "../../src/run/database_setup.ts";
import { HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import { OpStats } from "../../src/stats/op_stats.ts";
import { SharedFlags } from "../../src/users/shared_flags.ts";
import { runUser } from "../../src/users/user_loop.ts";
import { ledgerContext } from "./ledger_sink.ts";

/** What the relayed user does: its class, seed, largest batch and query complexity. */
export interface RelayedUserSpec {
  class: "mixed" | "inserter";
  seed: string;
  batchMax: number;
  complexity: number;
}

/** Starts user 0 of `spec` through the relay on `port` on `database`, with short thinks. */
export function runRelayedUser(
  hyperd: { host: string; port: number },
  database: Awaited<ReturnType<typeof setUpDatabases>>[number],
  port: number,
  spec: RelayedUserSpec,
) {
  const flags = new SharedFlags();
  const stats = new OpStats();
  const contextFor = (conn: HyperConnection) =>
    Promise.resolve({
      conn,
      tables: database.tables,
      copyEncoder: new HyperBinaryEncoder(),
      batches: new Map(),
      read: async (sql: string) => (await conn.sql.unsafe(sql)).length,
      readTransport: "libpq" as const,
      ...ledgerContext(hyperd, database.path),
    });
  const settings = {
    batchMin: 10,
    batchMax: spec.batchMax,
    thinkMinMs: 5,
    thinkMaxMs: 10,
    queryComplexityMax: spec.complexity,
    opKinds: SEED_OP_KINDS,
    accounts: 16,
  };
  const user = runUser({ id: 0, class: spec.class, seed: spec.seed, database: 0 }, {
    endpoint: { host: "127.0.0.1", port },
    database,
    settings,
    flags,
    stats,
    runStartMs: performance.timeOrigin + performance.now(),
    startAtMs: null,
    contextFor,
  });
  return { user, flags, stats };
}
