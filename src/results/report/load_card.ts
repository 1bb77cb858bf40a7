/**
 * The report's card of a shaped load: in the open model, response against service time and the
 * arrivals, queue and drops over time; a closed ramp's active users; the warm-up shaded.
 */
import { OP_KINDS } from "../../workload/op_table.ts";
import { formatFixed, formatNumber } from "../format.ts";
import type { Summary } from "../summary.ts";
import { card, figure, htmlTable } from "./html.ts";
import { COLORS } from "./style.ts";
import { lineChart, type Series } from "./svg_chart.ts";

type Point = Summary["timeline"][number];

/** The planned load: a muted dashed line behind the measured ones (drops have the red). */
const TARGET_COLOR = "#66737f";

/** The warm-up's seconds as a shaded band: the points it marks, from 0. */
function warmupBands(timeline: Point[]): [number, number][] {
  const last = timeline.filter((p) => p.warmup).at(-1);
  return last ? [[0, last.atSec]] : [];
}

/** The card, or "" for a closed run without stages or warm-up (and older summaries). */
export function loadCard(summary: Summary): string {
  // Summaries written before the open model have none of these fields.
  const { arrivals, warmup } = summary as Partial<Summary>;
  const timeline = summary.timeline;
  const ramp = !arrivals && timeline.some((p) => p.target !== undefined);
  if (!arrivals && !ramp && !warmup) return "";
  const xMax = summary.durationSec > 0 ? summary.durationSec : timeline.at(-1)?.atSec ?? 0;
  const line = (
    name: string,
    color: string,
    pick: (p: Point) => number | null | undefined,
    dashed = false,
  ): Series => ({
    name,
    color,
    dashed,
    points: timeline.map((p): [number, number | null] => [p.atSec, pick(p) ?? null]),
  });
  const ops = line("completed ops/s", COLORS[0], (p) => p.ops);
  const panels = arrivals
    ? [
      {
        label: "operations / s",
        series: [
          line("target rate", TARGET_COLOR, (p) => p.target, true),
          line("arrivals/s", COLORS[3], (p) => p.arrivals ?? 0),
          ops,
        ],
      },
      {
        label: "queue",
        series: [
          line("longest queue", COLORS[1], (p) => p.queue ?? 0),
          line("dropped/s", COLORS[2], (p) => p.dropped ?? 0),
        ],
      },
      {
        label: "p99 (ms, log)",
        log: true,
        series: [
          line("response p99", COLORS[6], (p) => p.ops > 0 ? p.latencyMs.p99 : null),
          line("service p99", COLORS[4], (p) => p.ops > 0 ? p.serviceMs?.p99 : null),
        ],
      },
    ]
    : [
      { label: "operations / s", series: [ops] },
      ...(ramp
        ? [{ label: "active users", series: [line("active users", COLORS[1], (p) => p.target)] }]
        : []),
    ];
  const chart = lineChart({
    id: "chart-load",
    title: arrivals
      ? "Arrivals, queue and drops over time, and the response time against the service time"
      : "Throughput and active users over time",
    xMax,
    panels,
    bands: warmupBands(timeline),
    bandLabel: "warm-up (left out of every statistic)",
    markers: [],
  });
  const parts = [arrivals ? openFigures(summary) : "", chart];
  if (arrivals) parts.push(latencyTable(summary));
  const note = [
    arrivals
      ? "Open model: operations arrive on a schedule drawn from the seed, whatever the latency; " +
        "the response time runs from each arrival (the queue included), the service time " +
        "from its send. Latency figures elsewhere in this report are response times."
      : "",
    ramp ? "Closed model with stages: the users let in by the ramp, per second." : "",
    warmup
      ? `Shaded: the first ${formatNumber(warmup.sec)} s of warm-up (${
        formatNumber(warmup.ops)
      } ops), in no total, rate or threshold.`
      : "",
  ].filter(Boolean).join(" ");
  parts.push(`<p class="muted">${note}</p>`);
  return card(arrivals ? "Open model: arrivals and response time" : "Load shape", parts.join(""));
}

/** The open model's key figures: arrivals, drops, the queue's peak. */
function openFigures(summary: Summary): string {
  const a = summary.arrivals!;
  const share = a.arrivals > 0 ? a.dropped / a.arrivals * 100 : 0;
  return `<div class="figures">${
    [
      figure(
        "arrivals",
        formatNumber(a.arrivals),
        `${a.process}, ${formatFixed(a.ratePerSec, 1)}/s set`,
      ),
      figure(
        "dropped",
        formatNumber(a.dropped),
        `${formatFixed(share, 1)}% found the queue full`,
        a.dropped > 0 ? "bad" : "",
      ),
      figure("longest queue", formatNumber(a.maxQueue), `of ${formatNumber(a.queueLimit)} places`),
      figure("unserved", formatNumber(a.unserved), "waiting when the run stopped"),
    ].join("")
  }</div>`;
}

/** Response and service percentiles, all operations and each kind that ran. */
function latencyTable(summary: Summary): string {
  const ms = (value: number | undefined, count: number) =>
    count > 0 && value !== undefined ? formatFixed(value, 2) : "—";
  const row = (name: string, count: number, r: Point["latencyMs"], s?: Point["latencyMs"]) => [
    name,
    formatNumber(count),
    ...[r.p50, r.p99, r.max].map((v) => ms(v, count)),
    ...[s?.p50, s?.p99, s?.max].map((v) => ms(v, count)),
  ];
  const rows = [
    row("all", summary.totals.ops, summary.latencyMs, summary.serviceTimeMs),
    ...OP_KINDS.filter((k) => summary.byOp[k].count > 0).map((k) => {
      const op = summary.byOp[k];
      return row(k, op.count, op.latencyMs, op.serviceTimeMs);
    }),
  ];
  return htmlTable(
    [
      "operation",
      "count",
      "response p50",
      "response p99",
      "response max",
      "service p50",
      "service p99",
      "service max",
    ],
    rows,
    [false, true, true, true, true, true, true, true],
  );
}
