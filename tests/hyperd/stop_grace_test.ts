/**
 * A run whose stop grace runs out with an insert still in flight: a relay leaves one COPY
 * unanswered (hyperd has committed it), the grace ends while the user waits, and the end check
 * still runs, with that insert in doubt and found applied, and no finding.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { hyperdEnv } from "../helpers/cli.ts";
import { startHoldRelay } from "../helpers/hold_relay.ts";
import { LiveRun } from "../helpers/live_run.ts";
import { readSummary } from "../helpers/quick_run.ts";
import { stillListening, withStandaloneHyperd } from "../helpers/standalone_hyperd.ts";

Deno.test("an insert still unanswered when the stop grace runs out is in doubt, found applied, and the end check runs", async () => {
  await withStandaloneHyperd(async (hyperd, dir) => {
    const relay = await startHoldRelay({ host: "127.0.0.1", port: hyperd.port });
    const out = join(dir, "out");
    try {
      const run = new LiveRun([
        "stress",
        `--endpoint=127.0.0.1:${relay.port}`,
        `--hyperd-log=${hyperd.logFile}`,
        "--duration=6",
        // Shorter than the workers' tick: the others' last acknowledged inserts reach the tally
        // only through the flush at the grace's end.
        "--stop-grace-sec=0.3",
        "--workers=1",
        "--seed=28",
        "--databases=1",
        "--inserter-users=2",
        "--query-users=0",
        "--mixed-users=1",
        "--think-min-ms=0",
        "--think-max-ms=10",
        "--batch-min=10",
        "--batch-max=100",
        "--log-interval=1",
        "--progress-interval=1",
        `--output-dir=${out}`,
      ], hyperdEnv());
      await run.waitFor(/\[[2-5]\/6s\]/);
      relay.arm();
      for (let i = 0; i < 100 && relay.held === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(await run.code(), 0, run.stderr);
      assert.equal(relay.held, 1, "no COPY was held before the stop");

      const summary = await readSummary(out);
      assert.equal(summary.stopReason, "DurationElapsed");
      // The held user never finished: its worker sent no final report, only its flushed tally.
      assert.ok(summary.users.some((u) => u.unfinished), JSON.stringify(summary.users));
      assert.equal(summary.integrity.checked, true, summary.integrity.skipped ?? "");
      assert.deepEqual(summary.integrity.findings, []);
      assert.equal(summary.integrity.mismatches, 0);
      const atStop = (summary.integrity.inDoubt ?? []).filter((w) =>
        w.why === "in flight at the stop"
      );
      // The held COPY is one; another user cut in its last operation by the grace may add more.
      assert.ok(atStop.length >= 1, JSON.stringify(summary.integrity.inDoubt));
      assert.ok(
        atStop.every((w) => w.outcome === "applied" || w.outcome === "absent"),
        JSON.stringify(atStop),
      );
      // hyperd had its CopyDone and committed it; only the answer was held.
      assert.ok(atStop.some((w) => w.outcome === "applied"), JSON.stringify(atStop));
      assert.match(run.stdout, /in flight at the stop\): applied/);
      if (summary.ledger) assert.equal(summary.ledger.check.checked, true);
      assert.ok(await stillListening(hyperd), "hyperd must still answer");
    } finally {
      await relay.close();
    }
  });
});
