/** The cards of report.html: header, key figures, thresholds, operations, errors, config. */
import { exitMeaning } from "../../exit_codes.ts";
import { gatedMemory } from "../../hyperd/backpressure.ts";
import { OP_KINDS, USER_CLASSES } from "../../workload/op_table.ts";
import { DASH, formatNumber, plural, withUnit } from "../format.ts";
import type { Summary } from "../summary.ts";
import { card, esc, figure, htmlTable, pill } from "./html.ts";
import { memoryFigures } from "./run_charts.ts";
import { OP_COLORS } from "./style.ts";
import type { InFlightOp } from "../../stats/op_stats.ts";

/** The page header: pass or fail, hyperd version, seed, timing, stop reason, users. */
export function header(summary: Summary): string {
  const meaning = exitMeaning(summary.exitCode);
  const ok = summary.exitCode === 0;
  const c = summary.config;
  const meta: [string, string][] = [
    ["hyperd", esc(summary.hyperd.version)],
    ["seed", esc(c.seed)],
    ["started", esc(summary.startedAt.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC"))],
    ["duration", `${formatNumber(summary.durationSec, 1)} s of ${formatNumber(c.duration)} s`],
    [
      "stop reason",
      esc(summary.stopReason) +
      (summary.stopDetail ? ` <span class="muted">(${esc(summary.stopDetail)})</span>` : ""),
    ],
    ["exit code", `${summary.exitCode} <span class="muted">${esc(meaning)}</span>`],
    [
      "users",
      `${formatNumber(c.inserterUsers)} inserter, ${formatNumber(c.queryUsers)} query, ` +
      `${formatNumber(c.mixedUsers)} mixed <span class="muted">on ` +
      `${formatNumber(summary.workers)} workers, ${formatNumber(c.databases)} databases</span>`,
    ],
    ["transport", `${esc(c.transport)}, ${esc(c.dataFormat)}`],
  ];
  return `<header><div class="title"><h1>hyperstress report</h1>` +
    pill(ok, ok ? "passed" : `failed: exit ${summary.exitCode}`) + `</div>` +
    `<dl class="meta">${meta.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join("")}` +
    `</dl></header>`;
}

/** hyperstress's own CPU; a saturated client means the figures may describe the tool, not hyperd. */
function clientFigure(client: Summary["client"] | undefined): string {
  // Summaries written before the client was measured have none.
  if (!client) return figure("hyperstress CPU", "–", "not measured");
  return figure(
    "hyperstress CPU",
    `${formatNumber(client.cpuSec, 1)} s`,
    client.saturated
      ? `${withUnit(formatNumber(client.cpuPercentOfCores, 1), "%")} of the cores; SATURATED: ` +
        "the figures may describe the load generator, not hyperd"
      : `${withUnit(formatNumber(client.cpuPercentOfCores, 1), "%")} of the cores`,
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
  const mb = (value: number | null | undefined) => withUnit(formatNumber(value, 1), " MB");
  const limit = `hyperd memory_limit ${esc(config.memoryLimit)}` +
    (limitMb !== null && config.memoryLimit.endsWith("%") ? ` = ${mb(limitMb)}` : "");
  return figure(
    "peak memory",
    mb(watched),
    `${signal ?? "no"} memory, backpressure above ${formatNumber(config.maxMemoryMb)} MB; ` +
      `physical ${mb(peak.memoryMb)}, file mappings ${mb(peak.fileMappingsMb)}; ${limit}`,
  );
}

/** The row of key figures: ops, failures, rows, latency, peaks, disk, errors, integrity, client. */
export function keyFigures(summary: Summary): string {
  const { totals, latencyMs, peak, disk, backpressure, integrity, serverErrors: server } = summary;
  const ran = totals.ops > 0;
  const rate = ran ? (totals.failures / totals.ops) * 100 : null;
  const ms = (value: number) => formatNumber(ran ? value : null, 1);
  const cpuPercent = withUnit(formatNumber(peak.processCpuPercent, 1), "%");
  const integrityText = !integrity.checked
    ? ["not checked", esc(integrity.skipped ?? ""), ""]
    : integrity.mismatches === 0
    ? ["no lost writes", `${plural(integrity.tables.length, "table")} counted`, "good"]
    : [`${formatNumber(integrity.mismatches)} mismatches`, "tables lost acknowledged rows", "bad"];
  return `<section class="figures">` + [
    figure("operations", formatNumber(totals.ops), `${formatNumber(totals.opsPerSec, 1)} ops/s`),
    figure(
      "failures",
      formatNumber(totals.failures),
      `${withUnit(formatNumber(rate, 2), "%")} of ops`,
      totals.failures > 0 ? "warn" : "",
    ),
    figure(
      "inserted rows",
      formatNumber(totals.insertedRows),
      `${formatNumber(totals.insertRowsPerSec)} rows/s`,
    ),
    figure(
      "latency p50 / p95 / p99",
      `${ms(latencyMs.p50)} / ${ms(latencyMs.p95)} / ${ms(latencyMs.p99)}`,
      `ms; max ${ms(latencyMs.max)}, mean ${ms(latencyMs.mean)}`,
    ),
    memoryFigure(summary),
    figure(
      "peak CPU / load",
      `${cpuPercent} / ${formatNumber(peak.overallLoad, 2)}`,
      `scheduler load ${formatNumber(peak.schedulerLoad, 2)}`,
    ),
    figure(
      "backpressure",
      `${formatNumber(backpressure.seconds, 1)} s`,
      plural(backpressure.events, "event"),
      backpressure.seconds > 0 ? "warn" : "",
    ),
    figure(
      "disk",
      `${formatNumber(disk.usedMb, 1)} MB`,
      `of ${formatNumber(disk.budgetMb)} MB; ` +
        `${formatNumber(disk.writesRedirected)} writes redirected`,
    ),
    figure(
      "server errors",
      formatNumber(server.user + server.system + server.fatal),
      `hyperd logged ${formatNumber(server.user)} user, ${formatNumber(server.system)} system, ` +
        `${formatNumber(server.fatal)} fatal; ` +
        `${formatNumber(server.memoryLimitExceeded)} over the memory limit`,
      server.fatal > 0 ? "bad" : server.system > 0 ? "warn" : "",
    ),
    figure("integrity", integrityText[0], integrityText[1], integrityText[2]),
    clientFigure(summary.client),
  ].join("") + `</section>`;
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

/** Counts, failures, rows and latency per operation kind, then for all. */
export function operationsCard(summary: Summary): string {
  const rows = OP_KINDS.map((kind) => {
    const t = summary.byOp[kind];
    const ran = t.count > 0;
    const ms = (v: number) => formatNumber(ran ? v : null, 2);
    return [
      `<span class="swatch" style="background:${OP_COLORS[kind]}"></span>${kind}`,
      formatNumber(t.count),
      formatNumber(t.failures),
      ran ? `${formatNumber((t.failures / t.count) * 100, 2)}%` : DASH,
      formatNumber(t.rows),
      ms(t.latencyMs.p50),
      ms(t.latencyMs.p95),
      ms(t.latencyMs.p99),
      ms(t.latencyMs.max),
      ms(t.latencyMs.mean),
    ];
  });
  const { totals, latencyMs } = summary;
  rows.push([
    "<strong>all</strong>",
    formatNumber(totals.ops),
    formatNumber(totals.failures),
    totals.ops > 0 ? `${formatNumber((totals.failures / totals.ops) * 100, 2)}%` : DASH,
    formatNumber(OP_KINDS.reduce((sum, k) => sum + summary.byOp[k].rows, 0)),
    ...[latencyMs.p50, latencyMs.p95, latencyMs.p99, latencyMs.max, latencyMs.mean].map((v) =>
      totals.ops > 0 ? formatNumber(v, 2) : DASH
    ),
  ]);
  return card(
    "Operations",
    htmlTable(
      ["kind", "ops", "failures", "failed", "rows", "p50 ms", "p95 ms", "p99 ms", "max ms", "mean"],
      rows,
      [false, true, true, true, true, true, true, true, true, true],
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
      users.length > 0 ? formatNumber(ops / users.length, 1) : DASH,
      // A user whose worker never sent its final report (a stall): counts from its ticks.
      formatNumber(users.filter((u) => u.unfinished).length),
    ];
  });
  const numeric = [false, true, true, true, true, true];
  const head = ["class", "users", "ops", "failures", "ops / user", "unfinished"];
  return htmlTable(head, rows, numeric);
}

/** The failed operations the summary kept, with hyperd's own error counts. */
export function errorsCard(summary: Summary): string {
  const { errors, errorCount, serverErrors } = summary;
  const { fatal, memoryLimitExceeded } = serverErrors;
  const dying = fatal + memoryLimitExceeded > 0
    ? `, ${formatNumber(fatal)} fatal ${fatal === 1 ? "entry" : "entries"} and ` +
      plural(memoryLimitExceeded, "memory-limit warning")
    : "";
  const server = `hyperd logged ${formatNumber(serverErrors.user)} user and ` +
    `${formatNumber(serverErrors.system)} system query errors${dying}.`;
  if (errors.length === 0) {
    return card("Errors", `<p class="muted">No operation failed. ${server}</p>`, true);
  }
  const total = `${formatNumber(errorCount)} failed operations. `;
  const kept = errors.length < errorCount
    ? `Showing the first ${formatNumber(errors.length)} of ${total}`
    : total;
  return card(
    "Errors",
    `<p class="muted">${kept}${server}</p>` +
      htmlTable(
        ["at s", "user", "operation", "message"],
        errors.map((e) => [
          formatNumber(e.atSec, 2),
          formatNumber(e.user),
          esc(e.op),
          `<code>${esc(e.message)}</code>`,
        ]),
        [true, true, false, false],
      ),
    true,
  );
}

/** Each user's operation in flight at a crash or stall, with its statement. */
function inFlightTable(ops: InFlightOp[]): string {
  if (ops.length === 0) return `<p class="muted">No operation was in flight.</p>`;
  return `<p>In flight at that moment:</p>` + htmlTable(
    ["user", "seq", "kind", "table", "rows", "started at s", "statement"],
    ops.map((op) => [
      formatNumber(op.user),
      formatNumber(op.seq),
      esc(op.kind),
      esc(op.table),
      formatNumber(op.rows),
      formatNumber(op.startedAtSec, 1),
      `<code>${esc(op.sql)}</code>`,
    ]),
    [true, true, false, false, true, true, false],
  );
}

/** Cards for a hyperd crash, a stall and tables that lost rows; nothing when none. */
export function problemsCards(summary: Summary): string {
  const out: string[] = [];
  if (summary.crash) {
    const c = summary.crash;
    const cause = c.cause
      ? `<p>hyperd's reason: <code>${esc(c.cause.message)}</code>` +
        (c.cause.code ? ` (SQLSTATE <code>${esc(c.cause.code)}</code>)` : "") +
        ` <span class="muted">from its ${esc(c.cause.kind)} entry</span></p>`
      : `<p class="muted">hyperd logged no reason (no fatal entry in its log).</p>`;
    out.push(card(
      "hyperd crashed",
      cause +
        `<p>Exit code ${c.exitCode}${c.signal ? ` (${esc(c.signal)})` : ""} at ` +
        `${formatNumber(c.atSec, 1)} s.</p>` + inFlightTable(c.inFlight ?? []) +
        `<p>Last lines of its log:</p><pre>${esc(c.logTail.join("\n"))}</pre>`,
      true,
    ));
  }
  if (summary.stall) {
    out.push(card(
      "hyperd stalled",
      `<p>${esc(summary.stopDetail ?? "")}.</p>` + inFlightTable(summary.stall.inFlight),
      true,
    ));
  }
  const lost = summary.integrity.tables.filter((t) => !t.ok);
  if (lost.length > 0) {
    out.push(card(
      "Integrity mismatches",
      htmlTable(
        ["database", "table", "expected rows", "counted rows"],
        lost.map((t) => [
          formatNumber(t.database),
          esc(t.table),
          formatNumber(t.expected),
          formatNumber(t.actual),
        ]),
        [true, false, true, true],
      ),
      true,
    ));
  }
  return out.join("");
}

/** Every setting of the run, folded away. */
export function configCard(summary: Summary): string {
  const rows = Object.entries(summary.config).map(([key, value]) => [
    `<code>${esc(key)}</code>`,
    esc(value === undefined ? DASH : typeof value === "string" ? value : JSON.stringify(value)),
  ]);
  return `<details class="card wide"><summary>Configuration and run details</summary>` +
    `<p class="muted">hyperd at <code>${esc(summary.hyperd.path)}</code>; output in ` +
    `<code>${esc(summary.outputDir)}</code>; reads: ` +
    `${formatNumber(summary.transport.libpqReads)} libpq, ` +
    `${formatNumber(summary.transport.grpcReads)} gRPC.</p>` +
    `${htmlTable(["setting", "value"], rows)}</details>`;
}

/** The run's findings, first on the page: what to look at even when the run passed. */
export function findingsCard(summary: Summary): string {
  // Summaries written before findings existed have none.
  const findings = summary.findings ?? [];
  if (findings.length === 0) {
    const slowOpSec = summary.config.slowOpSec as number | undefined;
    const slow = slowOpSec === undefined ? "" : ` than ${formatNumber(slowOpSec, 1)} s`;
    return card(
      "Findings",
      `<p class="muted">No findings: no crash, stall, operation slower${slow} or starvation.</p>`,
      true,
    );
  }
  return card(
    `Findings (${formatNumber(findings.length)})`,
    htmlTable(
      ["kind", "at s", "what", "signature"],
      findings.map((f) => [
        pill(false, f.kind),
        formatNumber(f.atSec, 1),
        esc(f.description) +
        (f.kind === "slow-operation" ? `<br><code>${esc(f.evidence.sql)}</code>` : ""),
        `<code>${esc(f.signature)}</code>`,
      ]),
      [false, true, false, false],
      "findings",
    ),
    true,
  );
}

/** The slowest operations with their statements. */
export function slowestCard(summary: Summary): string {
  const slowest = summary.slowest ?? [];
  if (slowest.length === 0) {
    return card("Slowest operations", `<p class="muted">No operation completed.</p>`, true);
  }
  return card(
    `Slowest operations (${formatNumber(slowest.length)})`,
    htmlTable(
      ["took s", "outcome", "operation", "user", "seq", "table", "rows", "started s", "statement"],
      slowest.map((op) => [
        formatNumber(op.durationMs / 1000, 2),
        op.outcome === "ok" ? "ok" : `<strong>${esc(op.outcome)}</strong>`,
        esc(op.kind),
        formatNumber(op.user),
        formatNumber(op.seq),
        esc(op.table),
        formatNumber(op.rows),
        formatNumber(op.startedAtSec, 2),
        `<code>${esc(op.sql)}</code>`,
      ]),
      [true, false, false, true, true, false, true, true, false],
    ),
    true,
  );
}

/** hyperd's anomaly warnings per kind: how often, when, and the first entry's figures. */
export function serverWarningsCard(summary: Summary): string {
  const warnings = Object.entries(summary.serverWarnings ?? {});
  if (warnings.length === 0) {
    return card(
      "hyperd warnings",
      `<p class="muted">hyperd logged no anomaly warnings (starvation, slow plans, queries ` +
        `without progress, too few network threads, memory limits).</p>`,
      true,
    );
  }
  return card(
    "hyperd warnings",
    htmlTable(
      ["kind", "count", "first s", "last s", "first entry"],
      warnings.map(([kind, w]) => [
        `<code>${esc(kind)}</code>`,
        formatNumber(w.count),
        formatNumber(w.firstAtSec, 1),
        formatNumber(w.lastAtSec, 1),
        esc(w.example.detail || DASH) +
        ` <span class="muted">(session ${esc(w.example.session)}, request ` +
        `${esc(w.example.request)})</span>`,
      ]),
      [false, true, true, true, false],
    ),
    true,
  );
}
