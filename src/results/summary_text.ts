/** The end-of-run summary a person reads on stdout, in the seed tool's words. */
import { OP_KINDS } from "../workload/op_table.ts";
import type { Summary } from "./summary.ts";

const num = (value: number | null, digits = 0) => value === null ? "n/a" : value.toFixed(digits);

/** Renders the summary as plain text: headline figures, a per-operation table, thresholds. */
export function summaryText(summary: Summary): string {
  const { totals, latencyMs: l, peak, disk } = summary;
  const lines = [
    `Stop reason:  ${summary.stopReason}${summary.stopDetail ? ` (${summary.stopDetail})` : ""}`,
    `Duration:     ${num(summary.durationSec, 1)} s`,
    `Operations:   ${totals.ops} (${totals.failures} failed)`,
    `Throughput:   ${num(totals.opsPerSec, 1)} ops/s, ${
      num(totals.insertRowsPerSec, 0)
    } rows/s inserted (${totals.insertedRows} rows)`,
    `Latency:      p50 ${num(l.p50, 2)} ms, p95 ${num(l.p95, 2)} ms, p99 ${num(l.p99, 2)} ms, max ${
      num(l.max, 2)
    } ms`,
    `Peak memory:  ${num(peak.memoryMb)} MB`,
    `Peak load:    ${num(peak.overallLoad, 2)} (scheduler ${num(peak.schedulerLoad, 2)}, CPU ${
      num(peak.processCpuPercent, 1)
    }%)`,
    `Disk used:    ${
      num(disk.usedMb, 1)
    } of ${disk.budgetMb} MB (${disk.writesRedirected} writes turned into reads)`,
    `Backpressure: ${summary.backpressure.events} times, ${num(summary.backpressure.seconds, 1)} s`,
    `Integrity:    ${integrityLine(summary)}`,
    "",
    table(
      ["operation", "count", "failures", "rows", "p50 ms", "p95 ms", "p99 ms", "max ms"],
      OP_KINDS.map((kind) => {
        const op = summary.byOp[kind];
        const ms = op.latencyMs;
        return [kind, op.count, op.failures, op.rows, ms.p50, ms.p95, ms.p99, ms.max].map(String);
      }),
    ),
  ];
  if (summary.thresholds.length > 0) {
    lines.push("", "Thresholds:");
    for (const t of summary.thresholds) {
      lines.push(`  ${t.ok ? "PASS" : "FAIL"}  ${t.expr}  (value ${t.value ?? "not measured"})`);
    }
  }
  if (summary.crash) {
    lines.push(
      "",
      `hyperd crashed at ${summary.crash.atSec} s: exit ${summary.crash.exitCode} ${
        summary.crash.signal ?? ""
      }`,
    );
  }
  return lines.join("\n");
}

function integrityLine(summary: Summary): string {
  const i = summary.integrity;
  if (!i.checked) return `not checked (${i.skipped})`;
  return i.mismatches === 0
    ? `ok, ${i.tables.length} tables`
    : `${i.mismatches} of ${i.tables.length} tables lost or gained rows`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(
      "  ",
    );
  return [line(header), ...rows.map(line)].join("\n");
}
