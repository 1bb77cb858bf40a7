/** How report.html looks: the page's CSS and the chart palette. */
import { OP_KINDS, type OpKind } from "../../workload/op_table.ts";

/** Tableau's own palette, fittingly. */
export const COLORS = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
  "#d37295",
  "#b6992d",
  "#499894",
  "#86bcb6",
];

/** One color per operation kind, the same in every chart and table. */
export const OP_COLORS = Object.fromEntries(OP_KINDS.map((k, i) => [k, COLORS[i]])) as Record<
  OpKind,
  string
>;

/** The page's stylesheet, inlined into a <style> element. */
export const STYLE = `
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
.meta .wide-row { grid-column: 1 / -1; }
.meta .wide-row code { white-space: pre-wrap; word-break: break-all; }
dt { color: var(--muted); min-width: 84px; }
dd { margin: 0; font-weight: 500; }
.muted { color: var(--muted); font-weight: 400; }
.pill { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 12px;
  font-weight: 600; text-transform: uppercase; letter-spacing: .03em; }
.pill.ok { background: var(--ok-bg); color: var(--ok); }
.pill.bad { background: var(--bad-bg); color: var(--bad); }
.figures { display: grid; gap: 12px; grid-template-columns: repeat(4, 1fr); }
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
th { color: var(--muted); font-weight: 600; font-size: 12px; white-space: nowrap; }
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
.switch > input { position: absolute; opacity: 0; pointer-events: none; }
.switch > label { display: inline-block; padding: 2px 12px; margin: 0 4px 8px 0; cursor: pointer;
  border: 1px solid var(--line); border-radius: 999px; font-size: 12px; color: var(--muted); }
.switch > input:checked + label { background: var(--text); border-color: var(--text); color: #fff; }
.switch .view { display: none; }
.switch > input:nth-of-type(1):checked ~ .views > .view:nth-child(1),
.switch > input:nth-of-type(2):checked ~ .views > .view:nth-child(2),
.switch > input:nth-of-type(3):checked ~ .views > .view:nth-child(3),
.switch > input:nth-of-type(4):checked ~ .views > .view:nth-child(4) { display: block; }
details summary { cursor: pointer; }
`;
