import assert from "node:assert/strict";
import { join } from "node:path";
import type { ScheduleEntry } from "../../src/stats/op_records.ts";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const RUN = [
  "--seed=31",
  "--duration=6",
  "--inserter-users=1",
  "--query-users=1",
  "--mixed-users=1",
  "--batch-max=2000",
  "--progress-interval=0",
];

async function schedule(dir: string): Promise<Map<string, ScheduleEntry>> {
  const file = await Deno.open(join(dir, "schedule.jsonl.gz"));
  const text = await new Response(
    file.readable.pipeThrough(new DecompressionStream("gzip")),
  ).text();
  const entries = text.trim().split("\n").map((line) => JSON.parse(line) as ScheduleEntry);
  return new Map(entries.map((e) => [`${e.user}/${e.seq}`, e]));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

Deno.test("every run writes its timing history, and a timed replay starts each operation when the original did", async () => {
  await withTempDir(async (dir) => {
    const original = join(dir, "original");
    const first = await runCli(["stress", `--output-dir=${original}`, ...RUN], hyperdEnv());
    assert.equal(first.code, 0, first.stderr);
    const recorded = await schedule(original);
    const summary = JSON.parse(await Deno.readTextFile(join(original, "summary.json")));
    // One line per executed operation, each with its start, duration and outcome.
    assert.equal(recorded.size, summary.totals.ops);
    assert.equal(summary.schedule.lines, summary.totals.ops);
    for (const e of recorded.values()) {
      assert.ok(e.startMs >= 0 && e.durationMs >= 0 && e.ok === true, JSON.stringify(e));
    }

    const timed = join(dir, "timed");
    const second = await runCli(
      [
        "stress",
        `--replay-file=${join(original, "replay.json")}`,
        "--replay-timing=recorded",
        "--duration=6",
        "--progress-interval=0",
        `--output-dir=${timed}`,
      ],
      hyperdEnv(),
    );
    assert.equal(second.code, 0, second.stderr);
    const replayed = await schedule(timed);
    const deviations = [...recorded].flatMap(([key, e]) => {
      const again = replayed.get(key);
      return again ? [Math.abs(again.startMs - e.startMs)] : [];
    });
    assert.ok(deviations.length >= recorded.size * 0.9, `${deviations.length} of ${recorded.size}`);
    assert.ok(median(deviations) <= 50, `median deviation ${median(deviations)} ms`);
    assert.ok([...replayed.values()].some((e) => e.lateMs !== undefined), "lateness is recorded");
  });
});

Deno.test("--replay-timing recorded without the original's schedule is refused before the run", async () => {
  await withTempDir(async (dir) => {
    const first = await runCli(
      ["stress", `--output-dir=${dir}/a`, ...RUN, "--duration=2"],
      hyperdEnv(),
    );
    assert.equal(first.code, 0, first.stderr);
    await Deno.remove(join(dir, "a", "schedule.jsonl.gz"));
    const run = await runCli(
      [
        "stress",
        `--replay-file=${dir}/a/replay.json`,
        "--replay-timing=recorded",
        `--output-dir=${dir}/b`,
      ],
      hyperdEnv(),
    );
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--replay-timing recorded: expected .*schedule\.jsonl\.gz/);
  });
});
