/** The report's charts of a run: throughput, latency and hyperd resources over time; op mix. */
import { OP_KINDS, OP_PROBABILITIES, USER_CLASSES } from "../../workload/op_table.ts";
import { formatNumber } from "../format.ts";
import type { Summary } from "../summary.ts";
import { type BarRow, lineChart, stackedBarChart } from "./svg_chart.ts";
import { COLORS, OP_COLORS } from "./style.ts";

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

/** Throughput, latency and hyperd resources over time, in that order, backpressure shaded. */
export function timeCharts(summary: Summary): [string, string, string] {
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
export function opMixChart(summary: Summary): string {
  const opsByClass = Object.fromEntries(USER_CLASSES.map((c) => [c, { users: 0, ops: 0 }]));
  for (const user of summary.users) {
    opsByClass[user.class].users++;
    opsByClass[user.class].ops += user.ops;
  }
  const rows: BarRow[] = USER_CLASSES.map((c) => ({
    label: `${c} (configured)`,
    note: `${formatNumber(opsByClass[c].users)} users, ${formatNumber(opsByClass[c].ops)} ops`,
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
      note: `${formatNumber(summary.totals.ops)} ops by kind`,
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
