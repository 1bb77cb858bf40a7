/**
 * Segments' per-second series on one clock: each segment's seconds count from its own start, so
 * a point at `atSec` of a segment that started `offsetSec` after the earliest one is at
 * `atSec + offsetSec` of the merged run. Pure.
 */
import type { KindSecond, TimelinePoint } from "../stats/run_stats.ts";
import type { LatencySummary } from "../stats/latency.ts";
import type { OpKind } from "../workload/op_table.ts";

/** A segment's series and how many seconds after the earliest segment it started. */
export interface Shifted<T> {
  offsetSec: number;
  points: readonly T[];
}

/** Seconds from `baseMs` to the ISO time `startedAt`. */
export function offsetSec(startedAt: string, baseMs: number): number {
  return (Date.parse(startedAt) - baseMs) / 1000;
}

/**
 * The merged run's second of a segment's second `atSec` (seconds count from 1 and cover the
 * second before them): the merged second its interval overlaps most.
 */
export function mergedSecond(atSec: number, offset: number): number {
  return Math.max(1, Math.round(atSec + offset));
}

/**
 * One timeline from the segments': ops, failures and rows summed per wall-clock second. The
 * percentiles of a second are the highest of the segments' (an upper bound: per-second
 * histograms are not kept), the mean is weighted by operations, max is exact.
 */
export function mergeTimelines(series: readonly Shifted<TimelinePoint>[]): TimelinePoint[] {
  return mergeBySecond(series, mergePoints);
}

/** The points of one second from several segments as one. */
function mergePoints(atSec: number, points: readonly TimelinePoint[]): TimelinePoint {
  const sum = (get: (p: TimelinePoint) => number) => points.reduce((n, p) => n + get(p), 0);
  const ops = sum((p) => p.ops);
  const byOp: Partial<Record<OpKind, KindSecond>> = {};
  for (const point of points) {
    const kinds = Object.entries(point.byOp ?? {}) as [OpKind, KindSecond | undefined][];
    for (const [kind, second] of kinds) {
      if (!second) continue;
      const into = byOp[kind];
      byOp[kind] = into
        ? {
          ops: into.ops + second.ops,
          p50: Math.max(into.p50, second.p50),
          p95: Math.max(into.p95, second.p95),
          p99: Math.max(into.p99, second.p99),
        }
        : { ...second };
    }
  }
  // Fields not merged here (newer per-second figures) are the first segment's.
  return {
    ...points[0],
    atSec,
    ops,
    failures: sum((p) => p.failures),
    insertedRows: sum((p) => p.insertedRows),
    readRows: sum((p) => p.readRows ?? 0),
    latencyMs: upperLatency(points.map((p) => ({ ops: p.ops, latency: p.latencyMs })), ops),
    byOp,
  };
}

/** Highest percentiles and max, mean weighted by operations. */
function upperLatency(
  parts: readonly { ops: number; latency: LatencySummary }[],
  ops: number,
): LatencySummary {
  const highest = (key: keyof LatencySummary) => Math.max(0, ...parts.map((p) => p.latency[key]));
  const weighted = parts.reduce((n, p) => n + p.latency.mean * p.ops, 0);
  return {
    p50: highest("p50"),
    p95: highest("p95"),
    p99: highest("p99"),
    max: highest("max"),
    mean: ops > 0 ? Math.round((weighted / ops) * 1000) / 1000 : 0,
  };
}

/**
 * Per-second looks of several segments as one series: `combine` merges the looks that fall in
 * one wall-clock second.
 */
export function mergeBySecond<T extends { atSec: number }>(
  series: readonly Shifted<T>[],
  combine: (atSec: number, points: T[]) => T,
): T[] {
  const seconds = new Map<number, T[]>();
  for (const { offsetSec: offset, points } of series) {
    for (const point of points) {
      const second = mergedSecond(point.atSec, offset);
      seconds.set(second, [...(seconds.get(second) ?? []), point]);
    }
  }
  return [...seconds.entries()].sort(([a], [b]) => a - b).map(([atSec, points]) =>
    combine(atSec, points)
  );
}

/** `atSec`-like fields moved by `offset` seconds, to the ms. */
export function shiftSec(sec: number, offset: number): number {
  return Math.round((sec + offset) * 1000) / 1000;
}
