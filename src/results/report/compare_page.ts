/** compare.html: two runs side by side on one self-contained page (inline CSS and SVG only). */
import type { ComparedRunInfo, Comparison, Samples } from "../compare.ts";
import { METRIC_INFO } from "../compare.ts";
import {
  compareVerdictLine,
  formatChange,
  formatFigure,
  formatP,
  statusWord,
} from "../compare_text.ts";
import { formatNumber, formatSeconds } from "../format.ts";
import { card, esc, htmlPage, htmlTable, pill } from "./html.ts";
import { lineChart, type Series } from "./svg_chart.ts";
import { COLORS, STYLE } from "./style.ts";
import { passed } from "../../verdict_policy.ts";

/** The colors of the two runs, the same in every chart. */
const RUN_COLORS = { base: COLORS[0], new: COLORS[1] };

/** The two runs' facts in two columns, one below the other on a narrow screen. */
const RUNS_STYLE = `
.runs { display: grid; gap: 8px 32px; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); }
.runs .meta { grid-template-columns: 1fr; }
`;

/** One run's facts as a definition list. */
function runFacts(label: string, run: ComparedRunInfo): string {
  const facts: [string, string][] = [
    ["summary", `<code>${esc(run.path)}</code>`],
    ["hyperd", `${esc(run.hyperd.version)} <span class="muted">${esc(run.hyperd.path)}</span>`],
    ["seed", esc(run.seed)],
    [
      "duration",
      `${formatSeconds(run.durationSec)} <span class="muted">(${run.seconds} tested)</span>`,
    ],
    ["stop reason", `${esc(run.stopReason)} <span class="muted">exit ${run.exitCode}</span>`],
  ];
  return `<div><h3><span class="swatch" style="background:${
    RUN_COLORS[label as "base" | "new"]
  }"></span>${esc(label)}</h3><dl class="meta">${
    facts.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join("")
  }</dl></div>`;
}

/** The table: one line per operation kind and figure, a regression in red. */
function changesTable(comparison: Comparison): string {
  const rows = comparison.rows.flatMap((row) =>
    row.metrics.map((m, i) => {
      const word = statusWord(m);
      const status = m.status === "regression"
        ? pill(false, word)
        : m.status === "better"
        ? pill(true, word)
        : esc(word);
      return [
        i === 0 ? `<strong>${esc(row.name)}</strong>` : "",
        esc(METRIC_INFO[m.metric].label),
        esc(formatFigure(m, m.base)),
        esc(formatFigure(m, m.new)),
        esc(formatChange(m.changePercent)),
        esc(formatP(m.p)),
        status,
      ];
    })
  );
  return htmlTable(
    ["Operation", "Figure", "Base", "New", "Change", "p", "Status"],
    rows,
    [false, false, true, true, true, true, false],
  );
}

/** Both runs' per-second samples of one figure, over the seconds of the run. */
function samplesChart(comparison: Comparison, metric: "opsPerSec" | "p95"): string {
  const series = (label: "base" | "new", samples: Samples): Series => ({
    name: label,
    color: RUN_COLORS[label],
    points: samples[metric].map((value, i) => [
      metric === "opsPerSec" ? i + 1 : samples.latencyAtSec[i],
      value,
    ]),
  });
  return lineChart({
    id: `compare-${metric}`,
    title: `${METRIC_INFO[metric].label} per second, both runs`,
    xMax: Math.max(comparison.base.seconds, comparison.new.seconds),
    panels: [{
      label: METRIC_INFO[metric].label,
      series: [
        series("base", comparison.samples.base),
        series("new", comparison.samples.new),
      ],
    }],
    bands: [],
    bandLabel: "",
    markers: [],
  });
}

/** The whole comparison as one HTML document that needs nothing but itself to display. */
export function compareHtml(comparison: Comparison): string {
  const ok = passed(comparison.exitCode);
  const notes = comparison.notes.length === 0 ? "" : card(
    "Notes",
    `<ul>${comparison.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`,
    true,
  );
  const explained = `<p class="muted">Change: new against base. p: two-sided Mann–Whitney U ` +
    `test over each run's per-second samples (all only: per-second figures by operation kind ` +
    `are not kept); a change is a regression when p &lt; ${comparison.alpha} and it is worse ` +
    `by more than ${formatNumber(comparison.maxRegressionPercent, 2)}%. rows/s: rows inserted ` +
    `for all, BulkInsert and SingleInsert; rows read for the reads.</p>`;
  const runs = card(
    "Runs",
    `<div class="runs">${runFacts("base", comparison.base)}${
      runFacts("new", comparison.new)
    }</div>`,
    true,
  );
  const charts = card("Operations per second", samplesChart(comparison, "opsPerSec")) +
    card("p95 latency per second", samplesChart(comparison, "p95"));
  return htmlPage(
    `hyperstress compare: ${ok ? "passed" : "regression"}`,
    STYLE + RUNS_STYLE,
    `<header><div class="title"><h1>hyperstress compare</h1>${
      pill(ok, ok ? "passed" : `failed: exit ${comparison.exitCode}`)
    }</div><p>${esc(compareVerdictLine(comparison))}</p></header>
${runs}
${notes}
${charts}
${card("Side by side", changesTable(comparison) + explained, true)}`,
  );
}
