/** report.html: one self-contained page (inline CSS and SVG, no script, no network) of a run. */
import { exitMeaning } from "../../exit_codes.ts";
import { OP_KINDS, OP_PROBABILITIES, type OpKind, USER_CLASSES } from "../../workload/op_table.ts";
import type { Summary } from "../summary.ts";

// Tableau's own palette, fittingly.
const COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1"];
const OP_COLORS = Object.fromEntries(OP_KINDS.map((k, i) => [k, COLORS[i]])) as Record<
  OpKind,
  string
>;

/** Text safe inside HTML elements and quoted attributes. */
function esc(text: string | number): string {
  return String(text).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

const numberFormats = new Map<number, Intl.NumberFormat>();
/** A number with thousands separators and at most `digits` decimals; "–" for null. */
function fmt(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  let format = numberFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { maximumFractionDigits: digits });
    numberFormats.set(digits, format);
  }
  return format.format(value);
}

/** Short axis labels: 1.5k, 20M. */
function short(value: number): string {
  const abs = Math.abs(value);
  const trim = (x: number) => String(Math.round(x * 100) / 100);
  if (abs >= 1e9) return `${trim(value / 1e9)}G`;
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4) return `${trim(value / 1e3)}k`;
  return trim(value);
}

/** Round tick values from 0: up to the first one at or above `max`, or only up to `max`. */
function ticks(max: number, count: number, within = false): number[] {
  const top = max > 0 ? max : 1;
  const raw = top / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const n = raw / magnitude;
  const step = (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * magnitude;
  const result: number[] = [0];
  while (result[result.length - 1] < top - step * 1e-6) {
    const next = Math.round(result.length * step * 1e9) / 1e9;
    if (within && next > top + step * 1e-6) break;
    result.push(next);
  }
  return result;
}

/** "1 event", "2 events". */
function plural(count: number, noun: string): string {
  return `${fmt(count)} ${noun}${count === 1 ? "" : "s"}`;
}

/** A value with its unit, or a lone "–" when there is no value. */
function withUnit(value: number | null, digits: number, unit: string): string {
  return value === null || !Number.isFinite(value) ? "–" : `${fmt(value, digits)}${unit}`;
}

// ---------------------------------------------------------------------------------------------
// Charts

/** A line: x, y pairs in time order; a null y breaks the line. */
interface Series {
  name: string;
  color: string;
  points: [number, number | null][];
  dashed?: boolean;
}

/** One plot area of a line chart with its own y axis; panels share the x axis. */
interface Panel {
  label: string;
  series: Series[];
}

interface LineChart {
  id: string;
  title: string;
  xMax: number;
  panels: Panel[];
  /** Shaded x ranges, e.g. backpressure. */
  bands: [number, number][];
  bandLabel: string;
  /** Vertical lines, e.g. a crash. */
  markers: { at: number; label: string }[];
}

const WIDTH = 640;
const MARGIN = { left: 62, right: 14, top: 30, bottom: 36 };

/** Colored swatches with names, wrapped to the chart width. */
function legend(items: { name: string; color: string; band?: boolean }[], left: number): string {
  let x = left;
  let y = 12;
  return items.map((item) => {
    const width = 22 + item.name.length * 6.3;
    if (x + width > WIDTH - MARGIN.right) [x, y] = [left, y + 15];
    const swatch = item.band
      ? `<rect x="${x}" y="${y - 6}" width="14" height="10" fill="${item.color}"/>`
      : `<rect x="${x}" y="${y - 2}" width="14" height="3" fill="${item.color}"/>`;
    const out = `${swatch}<text x="${x + 18}" y="${y + 3}">${esc(item.name)}</text>`;
    x += width + 10;
    return out;
  }).join("");
}

function noData(id: string, title: string, height = 120): string {
  return `<svg id="${id}" class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img">` +
    `<title>${esc(title)}</title>` +
    `<text class="empty" x="${WIDTH / 2}" y="${height / 2}" text-anchor="middle">no data</text>` +
    `</svg>`;
}

/** A line chart of one or more stacked panels over a shared time axis. */
function lineChart(chart: LineChart): string {
  const hasData = chart.panels.some((p) =>
    p.series.some((s) => s.points.some(([, y]) => y !== null))
  );
  if (!hasData) return noData(chart.id, chart.title);
  const panelHeight = chart.panels.length === 1 ? 200 : 112;
  const gap = 26;
  const height = MARGIN.top + chart.panels.length * (panelHeight + gap) - gap + MARGIN.bottom;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  // The x axis ends where the run ended, not at a round number past it.
  const xMax = chart.xMax > 0 ? chart.xMax : 1;
  const xTicks = ticks(xMax, 8, true);
  const sx = (x: number) => MARGIN.left + (x / xMax) * plotWidth;
  const parts: string[] = [];

  chart.panels.forEach((panel, index) => {
    const top = MARGIN.top + index * (panelHeight + gap);
    const bottom = top + panelHeight;
    const values = panel.series.flatMap((s) => s.points.map(([, y]) => y ?? 0));
    const yTicks = ticks(Math.max(0, ...values), 4);
    const yMax = yTicks[yTicks.length - 1];
    const sy = (y: number) => bottom - (y / yMax) * panelHeight;
    for (const [from, to] of chart.bands) {
      parts.push(
        `<rect class="band" x="${sx(from).toFixed(1)}" y="${top}" ` +
          `width="${Math.max(1, sx(to) - sx(from)).toFixed(1)}" height="${panelHeight}"/>`,
      );
    }
    for (const y of yTicks) {
      parts.push(
        `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" ` +
          `y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}"/>`,
        `<text x="${MARGIN.left - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end">` +
          `${short(y)}</text>`,
      );
    }
    const middle = (top + bottom) / 2;
    parts.push(
      `<text class="axis-label" transform="translate(13 ${middle}) rotate(-90)" ` +
        `text-anchor="middle">${esc(panel.label)}</text>`,
      `<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" ` +
        `y1="${bottom}" y2="${bottom}"/>`,
    );
    for (const series of panel.series) {
      const d = series.points.map(([x, y], i) => {
        if (y === null) return "";
        const command = i === 0 || series.points[i - 1][1] === null ? "M" : "L";
        return `${command}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`;
      }).join("");
      if (d === "") continue;
      parts.push(
        `<path class="series" d="${d}" stroke="${series.color}"` +
          `${series.dashed ? ' stroke-dasharray="5 3"' : ""}><title>${esc(series.name)}</title>` +
          `</path>`,
      );
    }
    for (const marker of chart.markers) {
      parts.push(
        `<line class="marker" x1="${sx(marker.at).toFixed(1)}" x2="${sx(marker.at).toFixed(1)}" ` +
          `y1="${top}" y2="${bottom}"/>`,
      );
      if (index === 0) {
        parts.push(
          `<text class="marker-label" x="${(sx(marker.at) + 4).toFixed(1)}" y="${top + 11}">` +
            `${esc(marker.label)}</text>`,
        );
      }
    }
  });

  const axisY = height - MARGIN.bottom;
  for (const x of xTicks) {
    parts.push(
      `<line class="tick" x1="${sx(x).toFixed(1)}" x2="${sx(x).toFixed(1)}" ` +
        `y1="${axisY}" y2="${axisY + 4}"/>`,
      `<text x="${sx(x).toFixed(1)}" y="${axisY + 16}" text-anchor="middle">${short(x)}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${MARGIN.left + plotWidth / 2}" y="${height - 4}" ` +
      `text-anchor="middle">seconds since start</text>`,
  );
  const items: { name: string; color: string; band?: boolean }[] = chart.panels.flatMap((p) =>
    p.series.map((s) => ({ name: s.name, color: s.color }))
  );
  if (chart.bands.length > 0) items.push({ name: chart.bandLabel, color: "#f7c9c9", band: true });
  return `<svg id="${chart.id}" class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img">` +
    `<title>${esc(chart.title)}</title>${legend(items, MARGIN.left)}${parts.join("")}</svg>`;
}

/** One horizontal bar split into parts; `values` need not sum to 1. */
interface BarRow {
  label: string;
  note: string;
  values: number[];
}

/** Horizontal 100% stacked bars, one per row, with a legend of the keys. */
function stackedBarChart(
  id: string,
  title: string,
  keys: { name: string; color: string }[],
  rows: BarRow[],
): string {
  if (rows.length === 0) return noData(id, title);
  const labelWidth = 170;
  const rowHeight = 40;
  const top = 30;
  const height = top + rows.length * rowHeight + 8;
  const barLeft = labelWidth + 10;
  const barWidth = WIDTH - barLeft - MARGIN.right;
  const parts = rows.map((row, index) => {
    const y = top + index * rowHeight;
    const total = row.values.reduce((sum, v) => sum + v, 0);
    const label = `<text class="bar-label" x="0" y="${y + 13}">${esc(row.label)}</text>` +
      `<text x="0" y="${y + 27}">${esc(row.note)}</text>`;
    if (!(total > 0)) {
      return `${label}<rect class="bar-empty" x="${barLeft}" y="${y + 2}" width="${barWidth}" ` +
        `height="26"/><text class="empty" x="${barLeft + barWidth / 2}" y="${y + 19}" ` +
        `text-anchor="middle">no data</text>`;
    }
    let x = barLeft;
    const segments = row.values.map((value, i) => {
      const width = (value / total) * barWidth;
      const share = `${fmt((value / total) * 100, 1)}%`;
      const rect =
        `<rect class="bar" x="${x.toFixed(1)}" y="${y + 2}" width="${width.toFixed(1)}" ` +
        `height="26" fill="${keys[i].color}"><title>${esc(`${keys[i].name}: ${share}`)}</title>` +
        `</rect>`;
      const text = width >= 34
        ? `<text class="bar-value" x="${(x + width / 2).toFixed(1)}" y="${y + 19}" ` +
          `text-anchor="middle">${esc(share)}</text>`
        : "";
      x += width;
      return rect + text;
    });
    return label + segments.join("");
  });
  const items = keys.map((k) => ({ ...k, band: true }));
  return `<svg id="${id}" class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img">` +
    `<title>${esc(title)}</title>${legend(items, 0)}${parts.join("")}</svg>`;
}

// ---------------------------------------------------------------------------------------------
// Data for the charts

/** Width of one timeline bucket in seconds (1 unless the timeline is coarser). */
function bucketSeconds(atSecs: number[]): number {
  let gap = Infinity;
  for (let i = 1; i < atSecs.length; i++) {
    const d = atSecs[i] - atSecs[i - 1];
    if (d > 0 && d < gap) gap = d;
  }
  return Number.isFinite(gap) ? gap : 1;
}

/** Time ranges in which hyperd's resource samples reported backpressure, merged. */
function backpressureBands(resources: Summary["resources"]): [number, number][] {
  const step = bucketSeconds(resources.map((r) => r.atSec));
  const bands: [number, number][] = [];
  resources.forEach((r, i) => {
    if (!r.backpressure) return;
    const end = resources[i + 1]?.atSec ?? r.atSec + step;
    const last = bands[bands.length - 1];
    if (last && last[1] >= r.atSec) last[1] = Math.max(last[1], end);
    else bands.push([r.atSec, end]);
  });
  return bands;
}

function timeCharts(summary: Summary): string[] {
  const { timeline, resources } = summary;
  const xMax = Math.max(
    summary.durationSec,
    timeline[timeline.length - 1]?.atSec ?? 0,
    resources[resources.length - 1]?.atSec ?? 0,
  );
  const bucket = bucketSeconds(timeline.map((p) => p.atSec));
  const bands = backpressureBands(resources);
  const markers = summary.crash ? [{ at: summary.crash.atSec, label: "hyperd crashed" }] : [];
  const common = { xMax, bands, bandLabel: "backpressure", markers };
  const line = (
    name: string,
    color: string,
    pick: (p: Summary["timeline"][number]) => number | null,
  ) => ({
    name,
    color,
    points: timeline.map((p): [number, number | null] => [p.atSec, pick(p)]),
  });
  // A second without operations has no latency, not a latency of zero.
  const latency = (key: "p50" | "p95" | "p99") => (p: Summary["timeline"][number]) =>
    p.ops > 0 ? p.latencyMs[key] : null;
  const resource = (
    name: string,
    color: string,
    pick: (r: Summary["resources"][number]) => number | null,
  ) => ({ name, color, points: resources.map((r): [number, number | null] => [r.atSec, pick(r)]) });

  return [
    lineChart({
      ...common,
      id: "chart-throughput",
      title: "Throughput over time: operations and inserted rows per second",
      panels: [
        {
          label: "operations / s",
          series: [
            line("ops/s", COLORS[0], (p) => p.ops / bucket),
            line("failed ops/s", COLORS[2], (p) => p.failures / bucket),
          ],
        },
        {
          label: "rows / s",
          series: [line("inserted rows/s", COLORS[4], (p) => p.insertedRows / bucket)],
        },
      ],
    }),
    lineChart({
      ...common,
      id: "chart-latency",
      title: "Latency percentiles per second (ms)",
      panels: [{
        label: "latency (ms)",
        series: [
          line("p50", COLORS[0], latency("p50")),
          line("p95", COLORS[1], latency("p95")),
          line("p99", COLORS[2], latency("p99")),
        ],
      }],
    }),
    lineChart({
      ...common,
      id: "chart-resources",
      title: "hyperd memory, CPU and load over time, backpressure shaded",
      panels: [
        { label: "memory (MB)", series: [resource("memory MB", COLORS[6], (r) => r.memoryMb)] },
        {
          label: "CPU (%)",
          series: [resource("process CPU %", COLORS[1], (r) => r.processCpuPercent)],
        },
        {
          label: "load",
          series: [
            resource("overall load", COLORS[0], (r) => r.overallLoad),
            resource("scheduler load", COLORS[3], (r) => r.schedulerLoad),
          ],
        },
      ],
    }),
  ];
}

/**
 * The op mix: each class's configured probabilities (OP_PROBABILITIES), then the whole run as
 * expected from each class's measured op count and as measured per kind (byOp).
 */
function opMixChart(summary: Summary): string {
  const opsByClass = Object.fromEntries(USER_CLASSES.map((c) => [c, { users: 0, ops: 0 }]));
  for (const user of summary.users) {
    opsByClass[user.class].users++;
    opsByClass[user.class].ops += user.ops;
  }
  const rows: BarRow[] = USER_CLASSES.map((c) => ({
    label: `${c} (configured)`,
    note: `${fmt(opsByClass[c].users)} users, ${fmt(opsByClass[c].ops)} ops`,
    values: OP_KINDS.map((k) => OP_PROBABILITIES[c][k]),
  }));
  rows.push(
    {
      label: "all users (expected)",
      note: "class mix × ops per class",
      values: OP_KINDS.map((k) =>
        USER_CLASSES.reduce((sum, c) => sum + opsByClass[c].ops * OP_PROBABILITIES[c][k], 0)
      ),
    },
    {
      label: "all users (measured)",
      note: `${fmt(summary.totals.ops)} ops by kind`,
      values: OP_KINDS.map((k) => summary.byOp[k]?.count ?? 0),
    },
  );
  return stackedBarChart(
    "chart-opmix",
    "Operation mix per user class: configured probabilities, expected and measured",
    OP_KINDS.map((k) => ({ name: k, color: OP_COLORS[k] })),
    rows,
  );
}

// ---------------------------------------------------------------------------------------------
// Page

function table(head: string[], rows: string[][], numeric: boolean[] = [], cls = ""): string {
  const cell = (tag: string, text: string, i: number) =>
    `<${tag}${numeric[i] ? ' class="num"' : ""}>${text}</${tag}>`;
  return `<table${cls ? ` class="${cls}"` : ""}><thead><tr>${
    head.map((h, i) => cell("th", esc(h), i)).join("")
  }</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c, i) => cell("td", c, i)).join("")}</tr>`).join("")}` +
    `</tbody></table>`;
}

function figure(label: string, value: string, detail = "", tone = ""): string {
  return `<div class="figure ${tone}"><div class="label">${esc(label)}</div>` +
    `<div class="value">${value}</div><div class="detail">${detail}</div></div>`;
}

function pill(ok: boolean, text: string): string {
  return `<span class="pill ${ok ? "ok" : "bad"}">${esc(text)}</span>`;
}

function header(summary: Summary): string {
  const meaning = exitMeaning(summary.exitCode);
  const ok = summary.exitCode === 0;
  const c = summary.config;
  const meta: [string, string][] = [
    ["hyperd", esc(summary.hyperd.version)],
    ["seed", esc(c.seed)],
    ["started", esc(summary.startedAt.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC"))],
    ["duration", `${fmt(summary.durationSec, 1)} s of ${fmt(c.duration)} s`],
    [
      "stop reason",
      esc(summary.stopReason) +
      (summary.stopDetail ? ` <span class="muted">(${esc(summary.stopDetail)})</span>` : ""),
    ],
    ["exit code", `${summary.exitCode} <span class="muted">${esc(meaning)}</span>`],
    [
      "users",
      `${fmt(c.inserterUsers)} inserter, ${fmt(c.queryUsers)} query, ${fmt(c.mixedUsers)} mixed ` +
      `<span class="muted">on ${fmt(summary.workers)} workers, ${
        fmt(c.databases)
      } databases</span>`,
    ],
    ["transport", `${esc(c.transport)}, ${esc(c.dataFormat)}`],
  ];
  return `<header><div class="title"><h1>hyperstress report</h1>` +
    pill(ok, ok ? "passed" : `failed: exit ${summary.exitCode}`) + `</div>` +
    `<dl class="meta">${meta.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join("")}` +
    `</dl></header>`;
}

function keyFigures(summary: Summary): string {
  const { totals, latencyMs, peak, disk, backpressure, integrity } = summary;
  const ran = totals.ops > 0;
  const rate = ran ? (totals.failures / totals.ops) * 100 : null;
  const ms = (value: number) => withUnit(ran ? value : null, 1, "");
  const integrityText = !integrity.checked
    ? ["not checked", esc(integrity.skipped ?? ""), ""]
    : integrity.mismatches === 0
    ? ["no lost writes", `${plural(integrity.tables.length, "table")} counted`, "good"]
    : [`${fmt(integrity.mismatches)} mismatches`, "tables lost acknowledged rows", "bad"];
  return `<section class="figures">` + [
    figure("operations", fmt(totals.ops), `${fmt(totals.opsPerSec, 1)} ops/s`),
    figure(
      "failures",
      fmt(totals.failures),
      `${withUnit(rate, 2, "%")} of ops`,
      totals.failures > 0 ? "warn" : "",
    ),
    figure("inserted rows", fmt(totals.insertedRows), `${fmt(totals.insertRowsPerSec)} rows/s`),
    figure(
      "latency p50 / p95 / p99",
      `${ms(latencyMs.p50)} / ${ms(latencyMs.p95)} / ${ms(latencyMs.p99)}`,
      `ms; max ${ms(latencyMs.max)}, mean ${ms(latencyMs.mean)}`,
    ),
    figure(
      "peak memory",
      withUnit(peak.memoryMb, 0, " MB"),
      `hyperd memory_limit ${esc(summary.config.memoryLimit)}`,
    ),
    figure(
      "peak CPU / load",
      `${withUnit(peak.processCpuPercent, 1, "%")} / ${withUnit(peak.overallLoad, 2, "")}`,
      `scheduler load ${withUnit(peak.schedulerLoad, 2, "")}`,
    ),
    figure(
      "backpressure",
      `${fmt(backpressure.seconds, 1)} s`,
      plural(backpressure.events, "event"),
      backpressure.seconds > 0 ? "warn" : "",
    ),
    figure(
      "disk",
      `${fmt(disk.usedMb, 1)} MB`,
      `of ${fmt(disk.budgetMb)} MB; ${fmt(disk.writesRedirected)} writes redirected`,
    ),
    figure(
      "server errors",
      fmt(summary.serverErrors.user + summary.serverErrors.system),
      `hyperd logged ${fmt(summary.serverErrors.user)} user, ` +
        `${fmt(summary.serverErrors.system)} system`,
      summary.serverErrors.system > 0 ? "warn" : "",
    ),
    figure("integrity", integrityText[0], integrityText[1], integrityText[2]),
  ].join("") + `</section>`;
}

function card(title: string, body: string, wide = false): string {
  return `<section class="card${wide ? " wide" : ""}"><h2>${esc(title)}</h2>${body}</section>`;
}

function thresholdsCard(summary: Summary): string {
  if (summary.thresholds.length === 0) {
    return card("Thresholds", `<p class="muted">No thresholds were set.</p>`, true);
  }
  return card(
    "Thresholds",
    table(
      ["result", "expression", "value"],
      summary.thresholds.map((t) => [
        pill(t.ok, t.ok ? "pass" : "fail"),
        `<code>${esc(t.expr)}</code>`,
        t.value === null ? `<span class="muted">not measured</span>` : fmt(t.value, 4),
      ]),
      [false, false, true],
      "thresholds",
    ),
    true,
  );
}

function operationsCard(summary: Summary): string {
  const rows = OP_KINDS.map((kind) => {
    const t = summary.byOp[kind];
    const ran = t.count > 0;
    const ms = (v: number) => ran ? fmt(v, 2) : "–";
    return [
      `<span class="swatch" style="background:${OP_COLORS[kind]}"></span>${kind}`,
      fmt(t.count),
      fmt(t.failures),
      ran ? `${fmt((t.failures / t.count) * 100, 2)}%` : "–",
      fmt(t.rows),
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
    fmt(totals.ops),
    fmt(totals.failures),
    totals.ops > 0 ? `${fmt((totals.failures / totals.ops) * 100, 2)}%` : "–",
    fmt(OP_KINDS.reduce((sum, k) => sum + summary.byOp[k].rows, 0)),
    ...[latencyMs.p50, latencyMs.p95, latencyMs.p99, latencyMs.max, latencyMs.mean].map((v) =>
      totals.ops > 0 ? fmt(v, 2) : "–"
    ),
  ]);
  return card(
    "Operations",
    table(
      ["kind", "ops", "failures", "failed", "rows", "p50 ms", "p95 ms", "p99 ms", "max ms", "mean"],
      rows,
      [false, true, true, true, true, true, true, true, true, true],
    ),
    true,
  );
}

function usersTable(summary: Summary): string {
  const rows = USER_CLASSES.map((c) => {
    const users = summary.users.filter((u) => u.class === c);
    const ops = users.reduce((sum, u) => sum + u.ops, 0);
    const failures = users.reduce((sum, u) => sum + u.failures, 0);
    return [
      c,
      fmt(users.length),
      fmt(ops),
      fmt(failures),
      users.length > 0 ? fmt(ops / users.length, 1) : "–",
    ];
  });
  const numeric = [false, true, true, true, true];
  return table(["class", "users", "ops", "failures", "ops / user"], rows, numeric);
}

function errorsCard(summary: Summary): string {
  const { errors, errorCount, serverErrors } = summary;
  const server = `hyperd logged ${fmt(serverErrors.user)} user and ${fmt(serverErrors.system)} ` +
    `system query errors.`;
  if (errors.length === 0) {
    return card("Errors", `<p class="muted">No operation failed. ${server}</p>`, true);
  }
  const kept = errors.length < errorCount
    ? `Showing the first ${fmt(errors.length)} of ${fmt(errorCount)} failed operations. `
    : `${fmt(errorCount)} failed operations. `;
  return card(
    "Errors",
    `<p class="muted">${kept}${server}</p>` +
      table(
        ["at s", "user", "operation", "message"],
        errors.map((
          e,
        ) => [fmt(e.atSec, 2), fmt(e.user), esc(e.op), `<code>${esc(e.message)}</code>`]),
        [true, true, false, false],
      ),
    true,
  );
}

function problemsCards(summary: Summary): string {
  const out: string[] = [];
  if (summary.crash) {
    const c = summary.crash;
    out.push(card(
      "hyperd crashed",
      `<p>Exit code ${c.exitCode}${c.signal ? ` (${esc(c.signal)})` : ""} at ` +
        `${fmt(c.atSec, 1)} s. Last lines of its log:</p><pre>${esc(c.logTail.join("\n"))}</pre>`,
      true,
    ));
  }
  const lost = summary.integrity.tables.filter((t) => !t.ok);
  if (lost.length > 0) {
    out.push(card(
      "Integrity mismatches",
      table(
        ["database", "table", "expected rows", "counted rows"],
        lost.map((t) => [fmt(t.database), esc(t.table), fmt(t.expected), fmt(t.actual)]),
        [true, false, true, true],
      ),
      true,
    ));
  }
  return out.join("");
}

function configCard(summary: Summary): string {
  const rows = Object.entries(summary.config).map(([key, value]) => [
    `<code>${esc(key)}</code>`,
    esc(value === undefined ? "–" : typeof value === "string" ? value : JSON.stringify(value)),
  ]);
  return `<details class="card wide"><summary>Configuration and run details</summary>` +
    `<p class="muted">hyperd at <code>${esc(summary.hyperd.path)}</code>; output in ` +
    `<code>${esc(summary.outputDir)}</code>; reads: ${fmt(summary.transport.libpqReads)} libpq, ` +
    `${fmt(summary.transport.grpcReads)} gRPC.</p>${table(["setting", "value"], rows)}</details>`;
}

const STYLE = `
:root { --bg: #f4f6f9; --card: #fff; --text: #1f2933; --muted: #66737f; --line: #e3e7ec;
  --ok: #2f7d4a; --ok-bg: #e3f4e8; --bad: #b83232; --bad-bg: #fbe6e6; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 24px; display: grid; gap: 16px;
  grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); }
header, .figures, .wide { grid-column: 1 / -1; }
header { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 20px; }
.title { display: flex; align-items: center; gap: 12px; }
h1 { font-size: 22px; margin: 0; }
h2 { font-size: 15px; margin: 0 0 10px; }
h3 { font-size: 13px; margin: 14px 0 4px; }
.meta { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr));
  gap: 6px 24px; margin: 14px 0 0; }
.meta div { display: flex; gap: 8px; }
dt { color: var(--muted); min-width: 84px; }
dd { margin: 0; font-weight: 500; }
.muted { color: var(--muted); font-weight: 400; }
.pill { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 12px;
  font-weight: 600; text-transform: uppercase; letter-spacing: .03em; }
.pill.ok { background: var(--ok-bg); color: var(--ok); }
.pill.bad { background: var(--bad-bg); color: var(--bad); }
.figures { display: grid; gap: 12px; grid-template-columns: repeat(5, 1fr); }
@media (max-width: 1100px) { .figures { grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); } }
.figure { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 12px 14px; border-top: 3px solid #4e79a7; }
.figure.good { border-top-color: var(--ok); }
.figure.warn { border-top-color: #f28e2b; }
.figure.bad { border-top-color: var(--bad); }
.figure .label { color: var(--muted); font-size: 12px; text-transform: uppercase;
  letter-spacing: .04em; }
.figure .value { font-size: 21px; white-space: nowrap; font-weight: 600; font-variant-numeric: tabular-nums; }
.figure .detail { color: var(--muted); font-size: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 16px 18px; min-width: 0; }
details.card summary { cursor: pointer; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
.num { text-align: right; }
.thresholds th:first-child { width: 90px; }
.thresholds th:last-child { width: 60%; text-align: left; }
.thresholds td:last-child { text-align: left; }
tbody tr:last-child td { border-bottom: 0; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
td code { white-space: pre-wrap; word-break: break-word; }
pre { background: #f7f8fa; border: 1px solid var(--line); padding: 10px; overflow: auto; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 8px; }
svg.chart { width: 100%; height: auto; display: block; }
.chart text { font-size: 11px; fill: var(--muted); }
.chart .axis-label { font-size: 11.5px; fill: var(--text); }
.chart .bar-label { font-size: 12px; font-weight: 600; fill: var(--text); }
.chart .bar-value { fill: #fff; font-weight: 600; }
.chart .empty { font-size: 14px; fill: var(--muted); }
.chart .grid { stroke: #edf0f3; }
.chart .axis, .chart .tick { stroke: #9aa5b1; }
.chart .band { fill: #f7c9c9; opacity: .55; }
.chart .series { fill: none; stroke-width: 1.7; stroke-linejoin: round; stroke-linecap: round; }
.chart .marker { stroke: var(--bad); stroke-dasharray: 4 3; }
.chart .marker-label { fill: var(--bad); font-weight: 600; }
.chart .bar-empty { fill: #f1f3f5; }
`;

/** The whole report as one HTML document that needs nothing but itself to display. */
export function reportHtml(summary: Summary): string {
  const [throughput, latency, resources] = timeCharts(summary);
  const chart = (title: string, svg: string, note = "", extra = "") =>
    card(title, svg + (note ? `<p class="muted">${note}</p>` : "") + extra);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>hyperstress report: seed ${esc(summary.config.seed)}, ${esc(summary.stopReason)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${header(summary)}
${keyFigures(summary)}
${thresholdsCard(summary)}
${operationsCard(summary)}
${chart("Throughput", throughput)}
${chart("Latency", latency)}
${chart("hyperd resources", resources, "From hyperd's resource log; shaded: backpressure.")}
${
    chart(
      "Operation mix",
      opMixChart(summary),
      "Per class: the configured probability table. Expected: each class's table weighted by " +
        "the ops its users ran. Measured: operations by kind over the whole run.",
      `<h3>Users by class</h3>${usersTable(summary)}`,
    )
  }
${problemsCards(summary)}
${errorsCard(summary)}
${configCard(summary)}
</main>
</body>
</html>
`;
}
