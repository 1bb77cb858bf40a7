import assert from "node:assert/strict";
import { join } from "node:path";
import type { Replay } from "../../src/config/replay.ts";
import type { ShrinkReport } from "../../src/shrink/shrink_report.ts";
import type { Summary } from "../../src/results/summary.ts";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

/** hyperd's abort under a small global memory limit: seed 1 crashes within seconds here. */
const CRASHING = [
  "--seed=1",
  "--memory-limit=300m",
  "--batch-min=20000",
  "--batch-max=50000",
  "--duration=20",
  "--progress-interval=0",
];

/** Tries the test replays the result with, as REPRO.md says to. */
const REPLAYS = 3;

// 3m10s and 3m41s measured on the shared 2-core machine: the crash run (~6 s), a shrink bounded by
// --max-minutes=3 with 3 tries per measure (each try ~5-15 s), then 3 replays. The bound is on the
// shrink, whose own clock keeps time back for its final measure; the smallest result is the
// bench's business (bench/shrink_abort.ts), not this test's.
Deno.test("shrink measures the memory-limit abort's rate, and its REPRO.md command reproduces at the rate it states", async () => {
  await withTempDir(async (dir) => {
    const original = join(dir, "original");
    const crash = await runCli(["stress", `--output-dir=${original}`, ...CRASHING], hyperdEnv());
    assert.equal(crash.code, 4, crash.stderr);
    const crashed: Summary = JSON.parse(await Deno.readTextFile(join(original, "summary.json")));

    const out = join(dir, "shrunk");
    const started = Date.now();
    const shrink = await runCli(
      [
        "shrink",
        `--replay-file=${join(original, "replay.json")}`,
        "--until=crash",
        "--tries=3",
        "--max-minutes=3",
        "--duration=20",
        `--output-dir=${out}`,
      ],
      hyperdEnv(),
    );
    const minutes = (Date.now() - started) / 60_000;
    assert.equal(shrink.code, 0, shrink.stderr);
    // The bound holds up to one try's overrun (a try is not cut short) and process start-up.
    assert.ok(minutes < 3 + 1.5, `the shrink took ${minutes.toFixed(1)} minutes`);
    const report: ShrinkReport = JSON.parse(await Deno.readTextFile(join(out, "shrink.json")));
    assert.equal(report.timing, "recorded", "the original wrote its schedule");
    assert.ok(report.original.rates.recorded!.k >= 1, "the original reproduced");
    assert.match(report.signature!, /^crash \| .* \| 53S02 \| .*global memory limit/);
    assert.match(shrink.stderr, /reproduced \d of \d, (kept|dropped) · smallest .* of 3 min/);
    // Every kept cut met the rate it was held to: the search's stricter one, but for the first.
    const { rate, search } = report.minReproRate;
    assert.ok(Math.abs(search - (rate + 1) / 2) < 1e-9, `search rate ${search} for ${rate}`);
    for (const a of report.attempts.filter((a) => a.accepted)) {
      const held = a.step === "operations sent before it failed" ? rate : search;
      assert.ok(a.k / a.tries >= held, `${a.step}: ${a.k} of ${a.tries}`);
    }
    const result = report.result!;
    assert.equal(result.rate.n, 3);
    const smallest: Replay = JSON.parse(await Deno.readTextFile(join(out, "replay.json")));
    assert.equal(smallest.users.length, result.users);
    assert.ok(result.users <= crashed.users.length);

    const repro = await Deno.readTextFile(join(out, "REPRO.md"));
    const stated = /Reproduces \*\*(\d) of (\d) times\*\*/.exec(repro);
    assert.ok(stated, repro);
    assert.deepEqual([Number(stated[1]), Number(stated[2])], [result.rate.k, result.rate.n]);
    assert.match(repro, /53S02/);
    const command = /```sh\n(deno task stress .*)\n```/.exec(repro)![1];
    assert.equal(command, result.command);
    assert.match(command, /--replay-timing recorded/);

    // Replayed as REPRO.md says: the command's arguments after `deno task stress`.
    const args = command.split(" ").slice(3);
    let crashes = 0;
    for (let i = 0; i < REPLAYS; i++) {
      const run = await runCli(
        ["stress", ...args, `--output-dir=${join(dir, `replay_${i}`)}`, "--progress-interval=0"],
        hyperdEnv(),
      );
      if (run.code === 4) crashes++;
    }
    // Within what 3 tries allow: a stated rate of k of 3 makes 0 crashes in 3 replays unlikely
    // (at 2/3, 1 in 27); the result may have been kept at a lower true rate, hence no more.
    if (result.rate.k >= 2) assert.ok(crashes >= 1, `0 of ${REPLAYS} replays crashed`);
    if (result.rate.k === 0) assert.ok(crashes <= 2, `${crashes} of ${REPLAYS} replays crashed`);
  });
});
