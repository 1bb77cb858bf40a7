import assert from "node:assert/strict";
import { join } from "node:path";
import type { Summary } from "../../src/results/summary.ts";
import { processExists } from "../helpers/hyperd.ts";
import { LiveRun } from "../helpers/live_run.ts";
import { freezeFor, resume } from "../helpers/freeze.ts";
import { withTempDir } from "../helpers/temp_dir.ts";
import { quickRun } from "../helpers/quick_run.ts";

/** How long hyperd is frozen: shorter than --stall-sec, longer than --slow-op-sec. */
const FREEZE_MS = 12_000;

const FLAGS = [
  ...quickRun(18),
  "--duration=25",
  "--stall-sec=60",
  "--slow-op-sec=5",
];

/** A short run in which hyperd is frozen for FREEZE_MS from about 3 s; its exit code and output. */
async function frozenRun(dir: string, extra: string[] = []) {
  const run = new LiveRun(["stress", `--output-dir=${dir}`, ...FLAGS, ...extra]);
  const pid = Number((await run.waitFor(/hyperd pid (\d+)/))[1]);
  await run.waitFor(/\[[3-9]\/25s\]/);
  await freezeFor(pid, FREEZE_MS);
  const code = await run.code();
  assert.equal(processExists(pid), false, "hyperd must be stopped");
  const summary: Summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
  return { code, run, summary };
}

Deno.test("a 12 s freeze of hyperd passes, with the operations it held as findings", async () => {
  await withTempDir(async (dir) => {
    const { code, run, summary } = await frozenRun(dir);
    assert.equal(code, 0, run.stderr);
    assert.equal(summary.stopReason, "DurationElapsed");
    const slow = summary.findings.filter((f) => f.kind === "slow-operation");
    assert.ok(slow.length >= 1, JSON.stringify(summary.findings));
    // Whatever was in flight when hyperd froze waited out the whole freeze.
    const held = slow.filter((f) => f.kind === "slow-operation" && f.evidence.durationMs >= 12_000);
    assert.ok(held.length >= 1, JSON.stringify(slow.map((f) => f.description)));
    for (const f of slow) {
      if (f.kind !== "slow-operation") continue;
      assert.ok(f.evidence.durationMs > 5000);
      assert.ok(f.evidence.sql.length > 0);
      assert.match(
        f.description,
        /^(an|a failed) operation took \d+\.\d s \(.+, user \d, seq \d+\)$/,
      );
      assert.match(f.signature, /^slow-operation \| \w+ \| (small|medium|wide)$/);
    }
    // The slowest list holds them too, slowest first, with their statements.
    assert.equal(
      summary.slowest[0].durationMs,
      Math.max(...slow.map((f) => f.evidence.durationMs)),
    );
    assert.ok(summary.slowest.length <= 20);
    const verdict = run.stdout.trimEnd().split("\n").at(-1) ?? "";
    assert.match(verdict, new RegExp(`^PASSED with ${summary.findings.length} findings?: `));
    assert.ok(verdict.includes(slow[0].description), verdict);
  });
});

Deno.test("--fail-on-findings turns the same freeze into exit 7", async () => {
  await withTempDir(async (dir) => {
    const { code, run, summary } = await frozenRun(dir, ["--fail-on-findings"]);
    assert.equal(code, 7, run.stderr);
    assert.equal(summary.exitCode, 7);
    assert.ok(summary.findings.some((f) => f.kind === "slow-operation"));
    assert.match(run.stdout, /FAILED: --fail-on-findings \(exit 7\) with \d+ findings?: /);
  });
});

Deno.test("a stall is one finding naming the operations it left in flight, with their wait", async () => {
  await withTempDir(async (dir) => {
    const flags = FLAGS.map((f) => f.startsWith("--stall-sec") ? "--stall-sec=5" : f);
    const run = new LiveRun(["stress", `--output-dir=${dir}`, ...flags]);
    const pid = Number((await run.waitFor(/hyperd pid (\d+)/))[1]);
    try {
      await run.waitFor(/\[[3-9]\/25s\]/);
      Deno.kill(pid, "SIGSTOP");
      assert.equal(await run.code(), 6, run.stderr);
    } finally {
      resume(pid);
      await run.code();
    }
    const summary: Summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
    const stall = summary.findings.find((f) => f.kind === "stall");
    assert.ok(stall?.kind === "stall", JSON.stringify(summary.findings));
    assert.ok(stall.evidence.inFlight.length >= 1);
    for (const op of stall.evidence.inFlight) {
      assert.equal(op.outcome, "stalled");
      assert.ok(op.durationMs >= 5000, `${op.durationMs} ms`);
      assert.ok(op.sql.length > 0);
    }
    assert.match(stall.signature, /^stall \| \w+ \| (small|medium|wide)$/);
    // The stalled operations are the stall's evidence, not slow-operation findings of their own.
    assert.ok(
      !summary.findings.some((f) =>
        f.kind === "slow-operation" && f.evidence.outcome === "stalled"
      ),
    );
    assert.match(
      run.stdout,
      /FAILED: hyperd stalled \(exit 6\) with \d+ findings?: hyperd stalled: /,
    );
  });
});
