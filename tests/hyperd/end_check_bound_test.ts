/**
 * The end-of-run integrity check is bounded (outcome.ts): a table hyperd holds for good makes
 * the check wait past its bound, and the run must still end, say the check had no answer, and
 * stop its hyperd. The table is held the way Hyper holds one (docs/hyper-bugs.md): a COPY
 * abandoned before CopyDone, in a database no user of the run writes to.
 */
import assert from "node:assert/strict";
import { connect, type Endpoint } from "../../src/wire/connection.ts";
import { abandonCopy } from "../../src/wire/raw_copy.ts";
import { quoteIdent } from "../../src/wire/sql.ts";
import { TIMED_OUT, within } from "../../src/time.ts";
import { processExists } from "../helpers/hyperd.ts";
import { LiveRun } from "../helpers/live_run.ts";
import { withTempDir } from "../helpers/temp_dir.ts";
import { readSummary } from "../helpers/quick_run.ts";

/** The check's bound for this run, in seconds (the default would be a minute). */
const BOUND_SEC = 3;
/** Abandoned COPYs tried before giving up on holding the table (about 1 in 8 ends). */
const HOLD_TRIES = 6;
/** A read of the table unanswered this long is held. */
const HELD_MS = 2_000;
/**
 * From the end of the users' duration to the run's exit: the check's bound, hyperd's stop
 * (callback close, then SIGTERM, each given 5 s; a held COPY did not slow the first here) and
 * writing the artifacts.
 */
const MARGIN_SEC = 12;

/**
 * Abandons COPYs into `table` until a read of it gets no answer; resolves with the try that
 * held it. A read that answers means that COPY ended: the next try abandons another.
 */
async function holdTable(endpoint: Endpoint, database: string, table: string): Promise<number> {
  const probes: ReturnType<typeof connect>[] = [];
  try {
    for (let attempt = 1; attempt <= HOLD_TRIES; attempt++) {
      await abandonCopy(endpoint, database, quoteIdent(table));
      const probe = connect(endpoint, database);
      probes.push(probe);
      const read = probe.sql.unsafe(`SELECT count(*) AS n FROM ${quoteIdent(table)}`).execute();
      read.catch(() => {}); // still waiting when hyperd stops
      if (await within(read, HELD_MS) === TIMED_OUT) return attempt;
    }
    throw new Error(`hyperd ended all ${HOLD_TRIES} abandoned COPYs: the table is not held`);
  } finally {
    for (const probe of probes) probe.socket?.destroy();
  }
}

Deno.test("a table held by an abandoned COPY makes the end check stop at its bound: the run ends, says the check had no answer and stops hyperd", async () => {
  await withTempDir(async (dir) => {
    const durationSec = 10;
    // One inserter on database 0; database 1 is set up and checked, and nobody else touches it.
    const run = new LiveRun([
      "stress",
      `--duration=${durationSec}`,
      `--check-bound-sec=${BOUND_SEC}`,
      `--output-dir=${dir}`,
      "--seed=28",
      "--databases=2",
      "--inserter-users=1",
      "--query-users=0",
      "--mixed-users=0",
      "--batch-min=10",
      "--batch-max=500",
      "--progress-interval=1",
    ]);
    const [, pid, host, port] = await run.waitFor(/hyperd pid (\d+) listening on (\S+):(\d+)/);
    try {
      await run.waitFor(new RegExp(`\\[1/${durationSec}s\\]`));
      const startedMs = performance.now();
      const endpoint = { host, port: Number(port) };
      const database = `${dir}/db_1.hyper`;
      const catalog = connect(endpoint, database);
      const [{ tablename: table }] = await catalog.sql.unsafe(
        "SELECT tablename FROM pg_catalog.pg_tables WHERE tablename LIKE 't0_%'",
      ).finally(() => catalog.sql.end({ timeout: 1 }));
      const tries = await holdTable(endpoint, database, table);
      console.log(`${table} held by abandoned COPY ${tries} of ${HOLD_TRIES}`);
      const code = await run.code();
      const tookSec = (performance.now() - startedMs) / 1000;
      assert.ok(
        tookSec < durationSec + BOUND_SEC + MARGIN_SEC,
        `the run ended ${tookSec.toFixed(1)} s after its first second`,
      );
      console.log(`ended ${tookSec.toFixed(1)} s after its first second`);
      assert.equal(code, 0, run.stderr);
    } finally {
      await run.code().catch(() => {});
    }
    assert.equal(processExists(Number(pid)), false, "the run must stop its hyperd");
    const summary = await readSummary(dir);
    const noAnswer = new RegExp(
      `^the check had no answer within ${BOUND_SEC} s: a table may be held by a COPY that never ended`,
    );
    assert.equal(summary.integrity.checked, false);
    assert.match(summary.integrity.skipped ?? "", noAnswer);
    assert.match(run.stdout, /^Integrity:\s+not checked \(the check had no answer within 3 s: /m);
    assert.match(
      run.stdout,
      /^PASSED \(integrity not checked: the check had no answer within 3 s: /m,
    );
  });
});
