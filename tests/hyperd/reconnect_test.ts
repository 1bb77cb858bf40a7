import assert from "node:assert/strict";
import { SEED_OP_KINDS } from "../../src/workload/op_table.ts";
import { collectingLedger } from "../helpers/ledger_sink.ts";
import { OwnedModel } from "../../src/workload/owned_model.ts";
import type { HyperConnection } from "../../src/wire/connection.ts";
import { setUpDatabases } from "../../src/run/database_setup.ts";
import { HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import { type OpFailure, OpStats } from "../../src/stats/op_stats.ts";
import { SharedFlags } from "../../src/users/shared_flags.ts";
import { runUser } from "../../src/users/user_loop.ts";
import { TIMED_OUT, within } from "../../src/time.ts";
import { withHyperd } from "../helpers/hyperd.ts";

/** A frontend Query message ('Q') whose statement starts in this chunk. */
function startsQuery(chunk: Uint8Array): boolean {
  if (chunk[0] !== 0x51 || chunk.length < 12) return false;
  const head = new TextDecoder().decode(chunk.subarray(5, 12)).toUpperCase();
  return /^(SELECT|INSERT|COPY|CREATE|DROP|ALTER|WITH)/.test(head);
}

/**
 * A loopback TCP relay that can break the connection of a query in flight, as a failing network
 * would: armed, it drops the next query it sees and closes that connection. It breaks a
 * connection only before a statement reaches hyperd, never in the middle of a COPY: a COPY cut
 * before its CopyDone blocks its table in hyperd for good (abandoned_copy_test.ts).
 */
class Relay {
  readonly #listener: Deno.Listener;
  readonly #conns = new Set<Deno.Conn>();
  #armed = 0;
  accepted = 0;
  cut = 0;

  constructor(target: { host: string; port: number }) {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#listener = listener;
    (async () => {
      for await (const client of listener) {
        this.accepted++;
        const server = await Deno.connect({ hostname: target.host, port: target.port });
        this.#conns.add(client).add(server);
        this.#pipe(client, server, true);
        this.#pipe(server, client, false);
      }
    })().catch(() => {});
  }

  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  /** Breaks the connections of the next `count` queries. */
  arm(count: number): void {
    this.#armed += count;
  }

  close(): void {
    this.#listener.close();
    this.#close(...this.#conns);
  }

  async #pipe(from: Deno.Conn, to: Deno.Conn, watchQueries: boolean): Promise<void> {
    const writer = to.writable.getWriter();
    try {
      for await (const chunk of from.readable) {
        if (watchQueries && this.#armed > 0 && startsQuery(chunk)) {
          this.#armed--;
          this.cut++;
          break;
        }
        await writer.write(chunk);
      }
    } catch {
      /* a side closed */
    } finally {
      this.#close(from, to);
    }
  }

  #close(...conns: Deno.Conn[]): void {
    for (const conn of conns) {
      if (!this.#conns.delete(conn)) continue;
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  }
}

Deno.test("a user whose connection breaks records the failure, reconnects and carries on", async () => {
  await withHyperd(async (hyperd, dir) => {
    const [database] = await setUpDatabases(hyperd, dir, [{
      index: 0,
      schemaSeed: "relay",
      file: "db_0.hyper",
    }]);
    const relay = new Relay(hyperd);
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
        ledger: collectingLedger().sink,
        owned: new OwnedModel(),
        endpoint: hyperd,
        databasePath: database.path,
      });
    const settings = {
      batchMin: 10,
      batchMax: 200,
      thinkMinMs: 5,
      thinkMaxMs: 10,
      queryComplexityMax: 2,
      opKinds: SEED_OP_KINDS,
      accounts: 16,
    };
    try {
      const user = runUser({ id: 0, class: "mixed", seed: "relay", database: 0 }, {
        endpoint: { host: "127.0.0.1", port: relay.port },
        database,
        settings,
        flags,
        stats,
        runStartMs: performance.timeOrigin + performance.now(),
        startAtMs: null,
        contextFor,
      });
      // Ticks drain the tally, as the worker's ticker would; what they report adds up here.
      let ops = 0;
      const failures: OpFailure[] = [];
      const opsSoFar = () => {
        const tally = stats.tick();
        ops += Object.values(tally.byOp).reduce((n, op) => n + op.ops, 0);
        failures.push(...tally.failures);
        return ops;
      };
      const waitForOps = async (count: number) => {
        for (let i = 0; i < 200 && opsSoFar() < count; i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      await waitForOps(10);
      const cuts = 3;
      relay.arm(cuts);
      for (let i = 0; i < 200 && relay.cut < cuts; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(relay.cut, cuts, "the user sent too few queries to cut");
      const cutAt = opsSoFar();
      await waitForOps(cutAt + 20);
      flags.stopped = true;
      const result = await within(user, 30_000);
      assert.ok(
        result !== TIMED_OUT,
        `the user did not stop within 30 s; in flight: ${JSON.stringify(stats.tick().inFlight)}`,
      );

      assert.equal(result.failures, cuts, "each cut should fail the query in flight, and only it");
      assert.ok(result.ops >= cutAt + 20, `only ${result.ops} ops; the user did not carry on`);
      assert.ok(relay.accepted >= cuts + 1, "the user did not reconnect after every cut");
      opsSoFar();
      assert.equal(failures.length, cuts);
      for (const failure of failures) {
        assert.equal(failure.user, 0);
        assert.match(failure.message, /CONNECTION_CLOSED|ECONNRESET|EPIPE|08006/);
      }
    } finally {
      relay.close();
    }
  });
});
