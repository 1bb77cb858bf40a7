import assert from "node:assert/strict";
import { summaryText } from "../../src/results/summary_text.ts";
import {
  BLIND_SIGHT,
  crashedSummaryFixture,
  emptySummaryFixture,
  summaryFixture,
} from "../helpers/summary_fixture.ts";

/** The text of the line that starts with `label`, after the label; fails when there is none. */
function line(text: string, label: string): string {
  const found = text.split("\n").find((l) => l.startsWith(label));
  assert.ok(found !== undefined, `no line starts with "${label}" in:\n${text}`);
  return found.slice(label.length).trim();
}

/** The cells of the operations table row for `kind`. */
function opRow(text: string, kind: string): string[] {
  return line(text, `${kind} `).split(/\s{2,}/);
}

Deno.test("summaryText() gives the headline figures with thousands separators", () => {
  const summary = summaryFixture();
  const text = summaryText(summary);
  assert.equal(line(text, "Stop reason:"), "DurationElapsed");
  assert.equal(line(text, "Duration:"), "60.0 s");
  assert.equal(summary.totals.ops, 2055);
  assert.equal(line(text, "Operations:"), "2,055 (6 failed)");
  assert.equal(
    line(text, "Throughput:"),
    "34.3 ops/s, 32,693 rows/s inserted (1,961,575 rows)",
  );
  assert.equal(line(text, "Latency:"), "p50 4.20 ms, p95 13.44 ms, p99 27.30 ms, max 46.20 ms");
  assert.equal(
    line(text, "Peak memory:"),
    "280 MB tracked, 1,120 MB physical (660 MB file mappings); " +
      "backpressure watched tracked memory, limit 4,096 MB",
  );
  assert.equal(line(text, "Peak load:"), "0.65 (scheduler 0.45, CPU 85.0%)");
  assert.equal(line(text, "Disk used:"), "312.4 of 2,048 MB (0 writes turned into reads)");
  assert.equal(line(text, "Backpressure:"), "1 time, users held 10.0 s");
  assert.equal(line(text, "Integrity:"), "ok, 1 table checked by content");
});

Deno.test("summaryText() tabulates every operation kind with right-aligned numbers", () => {
  const text = summaryText(summaryFixture());
  const header = line(text, "operation").split(/\s{2,}/);
  assert.deepEqual(header, [
    "count",
    "failed",
    "rows",
    "mean ms",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "max ms",
  ]);
  assert.deepEqual(opRow(text, "BulkInsert"), [
    "820",
    "3",
    "2,150,000",
    "2.10",
    "1.50",
    "4.80",
    "9.75",
    "16.50",
  ]);
  assert.deepEqual(opRow(text, "ComplexJoin").slice(0, 3), ["240", "5", "9,600"]);
  // Right-aligned: the rows column ends at the same place on every line.
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("operation"));
  const table = lines.slice(start, start + 8);
  const rowsEnd = table[0].indexOf("rows") + "rows".length;
  for (const l of table.slice(1, -1)) {
    assert.match(l.slice(0, rowsEnd), /\d$/, l);
    assert.equal(l[rowsEnd], " ", l);
  }
  // An 80-column terminal shows each line whole, millions of rows included.
  for (const l of table) assert.ok(l.length <= 80, `${l.length} columns: ${l}`);
});

Deno.test("summaryText() ends the table with an all row over every operation", () => {
  const summary = summaryFixture();
  const text = summaryText(summary);
  const lines = text.split("\n");
  const all = lines[lines.findIndex((l) => l.startsWith("SchemaDdl")) + 1];
  assert.ok(all.startsWith("all "), all);
  // Count and failures of the run; rows left empty (inserted and read rows do not add up);
  // the run's own latency, mean first.
  assert.deepEqual(all.slice("all".length).trim().split(/\s{2,}/), [
    "2,055",
    "6",
    "5.88",
    "4.20",
    "13.44",
    "27.30",
    "46.20",
  ]);
  const rowsEnd = lines.find((l) => l.startsWith("operation"))!.indexOf("rows") + "rows".length;
  assert.equal(all.slice(0, rowsEnd).trim().split(/\s+/).length, 3, all);
});

Deno.test("summaryText() ends with the verdict line", () => {
  assert.equal(
    summaryText(summaryFixture()).split("\n").at(-1),
    "FAILED: 1 of 3 thresholds (exit 3)",
  );
  const passed = summaryText(summaryFixture({ exitCode: 0, thresholds: [] }));
  assert.deepEqual(passed.split("\n").slice(-2), ["", "PASSED"]);
});

Deno.test("summaryText() lists each threshold with PASS or FAIL and its value", () => {
  const text = summaryText(summaryFixture());
  assert.ok(text.includes("\nThresholds:\n"));
  assert.ok(text.includes("  PASS  p95_ms<200  (value 13.44)"));
  assert.ok(text.includes("  FAIL  failure_rate<0.001  (value 0.0034)"));
  assert.ok(text.includes("  PASS  peak_cpu_percent<=95  (value 85)"));
});

Deno.test("summaryText() says when a threshold could not be measured, and omits none set", () => {
  const failed = summaryText(summaryFixture({
    thresholds: [{ expr: "Aggregate.p99_ms<50", value: null, ok: false }],
  }));
  assert.ok(failed.includes("  FAIL  Aggregate.p99_ms<50  (value not measured)"), failed);
  const none = summaryText(summaryFixture({ thresholds: [] }));
  assert.ok(!none.includes("Thresholds:"));
});

Deno.test("summaryText() reports a hyperd crash with its time, exit code and signal", () => {
  const crash = {
    exitCode: 139,
    signal: "SIGSEGV",
    atSec: 42.25,
    cause: null,
    inFlight: [],
    logTail: ["boom"],
  };
  const text = summaryText(summaryFixture({ stopReason: "CrashDetected", crash }));
  assert.equal(line(text, "Stop reason:"), "CrashDetected");
  // The crash comes last before the verdict.
  assert.equal(text.split("\n").at(-3), "hyperd crashed at 42.3 s: exit 139 SIGSEGV");
  const noSignal = summaryText(summaryFixture({ crash: { ...crash, signal: null } }));
  assert.equal(noSignal.split("\n").at(-3), "hyperd crashed at 42.3 s: exit 139");
  assert.ok(!summaryText(summaryFixture()).includes("crashed"));
});

Deno.test("summaryText() gives hyperd's reason for a crash in its words, with the SQLSTATE", () => {
  const summary = crashedSummaryFixture();
  const text = summaryText(summary);
  assert.deepEqual(text.split("\n").slice(-4, -2), [
    "hyperd crashed at 3.8 s: exit 134 SIGABRT",
    "hyperd crashed: unable to write compressed datablock: Cannot allocate 2332356 bytes of " +
    "memory: The `global memory limit` limit of 314572800 bytes was exceeded. (53S02)",
  ]);
  const signalOnly = summaryText(summaryFixture({
    crash: {
      ...summary.crash!,
      cause: { kind: "deadly-signal-received", code: "", message: "deadly signal SIGABRT" },
    },
  }));
  assert.equal(signalOnly.split("\n").at(-3), "hyperd crashed: deadly signal SIGABRT");
});

Deno.test("summaryText() says why integrity was not checked, counts the tables that differ and lists the in-doubt inserts", () => {
  const skipped = summaryText(summaryFixture({
    integrity: { checked: false, skipped: "run interrupted", tables: [], mismatches: 0 },
  }));
  assert.equal(line(skipped, "Integrity:"), "not checked (run interrupted)");
  const lost = summaryText(summaryFixture({
    integrity: {
      checked: true,
      skipped: null,
      tables: [
        { database: 0, table: "orders", expected: 1000, actual: 990, ok: false },
        { database: 1, table: "items", expected: 50, actual: 50, ok: true },
      ],
      mismatches: 1,
      inDoubt: [{
        database: 0,
        table: "orders",
        seed: "9",
        firstId: 1,
        rows: 500,
        user: 2,
        seq: 14,
        why: "its connection broke",
        outcome: "absent",
        presentRows: 0,
      }],
    },
  }));
  assert.equal(line(lost, "Integrity:"), "1 of 2 tables differ from the model");
  // Each in-doubt insert and what became of it, on a line of its own.
  assert.match(
    lost,
    /\n {14}in doubt: 500 rows into orders \(db 0, user 2, seq 14, its connection broke\): absent\n/,
  );
});

Deno.test("summaryText() shows a stop detail beside the reason", () => {
  const text = summaryText(summaryFixture({
    stopReason: "ResourceLimit",
    stopDetail: "backpressure lasted 60 s",
  }));
  assert.equal(line(text, "Stop reason:"), "ResourceLimit (backpressure lasted 60 s)");
});

Deno.test("summaryText() prints dashes, not zeros or NaN, for what an empty run never measured", () => {
  const text = summaryText(emptySummaryFixture());
  assert.equal(line(text, "Latency:"), "p50 –, p95 –, p99 –, max –");
  assert.equal(line(text, "Peak memory:"), "–");
  assert.equal(line(text, "Peak load:"), "– (scheduler –, CPU –)");
  assert.deepEqual(opRow(text, "BulkInsert"), ["0", "0", "0", "–", "–", "–", "–", "–"]);
  assert.deepEqual(opRow(text, "all"), ["0", "0", "–", "–", "–", "–", "–"]);
  assert.equal(line(text, "Backpressure:"), "0 times, users held 0.0 s");
  assert.doesNotMatch(text, /NaN|undefined|null|Infinity/);
});

Deno.test("summaryText() gives hyperstress's own CPU and says when the client was saturated", () => {
  const calm = summaryText(summaryFixture());
  assert.match(calm, /^Client CPU: +8\.8 s \(7\.3% of the cores\)$/m);
  const busy = summaryText(
    summaryFixture({ client: { cpuSec: 110.2, cpuPercentOfCores: 91.8, saturated: true } }),
  );
  assert.match(busy, /^Client CPU: +110\.2 s \(91\.8% of the cores\), SATURATED: /m);
});

Deno.test("summaryText() says how long the monitor was blind, and when load stood in for CPU", () => {
  const sight = BLIND_SIGHT;
  const text = summaryText(summaryFixture({ sight }));
  assert.equal(
    line(text, "Monitor:"),
    "blind 14.2 s in 2 spells (no resource sample for over 3.0 s; the longest 12.5 s), " +
      "backpressure let go 1 time for it",
  );
  assert.match(
    text,
    /backpressure on load only \(hyperd logs no CPU figure\): users pause when hyperd's overall load stays above 1\.5 for 5 s/,
  );
  const seeing = summaryText(
    summaryFixture({ sight: { ...sight, blindSec: 0, blindSpells: 0, cpuSignal: "cpu" } }),
  );
  assert.equal(
    line(seeing, "Monitor:"),
    "never blind (a resource sample at least every 3.0 s)",
  );
  assert.doesNotMatch(seeing, /load only/);
  const readOnly = summaryFixture();
  readOnly.disk = { ...readOnly.disk, writesRedirected: 40, readOnlySec: 7.5 };
  assert.equal(
    line(summaryText(readOnly), "Disk used:"),
    "312.4 of 2,048 MB (40 writes turned into reads, read-only for 7.5 s)",
  );
});

Deno.test("summaryText() counts what GeneratedQuery found, only in a run that had it", () => {
  assert.ok(!summaryText(summaryFixture()).includes("Oracles:"));
  const summary = summaryFixture();
  summary.oracles = {
    checks: 191,
    passed: { "tlp-where": 100, norec: 87 },
    expectedErrors: { "22012": 1, "22003": 2 },
    generatorErrors: {},
    generatorExamples: [],
    wrongResults: [],
    wrongResultCount: 1,
    internalErrors: [],
    internalErrorCount: 0,
  };
  assert.equal(
    line(summaryText(summary), "Oracles:"),
    "191 checks, 187 passed, 1 wrong result, 3 (22003 2, 22012 1) expected errors, " +
      "0 generator errors",
  );
});
