/**
 * One real user (the user loop, as a worker runs it) that reaches hyperd through a relay on
 * `port`, so a test can break its connections; its tally is drained into a `DrainedTally`.
 */
import { SEED_OP_KINDS } from "../../src/workload/op_table.ts";
import type { HyperConnection } from "../../src/wire/connection.ts";
import type { setUpDatabases } from "../../src/run/database_setup.ts";
import { HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import type { InDoubtRecord, InFlightOp, OpFailure } from "../../src/stats/op_records.ts";
import { OpStats } from "../../src/stats/op_stats.ts";
import type { WriteRecord } from "../../src/workload/writes.ts";
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
  return { user, flags, tally: new DrainedTally(stats) };
}

/**
 * What the user's tally has told so far, drained as the worker's ticker would: operations,
 * failures, acknowledged writes and in-doubt inserts.
 */
export class DrainedTally {
  readonly #stats: OpStats;
  ops = 0;
  /** Acknowledged writes by `database/table`. */
  readonly writes: Record<string, WriteRecord[]> = {};
  readonly inDoubt: InDoubtRecord[] = [];
  readonly failures: OpFailure[] = [];

  constructor(stats: OpStats) {
    this.#stats = stats;
  }

  /** Takes what the tally holds now. */
  drain(): void {
    this.inFlight();
  }

  /** Takes what the tally holds now, and returns what is in flight. */
  inFlight(): InFlightOp[] {
    const tally = this.#stats.tick();
    this.ops += Object.values(tally.byOp).reduce((n, op) => n + op.ops, 0);
    for (const { key, ...write } of tally.writes) (this.writes[key] ??= []).push(write);
    this.inDoubt.push(...tally.inDoubt);
    this.failures.push(...tally.failures);
    return tally.inFlight;
  }

  /** Drains every `everyMs` until `done()`, at most `tries` times. */
  async until(done: () => boolean, tries: number, everyMs: number): Promise<void> {
    for (let i = 0; i < tries && !done(); i++) {
      this.drain();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
