/** The report's charts of a run: throughput, latency and hyperd resources over time; op mix. */
import { gatedMemory, type MemoryFigures } from "../../hyperd/backpressure.ts";
import { WARNING_KINDS } from "../../hyperd/warnings.ts";
import { OP_KINDS, OP_PROBABILITIES, USER_CLASSES } from "../../workload/op_table.ts";
import { formatNumber } from "../format.ts";
import type { Summary } from "../summary.ts";
import { type BarRow, lineChart, type Panel, type Series, stackedBarChart } from "./svg_chart.ts";
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

/** A resource point's memory figures; a summary from before they were kept has only physical. */
export function memoryFigures(point: Summary["resources"][number]): MemoryFigures {
  return {
    memoryMb: point.memoryMb,
    fileMappingsMb: point.fileMappingsMb ?? null,
    trackedMemoryMb: point.trackedMemoryMb ?? null,
  };
}

/**
 * The memory panels: what backpressure watched (tracked memory, or its stand-in) against the
 * backpressure limit and hyperd's memory_limit, then physical memory and its file mappings.
 */
function memoryPanels(summary: Summary, xMax: number): Panel[] {
  const { resources, config } = summary;
  // Summaries written before the three figures were kept have no signal.
  const memory = summary.memory as Summary["memory"] | undefined;
  const signal = memory?.signal ?? "physical";
  const flat = (name: string, color: string, mb: number): Series => ({
    name,
    color,
    points: [[0, mb], [xMax, mb]],
    dashed: true,
  });
  const watched: Series[] = [
    {
      name: signal,
      color: COLORS[6],
      points: resources.map((r) => [r.atSec, gatedMemory(memoryFigures(r)).mb]),
    },
    flat("backpressure limit", COLORS[2], config.maxMemoryMb),
  ];
  if (memory?.limitMb != null) watched.push(flat("memory_limit", COLORS[4], memory.limitMb));
  return [
    // Axis labels stand beside a short panel: the series name says which stand-in it is.
    { label: signal === "tracked" ? "tracked (MB)" : "memory (MB)", series: watched },
    {
      label: "physical (MB)",
      series: [
        {
          name: "physical",
          color: COLORS[5],
          points: resources.map((r) => [r.atSec, r.memoryMb]),
        },
        {
          name: "file mappings",
          color: COLORS[3],
          points: resources.map((r) => [r.atSec, r.fileMappingsMb ?? null]),
          dashed: true,
        },
      ],
    },
  ];
}

/** Markers closer than this share of the time axis are drawn as one, so labels do not overlap. */
const MARKER_MERGE_SHARE = 0.04;

/** Vertical markers: hyperd's crash and the first of each kind of warning hyperd logged. */
function eventMarkers(summary: Summary, xMax: number): { at: number; label: string }[] {
  const events = Object.entries(summary.serverWarnings ?? {}).map(([kind, w]) => ({
    at: w.firstAtSec,
    label: `hyperd: ${WARNING_KINDS[kind]?.label ?? kind}`,
  }));
  if (summary.crash) events.push({ at: summary.crash.atSec, label: "hyperd crashed" });
  const markers: { at: number; label: string }[] = [];
  for (const event of events.sort((a, b) => a.at - b.at)) {
    const last = markers[markers.length - 1];
    if (last && event.at - last.at <= xMax * MARKER_MERGE_SHARE) {
      last.label += `, ${event.label.replace(/^hyperd: /, "")}`;
    } else markers.push({ ...event });
  }
  return markers;
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
  const markers = eventMarkers(summary, xMax);
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
        ...(resources.length > 0 ? memoryPanels(summary, xMax) : []),
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
