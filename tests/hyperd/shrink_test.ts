import assert from "node:assert/strict";
import { join } from "node:path";
import type { Replay } from "../../src/config/replay.ts";
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

Deno.test("shrink turns a real crashing replay into a smaller one that still crashes", async () => {
  await withTempDir(async (dir) => {
    const original = join(dir, "original");
    const crash = await runCli(["stress", `--output-dir=${original}`, ...CRASHING], hyperdEnv());
    assert.equal(crash.code, 4, crash.stderr);
    const crashed: Summary = JSON.parse(await Deno.readTextFile(join(original, "summary.json")));
    const executed = crashed.users.reduce((n, u) => n + u.ops, 0);

    const out = join(dir, "shrunk");
    const shrink = await runCli(
      [
        "shrink",
        `--replay-file=${join(original, "replay.json")}`,
        "--until=crash",
        "--tries=1",
        "--budget-min=3",
        "--duration=20",
        `--output-dir=${out}`,
      ],
      hyperdEnv(),
    );
    assert.equal(shrink.code, 0, shrink.stderr);
    const smallest: Replay = JSON.parse(await Deno.readTextFile(join(out, "replay.json")));
    const ops = smallest.users.reduce((n, u) => n + (u.maxOps ?? Infinity), 0);
    assert.ok(
      smallest.users.length < crashed.users.length || ops <= executed / 2,
      `${smallest.users.length} users and ${ops} operations, from ${crashed.users.length} and ${executed}`,
    );
    const log = JSON.parse(await Deno.readTextFile(join(out, "shrink.json")));
    assert.equal(log.attempts[0].step, "original");
    assert.equal(log.attempts[0].reproduced, true);
    assert.match(log.target.signature, /^crash \| .* \| 53S02 \| .*global memory limit/);
    // The written replay is one that reproduced: an attempt of exactly that candidate crashed.
    const reproduced = log.attempts.filter((a: { reproduced: boolean }) => a.reproduced);
    assert.ok(reproduced.length >= 2, "only the original reproduced");
    const repro = await Deno.readTextFile(join(out, "REPRO.md"));
    assert.match(repro, /deno task stress --replay-file .*replay\.json/);
    assert.match(repro, /53S02/);
  });
});
