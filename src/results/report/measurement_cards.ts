/** The measurement cards of report.html: key figures, thresholds, operations per kind, users. */
import { gatedMemory } from "../../hyperd/backpressure.ts";
import {
  isInsert,
  isRead,
  OP_KINDS,
  type OpKind,
  shownKinds,
  USER_CLASSES,
} from "../../workload/op_table.ts";
import {
  DASH,
  formatFixed,
  formatLoad,
  formatMb,
  formatMs,
  formatNumber,
  formatPercent,
  formatRate,
  formatSeconds,
  plural,
  withUnit,
} from "../format.ts";
import type { Summary } from "../summary.ts";
import { card, esc, figure, htmlTable, pill } from "./html.ts";
import { memoryFigures } from "./run_charts.ts";
import { OP_COLORS } from "./style.ts";

/** hyperstress's own CPU; a saturated client means the figures may describe the tool, not hyperd. */
function clientFigure(client: Summary["client"] | undefined): string {
  // Summaries written before the client was measured have none.
  if (!client) return figure("hyperstress CPU", "–", "not measured");
  return figure(
    "hyperstress CPU",
    formatSeconds(client.cpuSec),
    client.saturated
      ? `${formatPercent(client.cpuPercentOfCores)} of the cores; SATURATED: ` +
        "the figures may describe the load generator, not hyperd"
      : `${formatPercent(client.cpuPercentOfCores)} of the cores`,
    client.saturated ? "warn" : "",
  );
}

/**
 * hyperd's peak memory as backpressure watched it (tracked memory, or a stand-in), with the
 * physical memory and its file mappings, and hyperd's memory_limit.
 */
function memoryFigure(summary: Summary): string {
  const { peak, config } = summary;
  // Summaries written before the three figures were kept have none of them.
  const signal = (summary.memory as Summary["memory"] | undefined)?.signal ?? null;
  const limitMb = (summary.memory as Summary["memory"] | undefined)?.limitMb ?? null;
  const watched = signal === "tracked"
    ? peak.trackedMemoryMb
    : signal === null
    ? null
    : Math.max(0, ...summary.resources.map((r) => gatedMemory(memoryFigures(r)).mb));
  const mb = (value: number | null | undefined) => withUnit(formatMb(value), " MB");
  const limit = `hyperd memory_limit ${esc(config.memoryLimit)}` +
    (limitMb !== null && config.memoryLimit.endsWith("%") ? ` = ${mb(limitMb)}` : "");
  return figure(
    "peak memory",
    mb(watched),
    `${signal ?? "no"} memory, backpressure above ${formatNumber(config.maxMemoryMb)} MB; ` +
      `physical ${mb(peak.memoryMb)}, file mappings ${mb(peak.fileMappingsMb)}; ${limit}`,
  );
}

/** Rows inserted and rows read, kept apart: they are different work. */
function rowCounts(summary: Summary): { inserted: number; read: number } {
  const sum = (pick: (kind: OpKind) => boolean) =>
    OP_KINDS.filter(pick).reduce((n, k) => n + (summary.byOp[k]?.rows ?? 0), 0);
  return { inserted: summary.totals.insertedRows, read: sum(isRead) };
}

/**
 * The key figures, four to a row: the operations (count, failures, latency, the client), the data
 * (inserted, read, disk, integrity), then hyperd (memory, CPU and load, backpressure, errors).
 */
export function keyFigures(summary: Summary): string {
  const { totals, latencyMs, peak, disk, backpressure, integrity, serverErrors: server } = summary;
  const ran = totals.ops > 0;
  const rate = ran ? (totals.failures / totals.ops) * 100 : null;
  const ms = (value: number) => formatMs(ran ? value : null);
  const rows = rowCounts(summary);
  const perSec = (n: number) =>
    summary.durationSec > 0 ? formatNumber(n / summary.durationSec) : DASH;
  const integrityText = !integrity.checked
    ? ["not checked", esc(integrity.skipped ?? ""), ""]
    : integrity.mismatches === 0
    ? ["intact", `${plural(integrity.tables.length, "table")} checked by content`, "good"]
    : [`${formatNumber(integrity.mismatches)} mismatches`, "tables differ from the model", "bad"];
  return `<section class="figures">` + [
    figure("operations", formatNumber(totals.ops), `${formatRate(totals.opsPerSec)} ops/s`),
    figure(
      "failures",
      formatNumber(totals.failures),
      `${formatPercent(rate, 2)} of ops`,
      totals.failures > 0 ? "warn" : "",
    ),
    figure(
      "latency p50 / p95 / p99",
      `${ms(latencyMs.p50)} / ${ms(latencyMs.p95)} / ${ms(latencyMs.p99)}`,
      `ms; max ${withUnit(ms(latencyMs.max), " ms")}, mean ${withUnit(ms(latencyMs.mean), " ms")}`,
    ),
    clientFigure(summary.client),
    figure("inserted rows", formatNumber(rows.inserted), `${perSec(rows.inserted)} rows/s`),
    figure("read rows", formatNumber(rows.read), `${perSec(rows.read)} rows/s returned by queries`),
    figure(
      "disk",
      withUnit(formatMb(disk.usedMb), " MB"),
      `of ${formatNumber(disk.budgetMb)} MB; ` +
        `${formatNumber(disk.writesRedirected)} writes redirected` +
        ((disk.readOnlySec ?? 0) > 0 ? `, read-only ${formatSeconds(disk.readOnlySec)}` : ""),
    ),
    ...readOnlyFigure(summary),
    figure("integrity", integrityText[0], integrityText[1], integrityText[2]),
    memoryFigure(summary),
    figure(
      "peak CPU / load",
      `${formatPercent(peak.processCpuPercent)} / ${formatLoad(peak.overallLoad)}`,
      `scheduler load ${formatLoad(peak.schedulerLoad)}`,
    ),
    figure(
      "backpressure",
      formatSeconds(backpressure.seconds),
      plural(backpressure.events, "event"),
      backpressure.seconds > 0 ? "warn" : "",
    ),
    sightFigure(summary),
    figure(
      "server errors",
      formatNumber(server.user + server.system + server.fatal),
      `hyperd logged ${formatNumber(server.user)} user, ${formatNumber(server.system)} system, ` +
        `${formatNumber(server.fatal)} fatal; ` +
        `${formatNumber(server.memoryLimitExceeded)} over the memory limit`,
      server.fatal > 0 ? "bad" : server.system > 0 ? "warn" : "",
    ),
  ].join("") + `</section>`;
}

/**
 * Whether the monitor saw hyperd: its blind time (no fresh resource sample) and whether load stood
 * in for CPU; nothing where the monitor was off or the summary predates it.
 */
function sightFigure(summary: Summary): string {
  const { sight } = summary;
  if (!sight) return "";
  const loadOnly = sight.cpuSignal === "load" ? "; load stood in for CPU" : "";
  return figure(
    "monitor blind",
    formatSeconds(sight.blindSec),
    `no resource sample for over ${formatSeconds(sight.staleAfterSec)}: ` +
      `${plural(sight.blindSpells, "spell")}, backpressure let go ` +
      `${plural(sight.staleReleases, "time")}${loadOnly}`,
    sight.blindSec > 0 || loadOnly ? "warn" : "",
  );
}

/** Each threshold with pass or fail and the measured value. */
export function thresholdsCard(summary: Summary): string {
  if (summary.thresholds.length === 0) {
    return card("Thresholds", `<p class="muted">No thresholds were set.</p>`, true);
  }
  return card(
    "Thresholds",
    htmlTable(
      ["result", "expression", "value"],
      summary.thresholds.map((t) => [
        pill(t.ok, t.ok ? "pass" : "fail"),
        `<code>${esc(t.expr)}</code>`,
        t.value === null ? `<span class="muted">not measured</span>` : formatNumber(t.value, 4),
      ]),
      [false, false, true],
      "thresholds",
    ),
    true,
  );
}

/** Counts, failures, rows (inserted apart from read) and latency per kind, then for all. */
export function operationsCard(summary: Summary): string {
  const rowsOf = (kind: OpKind, pick: (k: OpKind) => boolean) =>
    pick(kind) ? formatNumber(summary.byOp[kind].rows) : DASH;
  const latencies = (l: Summary["latencyMs"], ran: boolean) =>
    [l.p50, l.p95, l.p99, l.max, l.mean].map((v) => formatMs(ran ? v : null));
  const kinds = shownKinds(summary.byOp);
  const abortedAll = kinds.reduce((n, k) => n + (summary.byOp[k].aborted ?? 0), 0);
  const rows = kinds.map((kind) => {
    const t = summary.byOp[kind];
    const ran = t.count > 0;
    const aborted = t.aborted ?? 0;
    return [
      `<span class="swatch" style="background:${OP_COLORS[kind]}"></span>${kind}`,
      formatNumber(t.count),
      formatNumber(t.failures),
      formatPercent(ran ? (t.failures / t.count) * 100 : null, 2),
      formatNumber(aborted),
      formatPercent(ran ? (aborted / t.count) * 100 : null, 2),
      rowsOf(kind, isInsert),
      rowsOf(kind, isRead),
      ...latencies(t.latencyMs, ran),
    ];
  });
  const { totals, latencyMs } = summary;
  const counts = rowCounts(summary);
  rows.push([
    "<strong>all</strong>",
    formatNumber(totals.ops),
    formatNumber(totals.failures),
    formatPercent(totals.ops > 0 ? (totals.failures / totals.ops) * 100 : null, 2),
    formatNumber(abortedAll),
    formatPercent(totals.ops > 0 ? (abortedAll / totals.ops) * 100 : null, 2),
    formatNumber(counts.inserted),
    formatNumber(counts.read),
    ...latencies(latencyMs, totals.ops > 0),
  ]);
  return card(
    "Operations",
    htmlTable(
      [
        "kind",
        "ops",
        "failures",
        "failed (%)",
        "aborted",
        "aborted (%)",
        "inserted rows",
        "read rows",
        "p50 (ms)",
        "p95 (ms)",
        "p99 (ms)",
        "max (ms)",
        "mean (ms)",
      ],
      rows,
      [false, true, true, true, true, true, true, true, true, true, true, true, true],
    ),
    true,
  );
}

/** Users, ops and failures per user class. */
export function usersTable(summary: Summary): string {
  const rows = USER_CLASSES.map((c) => {
    const users = summary.users.filter((u) => u.class === c);
    const ops = users.reduce((sum, u) => sum + u.ops, 0);
    const failures = users.reduce((sum, u) => sum + u.failures, 0);
    return [
      c,
      formatNumber(users.length),
      formatNumber(ops),
      formatNumber(failures),
      users.length > 0 ? formatFixed(ops / users.length, 1) : DASH,
      // A user whose worker never sent its final report (a stall): counts from its ticks.
      formatNumber(users.filter((u) => u.unfinished).length),
    ];
  });
  const numeric = [false, true, true, true, true, true];
  const head = ["class", "users", "ops", "failures", "ops / user", "unfinished"];
  return htmlTable(head, rows, numeric);
}

/**
 * The read-only phase: when the disk budget was spent, how long the run read only, and the insert
 * rate over the time inserts were allowed (the whole run's rate counts the read-only time).
 */
function readOnlyFigure(summary: Summary): string[] {
  const phase = summary.readOnly;
  if (!phase) return [];
  return [figure(
    "read-only phase",
    `from ${formatSeconds(phase.fromSec)}`,
    `${
      formatSeconds(summary.disk.readOnlySec ?? 0)
    } reading only, the disk budget spent; inserts ` +
      `${formatNumber(phase.insertRowsPerSec)} rows/s over the ${formatSeconds(phase.insertSec)} ` +
      "they were allowed",
  )];
}
