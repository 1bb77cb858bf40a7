/**
 * The run's timeline: one point per second (counted from 1) with its counts and latency. The
 * newest seconds keep each operation's latency until they close into exact percentiles.
 */
import { OP_KINDS, type OpKind } from "../workload/op_table.ts";
import { Latency, type LatencySummary } from "./latency.ts";

/**
 * Seconds behind the newest tick that a second's latencies are kept before they become
 * percentiles: ticks arrive up to a second late, and keeping them all would grow the tool.
 */
const OPEN_SECONDS = 3;

/** One operation kind in one second: its operations and latency percentiles in ms. */
export interface KindSecond {
  ops: number;
  /** Of `ops`, those aborted by a conflict (40001); absent when none was. */
  aborted?: number;
  p50: number;
  p95: number;
  p99: number;
}

/** One second (or bucket) of the run. */
export interface TimelinePoint {
  atSec: number;
  ops: number;
  failures: number;
  insertedRows: number;
  /** Rows the read queries returned; absent in summaries written before it was kept. */
  readRows?: number;
  latencyMs: LatencySummary;
  /** Each kind that ran in the second; absent in summaries written before it was kept. */
  byOp?: Partial<Record<OpKind, KindSecond>>;
  /** The second is part of the warm-up: its operations are in no total, rate or threshold. */
  warmup?: true;
  /** Open model: the service time (from the send); `latencyMs` is the response time. */
  serviceMs?: LatencySummary;
  /** Open model: arrivals due in the second, how many of them dropped, the longest queue. */
  arrivals?: number;
  dropped?: number;
  queue?: number;
  /** The planned load at the second: arrivals per second (open) or active users (closed). */
  target?: number;
}

/** The fields of a second only a shaped load (open model, stages, warm-up) has. */
type LoadFields = "warmup" | "serviceMs" | "arrivals" | "dropped" | "queue" | "target";

/** The latencies of an open second, in ms, as the workers sent them. */
interface OpenLatencies {
  all: number[];
  /** Open model: the service times (from the send). */
  service: number[];
  byOp: Partial<Record<OpKind, number[]>>;
  /** Operations of each kind aborted by a conflict (40001). */
  aborted: Partial<Record<OpKind, number>>;
}

/** A second being tallied: its latencies stay values until it closes into percentiles. */
export type Second =
  & Required<Omit<TimelinePoint, LoadFields>>
  & Pick<TimelinePoint, LoadFields>
  & {
    /** Null once the second is closed and its latencies are percentiles. */
    open: OpenLatencies | null;
  };

/** The seconds of a run, each created by the first tick, arrival or target that falls in it. */
export class Timeline {
  /** Seconds from the start that are the warm-up. */
  readonly #warmupSec: number;
  readonly #seconds = new Map<number, Second>();
  /** Seconds up to this one are closed: their latencies are percentiles. */
  #closedThrough = 0;
  /** Every latency since the last `takeInterval()`, for the progress line. */
  readonly #sinceLast = new Latency();

  constructor(warmupSec: number) {
    this.#warmupSec = warmupSec;
  }

  /** The point of the second `atSec` falls in (seconds count from 1), created on first use. */
  pointAt(atSec: number): Second {
    const second = Math.max(1, Math.ceil(atSec));
    let point = this.#seconds.get(second);
    if (!point) {
      point = {
        atSec: second,
        ops: 0,
        failures: 0,
        insertedRows: 0,
        readRows: 0,
        latencyMs: NO_LATENCY,
        // A second that was closed before its first tick (a late one) keeps no latency.
        open: second > this.#closedThrough ? { all: [], service: [], byOp: {}, aborted: {} } : null,
        byOp: {},
        ...(second <= this.#warmupSec ? { warmup: true as const } : {}),
      };
      this.#seconds.set(second, point);
    }
    return point;
  }

  /**
   * Adds operations of `kind` that completed in `point`'s second: their latencies in ms, in the
   * open model their service times, and how many of them a conflict aborted.
   */
  record(
    point: Second,
    kind: OpKind,
    latencyMs: readonly number[],
    serviceMs?: readonly number[],
    aborted = 0,
  ): void {
    this.#sinceLast.recordAll(latencyMs);
    const open = point.open;
    if (!open) return;
    append(open.all, latencyMs);
    append(open.byOp[kind] ??= [], latencyMs);
    if (serviceMs) append(open.service, serviceMs);
    if (aborted > 0) open.aborted[kind] = (open.aborted[kind] ?? 0) + aborted;
  }

  /** Turns the latencies of seconds up to OPEN_SECONDS behind `newestSec` into percentiles. */
  closeBehind(newestSec: number): void {
    for (; this.#closedThrough < newestSec - OPEN_SECONDS; this.#closedThrough++) {
      const point = this.#seconds.get(this.#closedThrough + 1);
      if (!point?.open) continue;
      Object.assign(point, closedLatencies(point.open));
      point.open = null;
    }
  }

  /**
   * Ops, failures and inserted rows over the seconds after `fromSec`, and the latency of the
   * operations tallied since the last call, which starts a new interval: a progress line takes
   * one per line. (Seconds close into percentiles, which do not add up over seconds.)
   */
  takeInterval(fromSec: number): Omit<TimelinePoint, "atSec"> {
    const sum = { ops: 0, failures: 0, insertedRows: 0 };
    for (const point of this.#seconds.values()) {
      if (point.atSec <= fromSec) continue;
      sum.ops += point.ops;
      sum.failures += point.failures;
      sum.insertedRows += point.insertedRows;
    }
    const latencyMs = this.#sinceLast.summary();
    this.#sinceLast.reset();
    return { ...sum, latencyMs };
  }

  /** Ops, failures, rows and latency per second (and per kind), in time order. */
  points(): TimelinePoint[] {
    return [...this.#seconds.values()]
      .sort((a, b) => a.atSec - b.atSec)
      .map(timelinePoint);
  }

  /** The timeline point of second `atSec` (counted from 1): zeros when no tick came in it. */
  second(atSec: number): TimelinePoint {
    const point = this.#seconds.get(atSec);
    if (point) return timelinePoint(point);
    return {
      atSec,
      ops: 0,
      failures: 0,
      insertedRows: 0,
      readRows: 0,
      latencyMs: NO_LATENCY,
      byOp: {},
    };
  }
}

/** Pushes one by one: a spread of a busy worker's second could pass the engine's argument limit. */
function append(to: number[], values: readonly number[]): void {
  for (const value of values) to.push(value);
}

const NO_LATENCY: LatencySummary = { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };

/** A second as the timeline shows it: an open one's percentiles from its values so far. */
function timelinePoint({ open, ...point }: Second): TimelinePoint {
  return open ? { ...point, ...closedLatencies(open) } : point;
}

/** An open second's latencies as percentiles: the second's, its service time's, each kind's. */
function closedLatencies(
  open: OpenLatencies,
): Pick<TimelinePoint, "latencyMs" | "serviceMs" | "byOp"> {
  const byOp: Partial<Record<OpKind, KindSecond>> = {};
  for (const kind of OP_KINDS) {
    const values = open.byOp[kind];
    if (!values || values.length === 0) continue;
    const { p50, p95, p99 } = percentiles(values);
    const aborted = open.aborted[kind];
    byOp[kind] = { ops: values.length, ...(aborted ? { aborted } : {}), p50, p95, p99 };
  }
  return {
    latencyMs: percentiles(open.all),
    byOp,
    ...(open.service.length > 0 ? { serviceMs: percentiles(open.service) } : {}),
  };
}

/**
 * Exact percentiles of a second's latencies, rounded to µs: the value at rank ceil(p% of n), as
 * HdrHistogram ranks them. Zeros when there are none.
 */
export function percentiles(values: readonly number[]): LatencySummary {
  if (values.length === 0) return NO_LATENCY;
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  const us = (ms: number) => Math.round(ms * 1000) / 1000;
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    p50: us(at(50)),
    p95: us(at(95)),
    p99: us(at(99)),
    max: us(sorted[sorted.length - 1]),
    mean: us(sum / sorted.length),
  };
}
