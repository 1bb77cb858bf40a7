/** The end-of-run summary a person reads on stdout. */
import { LOAD_ONLY_TEXT } from "../hyperd/backpressure.ts";
import { STOPPED } from "../run/checkpoints.ts";
import { describeCause } from "../hyperd/crash.ts";
import type { LatencySummary } from "../stats/latency.ts";
import { shownKinds } from "../workload/op_table.ts";
import { formatFixed, formatNumber, formatSeconds, plural, textTable, withUnit } from "./format.ts";
import type { LedgerOutcome } from "../run/run_outcome.ts";
import type { Summary } from "./summary.ts";
import { verdictLine } from "./verdict.ts";
import { warningLines } from "./warning_groups.ts";

/**
 * Renders the summary as plain text: headline figures, a per-operation table with an `all` row,
 * thresholds, the crash and its cause, and last the verdict line.
 */
export function summaryText(summary: Summary): string {
  const { totals, latencyMs: l, peak, disk } = summary;
  // A run without operations has no latency, not a latency of zero.
  const ms = (value: number) => withUnit(formatFixed(totals.ops > 0 ? value : null, 2), " ms");
  const lines = [
    `Stop reason:  ${summary.stopReason}${summary.stopDetail ? ` (${summary.stopDetail})` : ""}`,
    `Duration:     ${formatSeconds(summary.durationSec)}`,
    `Operations:   ${formatNumber(totals.ops)} (${formatNumber(totals.failures)} failed)`,
    `Throughput:   ${formatFixed(totals.opsPerSec, 1)} ops/s, ` +
    `${formatNumber(totals.insertRowsPerSec)} rows/s inserted ` +
    `(${formatNumber(totals.insertedRows)} rows)`,
    ...insertWindowLines(summary),
    `Latency:      p50 ${ms(l.p50)}, p95 ${ms(l.p95)}, p99 ${ms(l.p99)}, max ${ms(l.max)}` +
    (summary.arrivals ? " (response time, from each arrival)" : ""),
    ...loadLines(summary, ms),
    `Peak memory:  ${memoryLine(summary)}`,
    `Peak load:    ${formatFixed(peak.overallLoad, 2)} ` +
    `(scheduler ${formatFixed(peak.schedulerLoad, 2)}, ` +
    `CPU ${withUnit(formatFixed(peak.processCpuPercent, 1), "%")})`,
    `Disk used:    ${formatFixed(disk.usedMb, 1)} of ${formatNumber(disk.budgetMb)} MB ` +
    `(${formatNumber(disk.writesRedirected)} writes turned into reads` +
    ((disk.readOnlySec ?? 0) > 0 ? `, read-only for ${formatSeconds(disk.readOnlySec)}` : "") +
    ")",
    ...readOnlyLines(summary),
    `Backpressure: ${plural(summary.backpressure.events, "time")}, ` +
    `users held ${formatSeconds(summary.backpressure.seconds)}`,
    ...monitorLines(summary),
    `Integrity:    ${integrityLine(summary)}`,
    ...(summary.ledger ? [`Ledger:       ${ledgerLine(summary.ledger)}`] : []),
    ...oracleLines(summary),
    `Client CPU:   ${clientLine(summary.client)}`,
    "",
    operationsTable(summary),
  ];
  const warnings = warningLines(summary);
  if (warnings.length > 0) lines.push("", ...warnings);
  if (summary.thresholds.length > 0) {
    lines.push("", "Thresholds:");
    for (const t of summary.thresholds) {
      const value = t.value === null ? "not measured" : formatNumber(t.value, 4);
      lines.push(`  ${t.ok ? "PASS" : "FAIL"}  ${t.expr}  (value ${value})`);
    }
  }
  if (summary.crash) {
    const { atSec, exitCode, signal, cause } = summary.crash;
    lines.push(
      "",
      `hyperd crashed at ${formatSeconds(atSec)}: exit ${exitCode}${signal ? ` ${signal}` : ""}`,
    );
    if (cause) lines.push(`hyperd crashed: ${describeCause(cause)}`);
  }
  const inFlight = summary.crash?.inFlight ?? summary.stall?.inFlight ?? [];
  if (inFlight.length > 0) {
    lines.push(`In flight when it ${summary.crash ? "crashed" : "stalled"}:`);
    for (const op of inFlight) {
      lines.push(
        `  user ${op.user}, seq ${op.seq}, ${op.kind} since ${
          formatSeconds(op.startedAtSec)
        }: ${op.sql}`,
      );
    }
  }
  lines.push("", verdictLine(summary));
  return lines.join("\n");
}

/**
 * The open model's service time and arrivals, and what the warm-up left out; nothing for a
 * closed run without a warm-up. Summaries written before the open model have none of these.
 */
function loadLines(summary: Summary, ms: (value: number) => string): string[] {
  const lines: string[] = [];
  const { arrivals, serviceTimeMs: s, warmup } = summary as Partial<Summary>;
  if (arrivals && s) {
    lines.push(
      `Service time: p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, p99 ${ms(s.p99)}, max ${ms(s.max)} ` +
        "(from each send)",
    );
    const share = arrivals.arrivals > 0 ? arrivals.dropped / arrivals.arrivals * 100 : 0;
    lines.push(
      `Arrivals:     ${formatNumber(arrivals.arrivals)} (${arrivals.process}, ` +
        `${formatFixed(arrivals.ratePerSec, 1)}/s set${
          summary.config.stages ? ", staged" : ""
        }), ` +
        `${formatNumber(arrivals.dropped)} dropped (${formatFixed(share, 1)}%), ` +
        `queue up to ${formatNumber(arrivals.maxQueue)} of ${formatNumber(arrivals.queueLimit)}`,
    );
  }
  if (warmup) {
    lines.push(
      `Warm-up:      first ${formatSeconds(warmup.sec)} left out ` +
        `(${formatNumber(warmup.ops)} ops, ${formatNumber(warmup.failures)} failed)`,
    );
  }
  return lines;
}

/** With a read-only phase: the insert rate over the time inserts were allowed. */
function insertWindowLines(summary: Summary): string[] {
  const phase = summary.readOnly;
  if (!phase) return [];
  return [
    `              ${formatNumber(phase.insertRowsPerSec)} rows/s over the ` +
    `${formatSeconds(phase.insertSec)} inserts were allowed`,
  ];
}

/** When the disk budget was spent and for how long the run went on reading only. */
function readOnlyLines(summary: Summary): string[] {
  const phase = summary.readOnly;
  if (!phase) return [];
  return [
    `Read-only:    from ${formatSeconds(phase.fromSec)} on: the disk budget was spent, so ` +
    "inserts ran as reads",
  ];
}

/**
 * One row per operation kind and an `all` row over every operation. The `all` row leaves rows
 * empty: it would add rows inserted to rows read.
 */
function operationsTable(summary: Summary): string {
  const kinds = shownKinds(summary.byOp);
  // An aborted column only when something aborted: the default table still fits 80 columns.
  const aborted = kinds.reduce((n, k) => n + (summary.byOp[k].aborted ?? 0), 0);
  const row = (
    name: string,
    count: number,
    failures: number,
    abortedOps: number,
    rows: string,
    l: LatencySummary,
  ) => [
    name,
    formatNumber(count),
    formatNumber(failures),
    ...(aborted > 0 ? [formatNumber(abortedOps)] : []),
    rows,
    // A kind without operations has no latency, not a latency of zero.
    ...[l.mean, l.p50, l.p95, l.p99, l.max].map((ms) => formatFixed(count > 0 ? ms : null, 2)),
  ];
  // "failed", not "failures": with millions of rows the table then still fits 80 columns.
  return textTable(
    [
      "operation",
      "count",
      "failed",
      ...(aborted > 0 ? ["aborted"] : []),
      "rows",
      "mean ms",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "max ms",
    ],
    [
      ...kinds.map((kind) => {
        const op = summary.byOp[kind];
        return row(
          kind,
          op.count,
          op.failures,
          op.aborted ?? 0,
          formatNumber(op.rows),
          op.latencyMs,
        );
      }),
      row("all", summary.totals.ops, summary.totals.failures, aborted, "", summary.latencyMs),
    ],
  );
}

/**
 * What GeneratedQuery found, where it ran: `Oracles: 191 checks, 188 passed, 0 wrong results,
 * 3 expected errors (22003 2, 22012 1), 0 generator errors`.
 */
function oracleLines({ oracles }: Summary): string[] {
  if (!oracles || oracles.checks === 0) return [];
  const passed = Object.values(oracles.passed).reduce((a, b) => a + (b ?? 0), 0);
  const byCode = (counts: Record<string, number>) => {
    const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
    const total = entries.reduce((n, [, c]) => n + c, 0);
    const list = entries.map(([code, c]) => `${code} ${formatNumber(c)}`).join(", ");
    return `${formatNumber(total)}${list ? ` (${list})` : ""}`;
  };
  return [
    `Oracles:      ${plural(oracles.checks, "check")}, ${formatNumber(passed)} passed, ` +
    `${plural(oracles.wrongResultCount, "wrong result")}, ` +
    `${byCode(oracles.expectedErrors)} expected errors, ` +
    `${byCode(oracles.generatorErrors)} generator errors` +
    (oracles.internalErrorCount > 0
      ? `, ${formatNumber(oracles.internalErrorCount)} internal`
      : ""),
  ];
}

/** Tracked, physical and mapped memory at their peaks, and what backpressure compared. */
function memoryLine({ peak, memory, config }: Summary): string {
  const mb = (value: number | null) => withUnit(formatNumber(value, 1), " MB");
  if (peak.memoryMb === null) return mb(null);
  return `${mb(peak.trackedMemoryMb)} tracked, ${mb(peak.memoryMb)} physical ` +
    `(${mb(peak.fileMappingsMb)} file mappings); backpressure watched ` +
    `${memory.signal ?? "no"} memory, limit ${formatNumber(config.maxMemoryMb)} MB`;
}

/**
 * Whether the monitor saw hyperd: its blind time (no fresh sample), what stood for CPU, and what
 * the start-up check said of an attached hyperd's logging. Nothing where the monitor was off.
 */
function monitorLines(summary: Summary): string[] {
  const { sight } = summary;
  if (!sight) return [];
  const stale = `no resource sample for over ${formatSeconds(sight.staleAfterSec)}`;
  const blind = sight.blindSec > 0
    ? `blind ${formatSeconds(sight.blindSec)} in ${plural(sight.blindSpells, "spell")} ` +
      `(${stale}; the longest ${formatSeconds(sight.longestBlindSec)}), ` +
      `backpressure let go ${plural(sight.staleReleases, "time")} for it`
    : `never blind (a resource sample at least every ${formatSeconds(sight.staleAfterSec)})`;
  const lines = [`Monitor:      ${blind}`];
  if (sight.cpuSignal === "load") lines.push(`              ${LOAD_ONLY_TEXT}`);
  if (summary.server?.logging) lines.push(`              ${summary.server.logging}`);
  return lines;
}

function clientLine(client: Summary["client"]): string {
  const share = `${formatSeconds(client.cpuSec)} (${
    withUnit(formatFixed(client.cpuPercentOfCores, 1), "%")
  } of the cores)`;
  // Above 85% of the cores for 5 s: the figures may describe hyperstress, not hyperd.
  return client.saturated ? `${share}, SATURATED: hyperstress may have been the bottleneck` : share;
}

const INDENT = "\n              ";

/** `--verify-after-crash`: what a hyperd restarted on the crashed one's files found. */
function afterCrashLines(i: Summary["integrity"]): string[] {
  const a = i.afterCrash;
  if (!a) return [];
  if (a.skipped) return [`after the crash: not checked (${a.skipped})`];
  const differ = a.tables.map((t) =>
    `${t.table} (db ${t.database}): ${t.kinds.join(", ") || t.differs.join(", ")}`
  );
  return [
    `after the crash, hyperd restarted on its files holds ${formatNumber(a.presentRows)} rows of ` +
    `${
      formatNumber(a.expectedRows)
    } acknowledged (a measurement: Hyper documents no durability promise)`,
    ...differ.map((d) => `  differs: ${d}`),
    ...a.inDoubt.map((w) => `  in doubt: ${plural(w.rows, "row")} into ${w.table}: ${w.outcome}`),
  ];
}

function integrityLine(summary: Summary): string {
  const i = summary.integrity;
  if (!i.checked) return [`not checked (${i.skipped})`, ...afterCrashLines(i)].join(INDENT);
  const doubt = (i.inDoubt ?? []).map((w) =>
    `in doubt: ${plural(w.rows, "row")} into ${w.table} (db ${w.database}, user ${w.user}, ` +
    `seq ${w.seq}, ${w.why}): ${
      w.outcome === "torn" ? `torn, ${w.presentRows} present` : w.outcome
    }`
  );
  const head = i.mismatches === 0
    ? `ok, ${plural(i.tables.length, "table")} checked by content`
    : `${formatNumber(i.mismatches)} of ${plural(i.tables.length, "table")} differ from the model`;
  const checkpoints = i.checkpoints ?? [];
  const paused = checkpoints.reduce((n, c) => n + c.pauseSec, 0);
  const checks = checkpoints.length === 0 ? [] : [
    `${plural(checkpoints.length, "checkpoint")} (users paused ${paused.toFixed(1)} s in all, ` +
    `left out of the rates): ${checkpoints.filter((c) => c.mismatches > 0).length} found faults, ` +
    `${checkpoints.filter((c) => c.skipped && c.skipped !== STOPPED).length} skipped`,
  ];
  return [head, ...checks, ...doubt].join("\n              ");
}

/** Transfers by outcome, the reads that checked the invariant, and the end check. */
function ledgerLine(ledger: LedgerOutcome): string {
  const t = ledger.transfers;
  const all = Object.values(t).reduce((a, b) => a + b, 0);
  const rate = all > 0 ? ` (${withUnit(formatFixed((t.aborted / all) * 100, 1), "%")})` : "";
  const reads = ledger.violations === 0
    ? `invariant held in ${plural(ledger.reads, "read")}`
    : `INVARIANT BROKEN in ${formatNumber(ledger.violations)} of ${plural(ledger.reads, "read")}`;
  const { check } = ledger;
  const end = !check.checked
    ? `end not checked (${check.skipped})`
    : check.databases.every((d) => d.exact)
    ? "final balances exact"
    : "FINAL BALANCES WRONG";
  return `${formatNumber(t.committed)} committed, ${formatNumber(t["rolled-back"])} rolled back, ` +
    `${formatNumber(t.declined)} declined, ${formatNumber(t.aborted)} aborted${rate}, ` +
    `${formatNumber(t.failed)} failed, ${formatNumber(t["in-doubt"])} in doubt; ${reads}; ${end}` +
    ownTables(ledger);
}

/** `; own tables checked 40 times` (with how many were wrong), or nothing without range kinds. */
function ownTables(ledger: LedgerOutcome): string {
  const checks = ledger.rangeChecks ?? 0;
  if (checks === 0) return "";
  const wrong = ledger.rangeMismatchCount ?? 0;
  return `; own tables checked ${plural(checks, "time")}` +
    (wrong > 0 ? `, ${formatNumber(wrong)} OFF THEIR MODEL` : "");
}
