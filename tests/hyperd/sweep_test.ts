import assert from "node:assert/strict";
import { join } from "node:path";
import { type SweepFile, sweepSeeds } from "../../src/sweep/sweep_file.ts";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const SMALL = [
  "--duration=3",
  "--databases=1",
  "--inserter-users=1",
  "--query-users=1",
  "--mixed-users=1",
  "--batch-max=2000",
  "--progress-interval=0",
];

async function readSweep(dir: string): Promise<SweepFile> {
  return JSON.parse(await Deno.readTextFile(join(dir, "sweep.json")));
}

Deno.test("a 4-run sweep in 2 shards collects to the same seeds as the whole sweep", async () => {
  await withTempDir(async (dir) => {
    const shard = async (i: number) => {
      const out = join(dir, `shard${i}`);
      const run = await runCli(
        [
          "sweep",
          "--runs=4",
          "--seed=99",
          "--swarm",
          `--shard=${i}/2`,
          `--output-dir=${out}`,
          ...SMALL,
        ],
        hyperdEnv(),
      );
      assert.equal(run.code, 0, run.stderr);
      return readSweep(out);
    };
    const [first, second] = [await shard(0), await shard(1)];
    assert.deepEqual(first.runs.map((r) => r.index), [0, 2]);
    assert.deepEqual(second.runs.map((r) => r.index), [1, 3]);
    const merged = join(dir, "merged");
    const collect = await runCli(
      ["sweep", "--collect", join(dir, "shard0"), join(dir, "shard1"), `--output-dir=${merged}`],
      hyperdEnv(),
    );
    assert.equal(collect.code, 0, collect.stderr);
    const all = await readSweep(merged);
    assert.deepEqual(all.runs.map((r) => r.index), [0, 1, 2, 3]);
    // The seeds are those the whole sweep runs, by index.
    assert.deepEqual(all.runs.map((r) => r.seed), sweepSeeds(99, 4));
    assert.equal(new Set(all.runs.map((r) => r.seed)).size, 4);
    for (const run of all.runs) {
      assert.ok(run.config && run.config.opKinds.length >= 2, "each swarm run records its draw");
      const replay = JSON.parse(await Deno.readTextFile(join(run.dir, "replay.json")));
      assert.equal(replay.globalSeed, run.seed);
      assert.deepEqual(replay.config.opKinds, run.config.opKinds);
      assert.equal(replay.config.batchMax, run.config.batchMax);
    }
    assert.match(collect.stdout, /^4 runs: 4 clean/m);
  });
});

Deno.test("a crashing sweep groups its crashes under one signature naming the memory limit", async () => {
  await withTempDir(async (dir) => {
    const run = await runCli(
      [
        "sweep",
        "--seeds=1,3",
        "--memory-limit=300m",
        "--batch-min=20000",
        "--batch-max=50000",
        "--duration=30",
        "--progress-interval=0",
        `--output-dir=${dir}`,
      ],
      hyperdEnv(),
    );
    assert.equal(run.code, 4, run.stderr);
    const sweep = await readSweep(dir);
    assert.deepEqual(sweep.runs.map((r) => r.stopReason), ["CrashDetected", "CrashDetected"]);
    const signatures = Object.entries(sweep.signatures);
    assert.equal(signatures.length, 1, JSON.stringify(sweep.signatures));
    const [signature, group] = signatures[0];
    assert.match(signature, /^crash \| [a-z-]+ \| 53S02 \| .*global memory limit.*<n> bytes/);
    assert.equal(group.count, 2);
    assert.deepEqual(group.seeds, [1, 3]);
    assert.equal(group.example.code, "53S02");
    assert.match(run.stdout, /global memory limit.*\s+2\s+1\s+deno task stress --replay-file /);
  });
});
