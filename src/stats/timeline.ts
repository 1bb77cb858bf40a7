/**
 * The run's timeline: one point per second (counted from 1) with its counts and latency, the
 * per-kind histograms of the newest seconds until they become percentiles.
 */
import { OP_KINDS, type OpKind } from "../workload/op_table.ts";
import { Latency, type LatencySummary } from "./latency.ts";

/**
 * Seconds behind the newest tick that a second's per-kind histograms are kept before they become
 * percentiles: ticks arrive up to a second late, and a run-long set of histograms per kind and
 * second would grow the tool as the per-second ones once did.
 */
const OPEN_SECONDS = 3;

/** One operation kind in one second: its operations and latency percentiles in ms. */
export interface KindSecond {
  ops: number;
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

/** A second being tallied: histograms where the timeline shows percentiles. */
export type Second =
  & Required<Omit<TimelinePoint, "latencyMs" | LoadFields>>
  & Pick<
    TimelinePoint,
    Exclude<LoadFields, "serviceMs">
  >
  & {
    latency: Latency;
    /** Open model: the service time's histogram. */
    service: Latency | null;
    /** Per-kind histograms while the second is open; null once they are percentiles in `byOp`. */
    kinds: Partial<Record<OpKind, Latency>> | null;
  };

/** The seconds of a run, each created by the first tick, arrival or target that falls in it. */
export class Timeline {
  /** Seconds from the start that are the warm-up. */
  readonly #warmupSec: number;
  readonly #seconds = new Map<number, Second>();
  /** Seconds up to this one have their per-kind latency as percentiles. */
  #closedThrough = 0;

  constructor(warmupSec: number) {
    this.#warmupSec = warmupSec;
  }

  /** The point of the second `atSec` falls in (seconds count from 1), created on first use. */
  pointAt(atSec: number): Second {
    const second = Math.max(1, Math.ceil(atSec));
    let point = this.#seconds.get(second);
    if (!point) {
      const latency = new Latency(undefined, { compact: true });
      point = {
        atSec: second,
        ops: 0,
        failures: 0,
        insertedRows: 0,
        readRows: 0,
        latency,
        service: null,
        // A second that was closed before its first tick (a late one) keeps no per-kind latency.
        kinds: second > this.#closedThrough ? {} : null,
        byOp: {},
        ...(second <= this.#warmupSec ? { warmup: true as const } : {}),
      };
      this.#seconds.set(second, point);
    }
    return point;
  }

  /** The per-kind histogram of `point` for `kind`, or null once the second is closed. */
  kindLatency(point: Second, kind: OpKind): Latency | null {
    if (!point.kinds) return null;
    return point.kinds[kind] ??= new Latency(undefined, { compact: true });
  }

  /** Turns per-kind histograms into percentiles up to OPEN_SECONDS behind `newestSec`. */
  closeBehind(newestSec: number): void {
    for (; this.#closedThrough < newestSec - OPEN_SECONDS; this.#closedThrough++) {
      const point = this.#seconds.get(this.#closedThrough + 1);
      if (!point?.kinds) continue;
      point.byOp = kindSeconds(point.kinds);
      point.kinds = null;
    }
  }

  /** Ops, failures, inserted rows and latency over the seconds after `fromSec`. */
  since(fromSec: number): Omit<TimelinePoint, "atSec"> {
    const latency = new Latency();
    const sum = { ops: 0, failures: 0, insertedRows: 0 };
    for (const point of this.#seconds.values()) {
      if (point.atSec <= fromSec) continue;
      sum.ops += point.ops;
      sum.failures += point.failures;
      sum.insertedRows += point.insertedRows;
      latency.add(point.latency);
    }
    return { ...sum, latencyMs: latency.summary() };
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
    const latencyMs = new Latency().summary();
    return { atSec, ops: 0, failures: 0, insertedRows: 0, readRows: 0, latencyMs, byOp: {} };
  }
}

/** A second as the timeline shows it. */
function timelinePoint({ latency, service, kinds, byOp, ...point }: Second): TimelinePoint {
  return {
    ...point,
    latencyMs: latency.summary(),
    byOp: kinds ? kindSeconds(kinds) : byOp,
    ...(service ? { serviceMs: service.summary() } : {}),
  };
}

/** Per-kind ops and percentiles from per-kind histograms. */
function kindSeconds(kinds: Partial<Record<OpKind, Latency>>): Partial<Record<OpKind, KindSecond>> {
  const out: Partial<Record<OpKind, KindSecond>> = {};
  for (const kind of OP_KINDS) {
    const latency = kinds[kind];
    if (!latency || latency.count === 0) continue;
    const { p50, p95, p99 } = latency.summary();
    out[kind] = { ops: latency.count, p50, p95, p99 };
  }
  return out;
}
