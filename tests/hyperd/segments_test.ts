import assert from "node:assert/strict";
import { join } from "node:path";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { quickRun, readSummary } from "../helpers/quick_run.ts";
import { withStandaloneHyperd } from "../helpers/standalone_hyperd.ts";
import { Latency } from "../../src/stats/latency.ts";
import { OP_KINDS } from "../../src/workload/op_table.ts";
import type { Summary } from "../../src/results/summary.ts";

/** The flags of segment `index` of 2 of one run against `endpoint`. */
function segmentArgs(index: number, endpoint: string, dbDir: string, out: string): string[] {
  return [
    "stress",
    `--segment=${index}/2`,
    `--endpoint=${endpoint}`,
    `--database-dir=${dbDir}`,
    `--output-dir=${out}`,
    "--duration=5",
    ...quickRun(51),
    "--inserter-users=3",
    "--query-users=1",
    "--mixed-users=1",
    "--databases=2",
    "--progress-interval=0",
  ];
}

/**
 * The segments' histograms of one kind (or all) added up, as the test's own merge, with the
 * exact extremes each summary states (the encoded histograms keep only their buckets).
 */
function added(summaries: Summary[], kind?: (typeof OP_KINDS)[number]): Latency {
  const latency = new Latency();
  for (const s of summaries) {
    latency.add(
      kind
        ? new Latency(s.histograms!.byOp[kind], {
          minMs: s.latencySpectrum.byOpMs[kind]?.[0],
          maxMs: s.byOp[kind].latencyMs.max,
        })
        : new Latency(s.histograms!.overall, {
          minMs: s.latencySpectrum.allMs[0],
          maxMs: s.latencyMs.max,
        }),
    );
  }
  return latency;
}

Deno.test("two segments run at once against one hyperd, and merge into one exact result", async () => {
  await withStandaloneHyperd(async (hyperd, dir) => {
    const dbDir = join(dir, "db");
    await Deno.mkdir(dbDir);
    const outs = [join(dir, "segment-0"), join(dir, "segment-1")];
    const [first, second] = await Promise.all([
      runCli(
        [...segmentArgs(0, hyperd.endpoint, dbDir, outs[0]), `--hyperd-log=${hyperd.logFile}`],
        hyperdEnv(),
      ),
      runCli(segmentArgs(1, hyperd.endpoint, dbDir, outs[1]), hyperdEnv()),
    ]);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.equal(second.code, 0, second.stderr + second.stdout);
    const segments = await Promise.all(outs.map(readSummary));
    for (const [index, s] of segments.entries()) {
      assert.equal(s.segment?.index, index);
      assert.equal(s.segment?.count, 2);
      assert.equal(s.totals.failures, 0);
      assert.equal(s.integrity.checked, false);
      assert.match(s.integrity.skipped ?? "", /a segment does not count tables/);
      assert.ok(s.totals.ops > 0);
    }
    // Users u mod 2: disjoint, and together every user of the run.
    const ids = segments.map((s) => s.users.map((u) => u.id));
    assert.deepEqual(ids, [[0, 2, 4], [1, 3]]);

    const merged = join(dir, "merged");
    const merge = await runCli(
      ["merge", ...outs, `--output-dir=${merged}`, `--endpoint=${hyperd.endpoint}`],
      hyperdEnv(),
    );
    assert.equal(merge.code, 0, merge.stderr + merge.stdout);
    const summary = await readSummary(merged);
    const sum = (get: (s: Summary) => number) => segments.reduce((n, s) => n + get(s), 0);
    assert.equal(summary.totals.ops, sum((s) => s.totals.ops));
    assert.equal(summary.totals.insertedRows, sum((s) => s.totals.insertedRows));
    for (const kind of OP_KINDS) {
      assert.equal(summary.byOp[kind].count, sum((s) => s.byOp[kind].count), kind);
      assert.equal(summary.byOp[kind].rows, sum((s) => s.byOp[kind].rows), kind);
      assert.deepEqual(summary.byOp[kind].latencyMs, added(segments, kind).summary(), kind);
    }
    assert.deepEqual(summary.latencyMs, added(segments).summary());
    assert.equal(summary.latencyMs.max, Math.max(...segments.map((s) => s.latencyMs.max)));
    assert.deepEqual(summary.users.map((u) => u.id), [0, 1, 2, 3, 4]);
    assert.equal(summary.integrity.checked, true);
    assert.equal(summary.integrity.mismatches, 0);
    assert.ok(summary.integrity.tables.length >= 4);
    // One exact check by content over the inserts of both segments.
    assert.deepEqual(summary.integrity.findings, []);
    assert.ok(summary.integrity.tables.every((t) => t.differs?.length === 0));
    const written = Object.values(summary.writes ?? {}).flat().reduce((n, w) => n + w.rows, 0);
    assert.equal(written, summary.totals.insertedRows);
    assert.ok((summary.peak.memoryMb ?? 0) > 0, "peaks from segment 0's monitor");
    assert.equal(summary.exitCode, 0);
    assert.deepEqual(summary.merged?.map((m) => m.index), [0, 1]);
    for (const file of ["summary.json", "report.html", "replay.json"]) {
      assert.ok((await Deno.stat(join(merged, file))).size > 0, file);
    }
    // The merged replay is the whole run's: every user, in one process.
    const replay = JSON.parse(await Deno.readTextFile(join(merged, "replay.json")));
    assert.equal(replay.users.length, 5);
  });
});

Deno.test("merge refuses summaries of different runs and a run with a segment missing", async () => {
  await withStandaloneHyperd(async (hyperd, dir) => {
    const dbDir = join(dir, "db");
    await Deno.mkdir(dbDir);
    // A segment 0 alone: segment 1 never ran.
    const out = join(dir, "segment-0");
    const run = await runCli(segmentArgs(0, hyperd.endpoint, dbDir, out), hyperdEnv());
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const missing = await runCli(["merge", out, `--output-dir=${join(dir, "m1")}`]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /segment 1\/2 is missing/);
    // Segment 1 of another seed.
    const summary = await readSummary(out);
    const other = join(dir, "other");
    await Deno.mkdir(other);
    await Deno.writeTextFile(
      join(other, "summary.json"),
      JSON.stringify({
        ...summary,
        config: { ...summary.config, seed: 52 },
        segment: { ...summary.segment, index: 1 },
        users: [],
      }),
    );
    const mismatch = await runCli(["merge", out, other, `--output-dir=${join(dir, "m2")}`]);
    assert.equal(mismatch.code, 2, mismatch.stderr);
    assert.match(mismatch.stderr, /seed differs: .*segment-0 has 51, .*other has 52/);
  });
});
