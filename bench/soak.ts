/**
 * A soak: the default workload with a 20 GB disk budget for 10 minutes, in its own process so
 * its resident memory is the stress tool's alone. Records the duration, operations,
 * backpressure, the tool's resident memory at start, middle and end (and each minute), hyperd's
 * physical, file-mapped and tracked memory at the end, and the size of summary.json. Run by
 * bench/main.ts only with BENCH_SOAK=1, or alone: `deno run -A bench/soak.ts [seconds]`; prints
 * its figures as JSON on the last line.
 */
import { benchRun } from "./bench_run.ts";
import { round } from "./measure.ts";

/** What a soak measured. */
export interface SoakFigures {
  durationSec: number;
  stopReason: string;
  ops: number;
  opsPerSec: number;
  failures: number;
  backpressure: { events: number; seconds: number };
  /** The tool's resident memory in MB, from the first second users ran to the last. */
  toolRssMb: { start: number; middle: number; end: number; perMinute: number[] };
  /** hyperd's memory at its last resource sample, and which figure backpressure watched. */
  hyperdEndMb: { physical: number; fileMappings: number | null; tracked: number | null };
  memorySignal: string | null;
  diskUsedMb: number;
  /** summary.json as written, in KB: per-second data only, so it grows with the duration. */
  summaryKb: number;
}

const mb = (bytes: number) => round(bytes / (1024 * 1024));

/** Runs the soak for `durationSec` seconds in this process and measures it. */
export async function soak(durationSec = 600): Promise<SoakFigures> {
  let start: number | null = null;
  let middle: number | null = null;
  let end = 0;
  const perMinute: number[] = [];
  const summary = await benchRun([
    `--duration=${durationSec}`,
    "--max-disk-mb=20000",
    "--seed=2026",
    "--progress-interval=0",
  ], (view) => {
    // A handful of readings, not a timeline: the soak must not grow the memory it measures.
    const now = mb(Deno.memoryUsage().rss);
    start ??= now;
    if (middle === null && view.elapsedSec >= durationSec / 2) middle = now;
    if (view.elapsedSec >= (perMinute.length + 1) * 60) perMinute.push(now);
    end = now;
  });
  const last = summary.resources[summary.resources.length - 1];
  return {
    durationSec: summary.durationSec,
    stopReason: summary.stopReason,
    ops: summary.totals.ops,
    opsPerSec: summary.totals.opsPerSec,
    failures: summary.totals.failures,
    backpressure: summary.backpressure,
    toolRssMb: { start: start ?? 0, middle: middle ?? end, end, perMinute },
    hyperdEndMb: {
      physical: last?.memoryMb ?? 0,
      fileMappings: last?.fileMappingsMb ?? null,
      tracked: last?.trackedMemoryMb ?? null,
    },
    memorySignal: summary.memory.signal,
    diskUsedMb: summary.disk.usedMb,
    summaryKb: round(new TextEncoder().encode(JSON.stringify(summary, null, 2)).length / 1024),
  };
}

if (import.meta.main) {
  const figures = await soak(Number(Deno.args[0] ?? 600));
  console.log(JSON.stringify(figures));
}
