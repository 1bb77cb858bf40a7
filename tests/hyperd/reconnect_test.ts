import assert from "node:assert/strict";
import { OP_KINDS } from "../../src/workload/op_table.ts";
import type { HyperConnection } from "../../src/wire/connection.ts";
import { setUpDatabases } from "../../src/run/database_setup.ts";
import { HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import { type OpFailure, OpStats } from "../../src/stats/op_stats.ts";
import { SharedFlags } from "../../src/users/shared_flags.ts";
import { runUser } from "../../src/users/user_loop.ts";
import { withHyperd } from "../helpers/hyperd.ts";

/** A loopback TCP relay whose connections the test can cut, as a failing network would. */
class Relay {
  readonly #listener: Deno.Listener;
  readonly #conns = new Set<Deno.Conn>();
  accepted = 0;

  constructor(target: { host: string; port: number }) {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#listener = listener;
    (async () => {
      for await (const client of listener) {
        this.accepted++;
        const server = await Deno.connect({ hostname: target.host, port: target.port });
        this.#conns.add(client).add(server);
        const pipe = (from: Deno.Conn, to: Deno.Conn) =>
          from.readable.pipeTo(to.writable).catch(() => {}).finally(() => this.#close(from, to));
        pipe(client, server);
        pipe(server, client);
      }
    })().catch(() => {});
  }

  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  /** Cuts every open connection. */
  cutAll(): void {
    for (const conn of this.#conns) this.#close(conn);
  }

  close(): void {
    this.cutAll();
    this.#listener.close();
  }

  #close(...conns: Deno.Conn[]): void {
    for (const conn of conns) {
      this.#conns.delete(conn);
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
      });
    const settings = {
      batchMin: 10,
      batchMax: 200,
      thinkMinMs: 5,
      thinkMaxMs: 10,
      queryComplexityMax: 2,
      opKinds: OP_KINDS,
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
      // A cut between operations is healed silently by postgres.js; cutting again and again
      // for a while is sure to catch operations in flight.
      for (let i = 0; i < 40; i++) {
        relay.cutAll();
        await new Promise((r) => setTimeout(r, 25));
      }
      const cutAt = opsSoFar();
      await waitForOps(cutAt + 20);
      flags.stopped = true;
      const result = await user;

      assert.ok(
        result.failures >= 1,
        "the cut should fail the operation in flight or the next one",
      );
      assert.ok(result.ops >= cutAt + 20, `only ${result.ops} ops; the user did not carry on`);
      assert.ok(relay.accepted >= 2, "the user never reconnected");
      opsSoFar();
      assert.ok(failures.length >= 1);
      assert.equal(failures[0].user, 0);
    } finally {
      relay.close();
    }
  });
});
