import assert from "node:assert/strict";
import { setUpDatabases } from "../../src/run/database_setup.ts";
import { checkIntegrity, tablesToCheck } from "../../src/run/integrity.ts";
import { TIMED_OUT, within } from "../../src/time.ts";
import { withHyperd } from "../helpers/hyperd.ts";
import { runRelayedUser } from "../helpers/relayed_user.ts";

/** A frontend Query message ('Q') whose statement starts in this chunk, and matches `only`. */
function startsQuery(
  chunk: Uint8Array,
  only = /^(SELECT|INSERT|COPY|CREATE|DROP|ALTER|WITH)/,
): boolean {
  if (chunk[0] !== 0x51 || chunk.length < 12) return false;
  const head = new TextDecoder().decode(chunk.subarray(5, 12)).toUpperCase();
  return only.test(head);
}

/** Any message of the extended protocol that carries `INSERT` (a SingleInsert's Parse). */
function startsInsert(chunk: Uint8Array): boolean {
  return startsQuery(chunk, /^COPY/) ||
    (chunk[0] === 0x50 && new TextDecoder().decode(chunk.subarray(0, 64)).includes("INSERT INTO"));
}

/**
 * A loopback TCP relay that can break the connection of a query in flight, as a failing network
 * would: armed, it drops the next query it sees and closes that connection. It breaks a
 * connection only before a statement reaches hyperd, never in the middle of a COPY: a COPY cut
 * before its CopyDone blocks its table in hyperd for good (abandoned_copy_test.ts); in_doubt_copy_test.ts
 * cuts one on purpose.
 */
class Relay {
  readonly #listener: Deno.Listener;
  readonly #conns = new Set<Deno.Conn>();
  #armed = 0;
  #inserts = false;
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

  /** Breaks the connections of the next `count` queries (`inserts`: of the next inserts). */
  arm(count: number, inserts = false): void {
    this.#armed += count;
    this.#inserts = inserts;
  }

  close(): void {
    this.#listener.close();
    this.#close(...this.#conns);
  }

  async #pipe(from: Deno.Conn, to: Deno.Conn, watchQueries: boolean): Promise<void> {
    const writer = to.writable.getWriter();
    try {
      for await (const chunk of from.readable) {
        const cuts = this.#inserts ? startsInsert(chunk) : startsQuery(chunk);
        if (watchQueries && this.#armed > 0 && cuts) {
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
    try {
      const { user, flags, tally } = runRelayedUser(hyperd, database, relay.port, {
        class: "mixed",
        seed: "relay",
        batchMax: 200,
        complexity: 2,
      });
      const waitForOps = (count: number) => tally.until(() => tally.ops >= count, 200, 50);
      await waitForOps(10);
      const cuts = 3;
      relay.arm(cuts);
      for (let i = 0; i < 200 && relay.cut < cuts; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(relay.cut, cuts, "the user sent too few queries to cut");
      tally.drain();
      const cutAt = tally.ops;
      await waitForOps(cutAt + 20);
      flags.stopped = true;
      const result = await within(user, 30_000);
      assert.ok(
        result !== TIMED_OUT,
        `the user did not stop within 30 s; in flight: ${JSON.stringify(tally.inFlight())}`,
      );

      assert.equal(result.failures, cuts, "each cut should fail the query in flight, and only it");
      assert.ok(result.ops >= cutAt + 20, `only ${result.ops} ops; the user did not carry on`);
      assert.ok(relay.accepted >= cuts + 1, "the user did not reconnect after every cut");
      tally.drain();
      assert.equal(tally.failures.length, cuts);
      for (const failure of tally.failures) {
        assert.equal(failure.user, 0);
        assert.match(failure.message, /CONNECTION_CLOSED|ECONNRESET|EPIPE|08006/);
      }
    } finally {
      relay.close();
    }
  });
});

Deno.test("inserts whose connection broke before hyperd saw them are in doubt, found absent, and no finding", async () => {
  await withHyperd(async (hyperd, dir) => {
    const spec = { index: 0, schemaSeed: "relay-doubt", file: "db_0.hyper" };
    const [database] = await setUpDatabases(hyperd, dir, [spec]);
    const relay = new Relay(hyperd);
    const { user, flags, tally } = runRelayedUser(hyperd, database, relay.port, {
      class: "inserter",
      seed: "relay-doubt",
      batchMax: 300,
      complexity: 1,
    });
    const waitFor = (done: () => boolean) => tally.until(done, 300, 50);
    try {
      await waitFor(() => tally.ops >= 5);
      relay.arm(2, true);
      await waitFor(() => relay.cut >= 2);
      assert.equal(relay.cut, 2, "the user sent too few inserts to cut");
      const cutAt = tally.ops;
      await waitFor(() => tally.ops >= cutAt + 5);
      flags.stopped = true;
      assert.notEqual(await within(user, 30_000), TIMED_OUT, "the user did not stop within 30 s");
      tally.drain();
    } finally {
      relay.close();
    }
    const { writes, inDoubt } = tally;
    assert.equal(inDoubt.length, 2, JSON.stringify(inDoubt));
    const tables = tablesToCheck([{ ...database, schemaSeed: spec.schemaSeed }], writes, inDoubt);
    const integrity = await checkIntegrity(hyperd, tables);
    assert.deepEqual(
      integrity.inDoubt!.map((o) => [o.outcome, o.presentRows, o.why]),
      [["absent", 0, "its connection broke"], ["absent", 0, "its connection broke"]],
    );
    assert.deepEqual(integrity.findings, []);
    assert.equal(integrity.mismatches, 0);
  });
});
