import assert from "node:assert/strict";
import { join } from "node:path";
import { CSV_COLUMNS } from "../../src/results/metrics_row.ts";
import { LiveRun } from "../helpers/live_run.ts";
import { quickRun, readSummary } from "../helpers/quick_run.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const SECONDS = 5;

/** The file's complete lines (a line being written may have no newline yet). */
async function lines(path: string): Promise<string[]> {
  const text = await Deno.readTextFile(path).catch(() => "");
  return text.split("\n").slice(0, -1);
}

Deno.test("--out jsonl and csv stream one line a second while a real run goes", async () => {
  await withTempDir(async (dir) => {
    const jsonl = join(dir, "metrics.jsonl");
    const csv = join(dir, "metrics.csv");
    const args = [
      "stress",
      `--duration=${SECONDS}`,
      `--output-dir=${join(dir, "run")}`,
      `--out=jsonl=${jsonl}`,
      "--out",
      `csv=${csv}`,
      ...quickRun(11),
    ];
    const run = new LiveRun(args);
    let ended = false;
    run.child.status.then(() => (ended = true));
    // Tailed during the run: a line is there before the run ends.
    let early = 0;
    while (!ended && early === 0) {
      early = (await lines(jsonl)).length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(early > 0, `no line was written while the run went:\n${run.stderr}`);
    assert.equal(await run.code(), 0, run.stderr);
    assert.match(run.stderr, new RegExp(`wrote \\d+ lines to ${jsonl.replaceAll("/", "\\/")}`));

    const rows = (await lines(jsonl)).map((line) => JSON.parse(line));
    assert.ok(Math.abs(rows.length - SECONDS) <= 1, `${rows.length} lines for ${SECONDS} s`);
    rows.forEach((row, i) => assert.equal(row.atSec, i + 1));
    assert.ok(rows.some((row) => row.ops > 0));
    assert.ok(rows.every((row) => typeof row.time === "string" && "hyperd" in row));
    // hyperd logs its resources every second here, so its sample shows up after the first.
    assert.ok(rows.at(-1).hyperd !== null, JSON.stringify(rows.at(-1)));

    const [header, ...csvRows] = await lines(csv);
    assert.deepEqual(header.split(","), [...CSV_COLUMNS]);
    assert.equal(csvRows.length, rows.length);
    const atSec = CSV_COLUMNS.indexOf("atSec");
    const ops = CSV_COLUMNS.indexOf("ops");
    csvRows.forEach((line, i) => {
      const cells = line.split(",");
      assert.equal(cells.length, CSV_COLUMNS.length);
      assert.equal(Number(cells[atSec]), i + 1);
      assert.equal(Number(cells[ops]), rows[i].ops);
    });

    // The same run's summary says how it was started and where.
    const summary = await readSummary(join(dir, "run"));
    assert.deepEqual(summary.commandLine, args);
    assert.ok(summary.host && summary.host.cores >= 1, JSON.stringify(summary.host));
    // The task grants --allow-sys=cpus, so the model is read.
    assert.ok(typeof summary.host.cpuModel === "string" && summary.host.cpuModel.length > 0);
    assert.ok(summary.watch.length >= SECONDS - 1);
    assert.ok(summary.latencySpectrum.allMs.length === summary.latencySpectrum.percentiles.length);
  });
});

Deno.test("--out under a file (a directory that cannot be made) exits 2 before hyperd starts", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "file"), "");
    const run = new LiveRun(["stress", "--duration=5", `--out=csv=${join(dir, "file", "m.csv")}`]);
    assert.equal(await run.code(), 2);
    assert.match(run.stderr, /--out: expected a file path in a writable directory/);
    assert.doesNotMatch(run.stderr, /hyperd pid/);
  });
});
