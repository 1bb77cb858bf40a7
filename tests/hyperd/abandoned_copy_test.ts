/**
 * A hyperd bug hyperstress found (docs/hyper-bugs.md): a COPY whose client goes away
 * before CopyDone never ends, and every later read of its table waits behind it. This test fails
 * the day a hyperd build fixes it, so that reconnect_test.ts can cut COPYs again.
 */
import assert from "node:assert/strict";
import { connect, createDatabase } from "../../src/wire/connection.ts";
import { copyIn } from "../../src/wire/copy.ts";
import { abandonCopy } from "../../src/wire/raw_copy.ts";
import { TIMED_OUT, within } from "../../src/time.ts";
import { withHyperd } from "../helpers/hyperd.ts";

/**
 * Tries before the canary says the bug is gone: about one abandoned COPY in three ends (7 of 21
 * here), so each try abandons a COPY on a table of its own; all 8 ending by chance is ~1 in 6,500.
 */
const TRIES = 8;
/** A read of the table still unanswered after this long is blocked. */
const BLOCKED_MS = 5_000;

Deno.test("hyperd bug: a COPY abandoned before CopyDone blocks every later read of its table", async () => {
  await withHyperd(async (hyperd, dir) => {
    const database = `${dir}/abandoned.hyper`;
    await createDatabase(hyperd, database);
    const reader = connect(hyperd, database);
    const probes: ReturnType<typeof connect>[] = [];
    try {
      const answered: string[] = [];
      for (let attempt = 1; attempt <= TRIES; attempt++) {
        const table = `t${attempt}`;
        await reader.sql.unsafe(`CREATE TABLE ${table} (id INT, name TEXT)`);
        await reader.sql.unsafe(`INSERT INTO ${table} VALUES (1, 'a')`);
        const count = `SELECT count(*)::INT AS n FROM ${table}`;
        assert.deepEqual([...await reader.sql.unsafe(count)], [{ n: 1 }]);

        await abandonCopy(hyperd, database, table);
        // A blocked read holds its connection: each try reads on a new one.
        const probe = connect(hyperd, database);
        probes.push(probe);
        const read = probe.sql.unsafe(count);
        read.catch(() => {}); // still waiting when hyperd stops
        const answer = await within(read, BLOCKED_MS);
        if (answer === TIMED_OUT) {
          console.log(`blocked on try ${attempt} of ${TRIES} (answered: ${answered.length})`);
          return;
        }
        answered.push(JSON.stringify([...answer]));
      }
      assert.fail(
        `hyperd answered the read after all ${TRIES} abandoned COPYs (${answered.join(", ")}): ` +
          "this build ends them. Let reconnect_test.ts cut COPYs again and move its entry in " +
          "docs/hyper-bugs.md to fixed.",
      );
    } finally {
      for (const conn of [reader, ...probes]) await conn.sql.end({ timeout: 0 }).catch(() => {});
    }
  });
});

Deno.test("a COPY whose rows cannot be made ends with CopyFail, and its table stays readable", async () => {
  await withHyperd(async (hyperd, dir) => {
    const database = `${dir}/failed.hyper`;
    await createDatabase(hyperd, database);
    const writer = connect(hyperd, database);
    const reader = connect(hyperd, database);
    try {
      await writer.sql.unsafe("CREATE TABLE t (id INT, name TEXT)");
      const rows = function* () {
        yield new TextEncoder().encode("1,a\n2,");
        throw new Error("the generator broke");
      };
      await assert.rejects(
        copyIn(writer, "COPY t FROM STDIN WITH (FORMAT CSV)", rows()),
        /the generator broke/,
      );
      const count = "SELECT count(*)::INT AS n FROM t";
      const read = reader.sql.unsafe(count);
      read.catch(() => {});
      const answer = await within(read, 10_000);
      assert.notEqual(answer, TIMED_OUT, "the failed COPY still holds its table");
      assert.deepEqual([...(answer as Iterable<unknown>)], [{ n: 0 }]);
      assert.deepEqual([...await writer.sql.unsafe(count)], [{ n: 0 }], "the writer is usable");
    } finally {
      await writer.sql.end({ timeout: 0 }).catch(() => {});
      await reader.sql.end({ timeout: 0 }).catch(() => {});
    }
  });
});
