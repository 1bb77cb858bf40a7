/**
 * A run whose stop grace runs out with writes still in flight: a relay leaves one INSERT and one
 * transfer's COMMIT unanswered (hyperd runs both all the same), and the grace is shorter than the
 * workers' tick, so the writes the other users saw acknowledged since their worker's last tick
 * reach the tally only through the tally the pool asks for at the grace's end. Both end checks
 * still run, with the held insert and transfer in doubt and found applied, and no finding:
 * nothing acknowledged was missed. Only single-row INSERTs write rows: a worker ended in a COPY's
 * data could hold its table in hyperd (docs/hyper-bugs.md), one ended in an INSERT cannot.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { hyperdEnv } from "../helpers/cli.ts";
import { startHoldRelay } from "../helpers/hold_relay.ts";
import { LiveRun } from "../helpers/live_run.ts";
import { readSummary } from "../helpers/quick_run.ts";
import { stillListening, withStandaloneHyperd } from "../helpers/standalone_hyperd.ts";

Deno.test("writes still unanswered when the stop grace runs out are in doubt, the held ones found applied, and both end checks run", async () => {
  await withStandaloneHyperd(async (hyperd, dir) => {
    const relay = await startHoldRelay({ host: "127.0.0.1", port: hyperd.port });
    const out = join(dir, "out");
    try {
      const run = new LiveRun([
        "stress",
        `--endpoint=127.0.0.1:${relay.port}`,
        `--hyperd-log=${hyperd.logFile}`,
        "--duration=6",
        "--stop-grace-sec=0.05",
        "--workers=1",
        "--seed=28",
        "--databases=1",
        "--inserter-users=2",
        "--query-users=0",
        "--mixed-users=1",
        "--ops=SingleInsert,SimpleSelect,Transfer",
        "--think-min-ms=0",
        "--think-max-ms=10",
        "--log-interval=1",
        "--progress-interval=1",
        `--output-dir=${out}`,
      ], hyperdEnv());
      await run.waitFor(/\[[2-4]\/6s\]/);
      relay.arm(/^INSERT/);
      relay.arm(/^COMMIT/);
      assert.equal(await run.code(), 0, run.stderr);
      assert.equal(relay.held, 2, "no INSERT or no COMMIT was held before the stop");

      const summary = await readSummary(out);
      assert.equal(summary.stopReason, "DurationElapsed");
      // The held user never finished: its worker sent no final report, only the tally asked for.
      assert.ok(summary.users.every((u) => u.unfinished), JSON.stringify(summary.users));
      assert.ok(summary.totals.ops > 50, `only ${summary.totals.ops} operations`);
      assert.equal(summary.integrity.checked, true, summary.integrity.skipped ?? "");
      assert.deepEqual(summary.integrity.findings, []);
      assert.equal(summary.integrity.mismatches, 0);
      const atStop = (summary.integrity.inDoubt ?? []).filter((w) =>
        w.why === "in flight at the stop"
      );
      // The held INSERT, and any other the workers' end cut short: each is there or not.
      assert.ok(atStop.length >= 1 && atStop.length <= 3, JSON.stringify(atStop));
      assert.ok(
        atStop.every((w) => w.outcome === "applied" || w.outcome === "absent"),
        JSON.stringify(atStop),
      );
      // hyperd had the held INSERT whole and committed it; only its answer was held.
      assert.ok(atStop.some((w) => w.outcome === "applied"), JSON.stringify(atStop));
      assert.match(run.stdout, /in flight at the stop\): applied/);
      // The held COMMIT's transfer is in doubt too, and the ledger's end check ran with it.
      const ledger = summary.ledger!;
      assert.ok(ledger.transfers["in-doubt"] >= 1, JSON.stringify(ledger.transfers));
      assert.equal(ledger.check.checked, true, ledger.check.skipped ?? "");
      const [balances] = ledger.check.databases;
      assert.equal(balances.exact, true, JSON.stringify(balances));
      assert.ok(balances.inDoubtApplied >= 1, JSON.stringify(balances));
      assert.ok(await stillListening(hyperd), "hyperd must still answer");
    } finally {
      await relay.close();
    }
  });
});
