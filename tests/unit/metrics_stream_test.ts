import assert from "node:assert/strict";
import { join } from "node:path";
import { parseCommandLine } from "../../src/cli/args.ts";
import { outputFilesOf } from "../../src/cli/output_files.ts";
import { parseMetricsOut } from "../../src/config/metrics_out.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import { ConfigError } from "../../src/errors.ts";
import type { ResourceSample } from "../../src/hyperd/log_entries.ts";
import {
  CSV_COLUMNS,
  csvHeader,
  csvLine,
  jsonLine,
  metricsRow,
} from "../../src/results/metrics_row.ts";
import { MetricsStream } from "../../src/results/metrics_stream.ts";
import type { LiveView } from "../../src/run/stress.ts";
import { OpStats } from "../../src/stats/op_stats.ts";
import { RunStats } from "../../src/stats/run_stats.ts";
import { SharedFlags } from "../../src/users/shared_flags.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const SAMPLE: ResourceSample = {
  atMs: Date.UTC(2026, 0, 2, 3, 4, 5),
  memoryMb: 460.8,
  fileMappingsMb: 210.1,
  trackedMemoryMb: 103.4,
  overallLoad: 0.5,
  schedulerLoad: 0.25,
  memoryLoad: 0.01,
  activeThreads: 2,
  inactiveThreads: 6,
  waitingJobs: 0,
  processCpuPercent: 20,
  systemCpuPercent: null,
};

/** RunStats with `ops` BulkInserts of 5 ms and 200 rows acknowledged in each of seconds 1..n. */
function statsFor(seconds: number, ops = 3): RunStats {
  const stats = new RunStats();
  for (let sec = 1; sec <= seconds; sec++) {
    const worker = new OpStats();
    for (let i = 0; i < ops; i++) worker.recordSuccess(0, "BulkInsert", 5, 200);
    worker.recordInsert(0, "t0_small", 200 * ops);
    stats.addTick(worker.tick(), sec - 0.5);
  }
  return stats;
}

function row(sample: ResourceSample | null = SAMPLE) {
  return metricsRow({
    point: statsFor(2).second(2),
    diskBytes: 5 * 1024 * 1024,
    clientCpuPercent: 12.345,
    backpressure: true,
    sample,
    nowMs: Date.UTC(2026, 0, 2, 3, 4, 6),
  });
}

Deno.test("parseMetricsOut() takes jsonl=FILE and csv=FILE and says what else is wrong", () => {
  assert.deepEqual(parseMetricsOut("jsonl=/tmp/a.jsonl"), {
    format: "jsonl",
    path: "/tmp/a.jsonl",
  });
  assert.deepEqual(parseMetricsOut("CSV=a=b.csv"), { format: "csv", path: "a=b.csv" });
  assert.equal(
    parseMetricsOut("run.jsonl"),
    `expected "jsonl=FILE" or "csv=FILE", got no "=" and format`,
  );
  assert.equal(
    parseMetricsOut("json=x"),
    `expected the format jsonl or csv before "=", got "json"`,
  );
  assert.equal(parseMetricsOut("csv="), `expected a file path after "csv=", got none`);
});

Deno.test("--out is repeatable, and a bad value is a config error naming the flag and value", () => {
  const config = resolveConfig(
    parseCommandLine(["--out", "jsonl=a.jsonl", "--out", "csv=b.csv"]).flags,
    {},
  );
  assert.deepEqual(config.out, ["jsonl=a.jsonl", "csv=b.csv"]);
  assert.deepEqual(resolveConfig({}, { STRESS_OUT: "csv=x.csv,jsonl=y.jsonl" }).out, [
    "csv=x.csv",
    "jsonl=y.jsonl",
  ]);
  assert.throws(
    () => resolveConfig(parseCommandLine(["--out", "json=a"]).flags, {}),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(
        error.message,
        /--out "json=a": expected the format jsonl or csv before "=", got "json"/,
      );
      return true;
    },
  );
});

Deno.test("outputFilesOf() checks every --out file with --junit, naming what set it", () => {
  const config = resolveConfig(
    { junit: "j.xml" },
    { STRESS_OUT: "jsonl=a.jsonl,csv=b.csv", STRESS_JUNIT: "other.xml" },
  );
  assert.deepEqual(outputFilesOf(config), [
    { path: "j.xml", origin: "--junit" },
    { path: "a.jsonl", origin: "STRESS_OUT" },
    { path: "b.csv", origin: "STRESS_OUT" },
  ]);
});

Deno.test("a metrics row holds the second, the live figures and hyperd's last sample", () => {
  const r = row();
  assert.equal(r.time, "2026-01-02T03:04:06.000Z");
  assert.equal(r.atSec, 2);
  assert.equal(r.ops, 3);
  assert.equal(r.insertedRows, 600);
  assert.equal(r.byOp.BulkInsert?.ops, 3);
  assert.equal(r.diskMb, 5);
  assert.equal(r.clientCpuPercent, 12.3);
  assert.equal(r.backpressure, true);
  assert.deepEqual(r.hyperd, {
    sampledAt: "2026-01-02T03:04:05.000Z",
    memoryMb: 460.8,
    fileMappingsMb: 210.1,
    trackedMemoryMb: 103.4,
    overallLoad: 0.5,
    schedulerLoad: 0.25,
    memoryLoad: 0.01,
    activeThreads: 2,
    inactiveThreads: 6,
    waitingJobs: 0,
    processCpuPercent: 20,
    systemCpuPercent: null,
  });
  assert.equal(row(null).hyperd, null);
});

Deno.test("a row is one JSON line, or one CSV line under a header of the same fields", () => {
  const line = jsonLine(row());
  assert.ok(line.endsWith("}\n") && !line.slice(0, -1).includes("\n"));
  assert.deepEqual(JSON.parse(line), JSON.parse(JSON.stringify(row())));
  const header = csvHeader().trimEnd().split(",");
  assert.deepEqual(header, [...CSV_COLUMNS]);
  const cells = csvLine(row()).trimEnd().split(",");
  assert.equal(cells.length, header.length);
  const at = (column: string) => cells[header.indexOf(column)];
  assert.equal(at("atSec"), "2");
  assert.equal(at("latencyMs.p95"), String(row().latencyMs.p95));
  assert.equal(at("byOp.BulkInsert.ops"), "3");
  // A kind that did not run and a figure hyperd does not log are empty, not "undefined".
  assert.equal(at("byOp.Aggregate.p95"), "");
  assert.equal(at("hyperd.systemCpuPercent"), "");
  assert.equal(at("hyperd.memoryMb"), "460.8");
  assert.equal(at("backpressure"), "true");
  // Before hyperd's first sample every hyperd column is empty.
  const early = csvLine(row(null)).trimEnd().split(",");
  assert.ok(header.every((c, i) => !c.startsWith("hyperd.") || early[i] === ""));
});

/** The live view a watch would hand over at `elapsedSec`. */
function view(stats: RunStats, elapsedSec: number): LiveView {
  return {
    elapsedSec,
    stats,
    monitor: { latest: () => SAMPLE },
    diskBytes: 1024 * 1024,
    flags: new SharedFlags(),
    clientCpuPercent: 8,
  } as unknown as LiveView;
}

Deno.test("MetricsStream writes each second once it has ended, as it goes, and the rest at close", async () => {
  await withTempDir(async (dir) => {
    const jsonl = join(dir, "m.jsonl");
    const csv = join(dir, "m.csv");
    const stream = await MetricsStream.open([`jsonl=${jsonl}`, `csv=${csv}`]);
    assert.equal(await Deno.readTextFile(csv), csvHeader());
    const stats = statsFor(5);
    stream.onSecond(view(stats, 1.02)); // second 1 has not settled yet
    stream.onSecond(view(stats, 2.01));
    stream.onSecond(view(stats, 4.6)); // a late look catches up
    // Written while the run goes, not held for the end.
    await stream.flushed();
    const soFar = (await Deno.readTextFile(jsonl)).trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(soFar.map((r) => r.atSec), [1, 2, 3, 4]);
    const closed = await stream.close(5.3);
    assert.deepEqual(closed.map((c) => [c.out.format, c.lines, c.error]), [
      ["jsonl", 5, null],
      ["csv", 5, null],
    ]);
    const lines = (await Deno.readTextFile(jsonl)).trimEnd().split("\n");
    assert.deepEqual(lines.map((l) => JSON.parse(l).atSec), [1, 2, 3, 4, 5]);
    const rows = (await Deno.readTextFile(csv)).trimEnd().split("\n");
    assert.equal(rows.length, 6);
    assert.deepEqual(rows.slice(1).map((r) => r.split(",")[1]), ["1", "2", "3", "4", "5"]);
  });
});

Deno.test("MetricsStream.open() refuses a file it cannot create with a config error", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(
      MetricsStream.open([`csv=${join(dir, "missing", "m.csv")}`]),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /^--out: could not open the metrics stream's file: /);
        return true;
      },
    );
  });
});

Deno.test("a second's row counts each kind's conflict aborts (40001) beside its operations", () => {
  const stats = new RunStats();
  const worker = new OpStats();
  for (let i = 0; i < 3; i++) worker.recordSuccess(0, "Transfer", 4, 0);
  worker.recordAborted(0, "Transfer", 2);
  worker.recordSuccess(0, "ReadBalances", 1, 16);
  stats.addTick(worker.tick(), 0.5);
  stats.addTick(new OpStats().tick(), 9.5); // closes second 1
  const point = stats.second(1);
  const parts = { diskBytes: 0, clientCpuPercent: 0, backpressure: false, sample: null, nowMs: 0 };
  const line = metricsRow({ point, ...parts });
  assert.deepEqual(line.byOp.Transfer?.ops, 4);
  assert.deepEqual(line.byOp.Transfer?.aborted, 1);
  assert.equal(line.byOp.ReadBalances?.aborted, undefined);
  const cells = csvLine(line).trimEnd().split(",");
  assert.equal(cells[CSV_COLUMNS.indexOf("byOp.Transfer.aborted")], "1");
  assert.equal(cells[CSV_COLUMNS.indexOf("byOp.ReadBalances.aborted")], "");
});
