/** The report's charts of a run over time: throughput, latency and hyperd resources. */
import { gatedMemory, type MemoryFigures } from "../../hyperd/backpressure.ts";
import { warningMeaning } from "../../hyperd/warnings.ts";
import { OP_KINDS } from "../../workload/op_table.ts";
import { formatNumber } from "../format.ts";
import type { Summary } from "../summary.ts";
import { warningCores } from "../warning_groups.ts";
import { lineChart, type Panel, type Series } from "./svg_chart.ts";
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

/**
 * Time ranges in which hyperd's resource samples reported backpressure, merged. A sample's band
 * ends at the next sample, or at the stale bound when that comes first: the gate let go then.
 */
export function backpressureBands(
  resources: Summary["resources"],
  staleAfterSec = Infinity,
): [number, number][] {
  const step = bucketSeconds(resources.map((r) => r.atSec));
  const bands: [number, number][] = [];
  resources.forEach((r, i) => {
    if (!r.backpressure) return;
    const end = Math.min(resources[i + 1]?.atSec ?? r.atSec + step, r.atSec + staleAfterSec);
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
    reference: `${formatNumber(mb)} MB`,
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

/**
 * Vertical markers: hyperd's crash and the first of each kind of warning hyperd logged that
 * points at trouble on the run's machine (one expected there, as too few network threads on 2
 * cores, is left to the warnings card).
 */
function eventMarkers(summary: Summary, xMax: number): { at: number; label: string }[] {
  const cores = warningCores(summary);
  const events = Object.entries(summary.serverWarnings ?? {})
    .map(([kind, w]) => ({ at: w.firstAtSec, meaning: warningMeaning(kind, cores) }))
    .filter(({ meaning }) => meaning.trouble)
    .map(({ at, meaning }) => ({ at, label: `hyperd: ${meaning.label}` }));
  if (summary.crash) events.push({ at: summary.crash.atSec, label: "hyperd crashed" });
  // Everything before it is in no statistic; older summaries have no warm-up.
  if (summary.warmup) events.push({ at: summary.warmup.sec, label: "warm-up ends" });
  // --verify-every: users paused while the tables were checked.
  for (const c of summary.integrity?.checkpoints ?? []) {
    const found = c.skipped ? "skipped" : c.mismatches > 0 ? `${c.mismatches} mismatches` : "ok";
    events.push({ at: c.atSec, label: `checkpoint ${c.pauseSec.toFixed(1)} s, ${found}` });
  }
  const markers: { at: number; label: string }[] = [];
  for (const event of events.sort((a, b) => a.at - b.at)) {
    const last = markers[markers.length - 1];
    if (last && event.at - last.at <= xMax * MARKER_MERGE_SHARE) {
      last.label += `, ${event.label.replace(/^hyperd: /, "")}`;
    } else markers.push({ ...event });
  }
  return markers;
}

/** The report's charts over time, and the latency distribution. */
export interface TimeCharts {
  throughput: string;
  latency: string;
  /** Latency per operation kind over time, one chart per percentile (the page switches). */
  latencyByKind: Record<"p50" | "p95" | "p99", string>;
  distribution: string;
  resources: string;
  client: string;
}

/**
 * Where the time axis ends: when the run stopped. A timeline point stands for the second that
 * ends at its atSec, so the point after the stop (the last, partial second and the operations
 * that finished while users stopped) lies past the axis and is not drawn as a dip.
 */
function timeAxisEnd(summary: Summary): number {
  if (summary.durationSec > 0) return summary.durationSec;
  const { timeline, resources } = summary;
  return Math.max(
    timeline[timeline.length - 1]?.atSec ?? 0,
    resources[resources.length - 1]?.atSec ?? 0,
  );
}

/** Time ranges in which the watch found hyperstress saturated, merged. */
function saturatedBands(watch: Summary["watch"]): [number, number][] {
  const bands: [number, number][] = [];
  watch.forEach((w, i) => {
    if (!w.clientSaturated) return;
    const from = watch[i - 1]?.atSec ?? Math.max(0, w.atSec - 1);
    const last = bands[bands.length - 1];
    if (last && last[1] >= from) last[1] = w.atSec;
    else bands.push([from, w.atSec]);
  });
  return bands;
}

/** The x position of percentile `p` on a spectrum: 90% at 1, 99% at 2, 99.9% at 3; max last. */
function nines(p: number, maxAt: number): number {
  return p >= 100 ? maxAt : -Math.log10(1 - p / 100);
}

/** Throughput, latency, latency per kind and distribution, hyperd resources, disk and client CPU. */
export function timeCharts(summary: Summary): TimeCharts {
  const { timeline, resources } = summary;
  // Summaries written before these were kept have none.
  const watch = summary.watch ?? [];
  const xMax = timeAxisEnd(summary);
  const bucket = bucketSeconds(timeline.map((p) => p.atSec));
  const bands = backpressureBands(resources, summary.sight?.staleAfterSec);
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
  const ran = OP_KINDS.filter((k) => summary.byOp[k]?.count > 0);
  const byKind = (key: "p50" | "p95" | "p99") =>
    lineChart({
      ...common,
      id: `chart-latency-kind-${key}`,
      title: `Latency per operation kind over time: ${key} per second (ms, log scale)`,
      panels: [{
        label: `${key} latency (ms, log)`,
        log: true,
        // A kind absent from a second is skipped, not a break: rare kinds would be dots.
        series: ran.map((kind) => ({
          name: kind,
          color: OP_COLORS[kind],
          points: timeline.flatMap((p): [number, number][] => {
            const value = p.byOp?.[kind]?.[key];
            return value === undefined ? [] : [[p.atSec, value]];
          }),
        })),
      }],
    });

  return {
    throughput: lineChart({
      ...common,
      id: "chart-throughput",
      title: "Throughput over time: operations, inserted rows and read rows per second",
      panels: [
        {
          label: "operations / s",
          series: [
            line("ops/s", COLORS[0], (p) => p.ops / bucket),
            line("failed ops/s", COLORS[2], (p) => p.failures / bucket),
          ],
        },
        {
          label: "inserted rows / s",
          series: [line("inserted rows/s", COLORS[4], (p) => p.insertedRows / bucket)],
        },
        {
          label: "read rows / s",
          series: [
            line(
              "read rows/s",
              COLORS[3],
              (p) => p.readRows === undefined ? null : p.readRows / bucket,
            ),
          ],
        },
      ],
    }),
    latency: lineChart({
      ...common,
      id: "chart-latency",
      title: "Latency percentiles per second, all operations (ms)",
      panels: [{
        label: "latency (ms)",
        series: [
          line("p50", COLORS[0], latency("p50")),
          line("p95", COLORS[1], latency("p95")),
          line("p99", COLORS[2], latency("p99")),
        ],
      }],
    }),
    latencyByKind: { p50: byKind("p50"), p95: byKind("p95"), p99: byKind("p99") },
    distribution: distributionChart(summary),
    resources: lineChart({
      ...common,
      id: "chart-resources",
      title: "hyperd memory, CPU and load over time, backpressure shaded",
      panels: [
        ...(resources.length > 0 ? memoryPanels(summary, xMax) : []),
        {
          label: "CPU (%)",
          scaleTop: 100,
          series: [resource("process CPU %", COLORS[1], (r) => r.processCpuPercent)],
        },
        {
          label: "load",
          scaleTop: 1,
          series: [
            resource("overall load", COLORS[0], (r) => r.overallLoad),
            resource("scheduler load", COLORS[3], (r) => r.schedulerLoad),
          ],
        },
      ],
    }),
    client: lineChart({
      ...common,
      id: "chart-client",
      title: "Disk use against the budget, and hyperstress's own CPU, over time",
      bands: saturatedBands(watch),
      bandLabel: "hyperstress saturated",
      panels: [
        {
          label: "disk (MB)",
          series: [
            {
              name: "databases on disk",
              color: COLORS[0],
              points: watch.map((w): [number, number] => [w.atSec, w.diskMb]),
            },
            {
              name: "disk budget",
              color: COLORS[2],
              points: watch.length > 0
                ? [[0, summary.disk.budgetMb], [xMax, summary.disk.budgetMb]]
                : [],
              dashed: true,
              reference: `${formatNumber(summary.disk.budgetMb)} MB`,
            },
          ],
        },
        {
          label: "CPU (% of cores)",
          scaleTop: 100,
          series: [{
            name: "hyperstress CPU",
            color: COLORS[1],
            points: watch.map((w): [number, number] => [w.atSec, w.clientCpuPercent]),
          }],
        },
      ],
    }),
  };
}

/**
 * The latency distribution as a percentile spectrum: the latency below which each share of the
 * operations finished, per kind and for all, on log axes that spread out the tail.
 */
function distributionChart(summary: Summary): string {
  // Summaries written before the spectrum was kept have none.
  const spectrum = summary.latencySpectrum ?? { percentiles: [], allMs: [], byOpMs: {} };
  const { percentiles } = spectrum;
  const maxAt = Math.ceil(nines(percentiles.findLast((p) => p < 100) ?? 99, 0)) + 1;
  const points = (values: number[]) =>
    values.map((v, i): [number, number] => [nines(percentiles[i], maxAt), v]);
  const labelled = [50, 90, 99, 99.9, 99.99].filter((p) => percentiles.includes(p));
  return lineChart({
    id: "chart-distribution",
    title: "Latency distribution: the latency below which each share of operations finished (ms)",
    xMax: maxAt,
    xAxis: {
      label: "share of operations at or below (percentile)",
      min: 0,
      ticks: [
        { at: 0, label: "min" },
        ...labelled.map((p) => ({ at: nines(p, maxAt), label: `${formatNumber(p, 2)}%` })),
        { at: maxAt, label: "max" },
      ],
    },
    bands: [],
    bandLabel: "",
    markers: [],
    panels: [{
      label: "latency (ms, log)",
      log: true,
      series: [
        ...OP_KINDS.flatMap((kind) => {
          const values = spectrum.byOpMs[kind];
          return values && values.length > 0
            ? [{ name: kind, color: OP_COLORS[kind], points: points(values) }]
            : [];
        }),
        ...(spectrum.allMs.length > 0
          ? [{
            name: "all operations",
            color: "#1f2933",
            points: points(spectrum.allMs),
            dashed: true,
          }]
          : []),
      ],
    }],
  });
}
