/** The cards of report.html: header, key figures, thresholds, operations, errors, config. */
import { exitMeaning } from "../../exit_codes.ts";
import { gatedMemory } from "../../hyperd/backpressure.ts";
import { SETTINGS } from "../../config/settings.ts";
import { isInsert, isRead, OP_KINDS, type OpKind, USER_CLASSES } from "../../workload/op_table.ts";
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
import { OTHER_MESSAGES } from "../error_groups.ts";
import type { Summary } from "../summary.ts";
import { card, esc, figure, htmlTable, pill } from "./html.ts";
import { memoryFigures } from "./run_charts.ts";
import { OP_COLORS } from "./style.ts";
import type { InFlightOp } from "../../stats/op_stats.ts";

/** Run seconds in tables: 1 decimal, as everywhere. */
const at = (sec: number) => formatFixed(sec, 1);

/** `args` as a shell would take them back: words with spaces or quotes are single-quoted. */
export function shellLine(args: readonly string[]): string {
  return args.map((a) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)
    .join(" ");
}

/** The machine in one line: OS and architecture, CPU model and cores, memory. */
function hostLine(host: Summary["host"] | undefined): string {
  if (!host) return `<span class="muted">not recorded</span>`;
  const model = host.cpuModel
    ? esc(host.cpuModel)
    : `<span class="muted" title="reading it needs --allow-sys=cpus, which the run was not given">` +
      `CPU model unknown</span>`;
  const memory = host.memoryMb === null
    ? `<span class="muted">memory unknown</span>`
    : `${formatNumber(host.memoryMb / 1024, 1)} GB memory`;
  return `${esc(host.os)} ${esc(host.arch)}; ${plural(host.cores, "core")}, ${model}; ${memory}`;
}

/** The page header: pass or fail, versions, seed, timing, stop reason, users, host, command. */
export function header(summary: Summary): string {
  const meaning = exitMeaning(summary.exitCode);
  const ok = summary.exitCode === 0;
  const c = summary.config;
  // Summaries written before these were kept have none of them.
  const tool = summary.hyperstress as Summary["hyperstress"] | undefined;
  const commandLine = summary.commandLine ?? null;
  const meta: [string, string][] = [
    [
      "hyperstress",
      tool ? `${esc(tool.version)} <span class="muted">on Deno ${esc(tool.deno)}</span>` : DASH,
    ],
    ["hyperd", esc(summary.hyperd.version)],
    ["seed", esc(c.seed)],
    ["started", esc(summary.startedAt.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC"))],
    ["duration", `${formatSeconds(summary.durationSec)} of ${formatSeconds(c.duration, 0)}`],
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
  const command = commandLine === null
    ? `<span class="muted">not recorded</span>`
    : `<code>hyperstress ${esc(shellLine(commandLine))}</code>`;
  return `<header><div class="title"><h1>hyperstress report</h1>` +
    pill(ok, ok ? "passed" : `failed: exit ${summary.exitCode}`) + `</div>` +
    `<dl class="meta">${meta.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join("")}` +
    `<div class="wide-row"><dt>host</dt><dd>${hostLine(summary.host)}</dd></div>` +
    `<div class="wide-row"><dt>command</dt><dd>${command}</dd></div></dl></header>`;
}

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
    ? ["no lost writes", `${plural(integrity.tables.length, "table")} counted`, "good"]
    : [`${formatNumber(integrity.mismatches)} mismatches`, "tables lost acknowledged rows", "bad"];
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
        `${formatNumber(disk.writesRedirected)} writes redirected`,
    ),
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
  const rows = OP_KINDS.map((kind) => {
    const t = summary.byOp[kind];
    const ran = t.count > 0;
    return [
      `<span class="swatch" style="background:${OP_COLORS[kind]}"></span>${kind}`,
      formatNumber(t.count),
      formatNumber(t.failures),
      formatPercent(ran ? (t.failures / t.count) * 100 : null, 2),
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
        "inserted rows",
        "read rows",
        "p50 (ms)",
        "p95 (ms)",
        "p99 (ms)",
        "max (ms)",
        "mean (ms)",
      ],
      rows,
      [false, true, true, true, true, true, true, true, true, true, true],
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

/** Failures grouped by normalised message, then the first ones kept, with hyperd's counts. */
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
  // Summaries written before failures were grouped have only the list.
  const groups = summary.errorGroups ?? [];
  const grouped = groups.reduce((n, g) => n + g.count, 0);
  const unlisted = errorCount - grouped;
  const byMessage = groups.length === 0 ? "" : `<h3>By message</h3>` + htmlTable(
    [
      "failures",
      "kinds",
      "first (s)",
      "last (s)",
      "message (numbers as <n>, paths as <path>)",
    ],
    groups.map((g) => [
      formatNumber(g.count),
      g.kinds.map((k) => esc(k)).join(", "),
      at(g.firstAtSec),
      at(g.lastAtSec),
      g.message === OTHER_MESSAGES
        ? `<span class="muted">${esc(OTHER_MESSAGES)}</span>`
        : `<code>${esc(g.message)}</code>` +
          (g.example === g.message ? "" : `<br><span class="muted">e.g. ${esc(g.example)}</span>`),
    ]),
    [true, false, true, true, false],
  ) +
    (unlisted > 0
      ? `<p class="muted">${plural(unlisted, "more failure")} not itemised: each worker reports ` +
        `at most 100 a second.</p>`
      : "");
  const total = `${plural(errorCount, "failed operation")}. `;
  const kept = errors.length < errorCount
    ? `The first ${formatNumber(errors.length)} of ${total}`
    : total;
  const list = htmlTable(
    ["at (s)", "user", "operation", "message"],
    errors.map((
      e,
    ) => [at(e.atSec), formatNumber(e.user), esc(e.op), `<code>${esc(e.message)}</code>`]),
    [true, true, false, false],
  );
  return card(
    "Errors",
    `<p class="muted">${kept}${server}</p>${byMessage}` +
      (groups.length === 0
        ? list
        : `<details><summary>The first ${plural(errors.length, "failure")}, one by one</summary>` +
          `${list}</details>`),
    true,
  );
}

/** Each user's operation in flight at a crash or stall, with its statement. */
function inFlightTable(ops: InFlightOp[]): string {
  if (ops.length === 0) return `<p class="muted">No operation was in flight.</p>`;
  return `<p>In flight at that moment:</p>` + htmlTable(
    ["user", "seq", "kind", "table", "rows", "started (s)", "statement"],
    ops.map((op) => [
      formatNumber(op.user),
      formatNumber(op.seq),
      esc(op.kind),
      esc(op.table),
      formatNumber(op.rows),
      at(op.startedAtSec),
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
        `${formatSeconds(c.atSec)}.</p>` + inFlightTable(c.inFlight ?? []) +
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

/** A setting's value as a user would type it: lists comma-separated, thresholds as written. */
function settingValue(value: unknown): string {
  if (value === undefined) return DASH;
  if (Array.isArray(value)) {
    return value.map((v) => typeof v === "object" && v !== null && "expr" in v ? v.expr : v)
      .join(", ") || DASH;
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Every setting of the run by its flag, those changed from the default first; folded away. */
export function configCard(summary: Summary): string {
  const settings = SETTINGS as Record<string, { flag: string; env: string; default?: unknown }>;
  const entries = Object.entries(summary.config).map(([key, value]) => {
    const s = settings[key];
    // A default drawn at start (the seed) is nothing to compare with; no default is a dash.
    const fixed = !s || typeof s.default === "function" ? undefined : settingValue(s.default);
    const shown = settingValue(value);
    return { key, s, shown, fixed, changed: fixed !== undefined && shown !== fixed };
  });
  // Changed settings first: they are what makes this run this run.
  entries.sort((a, b) => Number(b.changed) - Number(a.changed));
  const rows = entries.map(({ key, s, shown, fixed, changed }) => [
    `<code>${esc(s ? `--${s.flag}` : key)}</code>`,
    changed ? `<strong>${esc(shown)}</strong>` : esc(shown),
    s ? `<code class="muted">${esc(s.env)}</code>` : "",
    changed ? "set" : fixed === undefined ? "" : `<span class="muted">default</span>`,
  ]);
  return `<details class="card wide"><summary>Configuration and run details</summary>` +
    `<p class="muted">hyperd at <code>${esc(summary.hyperd.path)}</code>; output in ` +
    `<code>${esc(summary.outputDir)}</code>; reads: ` +
    `${formatNumber(summary.transport.libpqReads)} libpq, ` +
    `${formatNumber(summary.transport.grpcReads)} gRPC.</p>` +
    `${htmlTable(["flag", "value", "env variable", "from"], rows)}</details>`;
}

/** The run's findings, first on the page: what to look at even when the run passed. */
export function findingsCard(summary: Summary): string {
  // Summaries written before findings existed have none.
  const findings = summary.findings ?? [];
  if (findings.length === 0) {
    const slowOpSec = summary.config.slowOpSec as number | undefined;
    // A setting is shown as it was given, not rounded like a measurement.
    const slow = slowOpSec === undefined ? "" : ` than ${formatNumber(slowOpSec, 3)} s`;
    return card(
      "Findings",
      `<p class="muted">No findings: no crash, stall, operation slower${slow} or starvation.</p>`,
      true,
    );
  }
  return card(
    `Findings (${formatNumber(findings.length)})`,
    htmlTable(
      ["kind", "at (s)", "what", "signature"],
      findings.map((f) => [
        pill(false, f.kind),
        at(f.atSec),
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
      [
        "took (ms)",
        "outcome",
        "operation",
        "user",
        "seq",
        "table",
        "rows",
        "started (s)",
        "statement",
      ],
      slowest.map((op) => [
        formatMs(op.durationMs),
        op.outcome === "ok" ? "ok" : `<strong>${esc(op.outcome)}</strong>`,
        esc(op.kind),
        formatNumber(op.user),
        formatNumber(op.seq),
        esc(op.table),
        formatNumber(op.rows),
        at(op.startedAtSec),
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
      ["kind", "count", "first (s)", "last (s)", "first entry"],
      warnings.map(([kind, w]) => [
        `<code>${esc(kind)}</code>`,
        formatNumber(w.count),
        at(w.firstAtSec),
        at(w.lastAtSec),
        esc(w.example.detail || DASH) +
        ` <span class="muted">(session ${esc(w.example.session)}, request ` +
        `${esc(w.example.request)})</span>`,
      ]),
      [false, true, true, true, false],
    ),
    true,
  );
}
