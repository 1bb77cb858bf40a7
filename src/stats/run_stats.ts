/**
 * The main thread's tally of a run, built from the workers' per-second ticks alone: whatever a
 * worker reported is kept, even when it never sends a final report.
 */
import { OP_KINDS, type OpKind } from "../workload/op_table.ts";
import { Latency, type LatencySummary } from "./latency.ts";
import {
  type InFlightOp,
  type IntervalTally,
  type OpFailure,
  type ScheduleEntry,
  SlowestOps,
  type SlowOp,
} from "./op_stats.ts";

/** Errors the summary keeps. */
export const MAX_ERRORS = 100;

/** One second (or bucket) of the run. */
export interface TimelinePoint {
  atSec: number;
  ops: number;
  failures: number;
  insertedRows: number;
  latencyMs: LatencySummary;
}

/** Per operation kind, over the whole run. */
export interface OpTotals {
  count: number;
  failures: number;
  rows: number;
  latencyMs: LatencySummary;
}

type Second = Omit<TimelinePoint, "latencyMs"> & { latency: Latency };

/** Tally of every tick from every worker. */
export class RunStats {
  /** Receives every finished operation of each tick (schedule.jsonl); the tally keeps none. */
  readonly #onSchedule: (entries: ScheduleEntry[]) => void;
  readonly errors: OpFailure[] = [];
  readonly acknowledged: Record<string, number> = {};
  writesRedirected = 0;
  readonly transport = { grpcReads: 0, libpqReads: 0 };
  readonly #live = { ops: 0, failures: 0, insertedRows: 0 };
  readonly #byOp = Object.fromEntries(
    OP_KINDS.map((k) => [k, { count: 0, failures: 0, rows: 0, latency: new Latency() }]),
  ) as Record<OpKind, { count: number; failures: number; rows: number; latency: Latency }>;
  readonly #seconds = new Map<number, Second>();
  readonly #users = new Map<number, { ops: number; failures: number }>();
  readonly #inFlight = new Map<number, InFlightOp[]>();
  readonly #slowest = new SlowestOps();
  #lastCompletionSec = 0;

  constructor({ onSchedule = () => {} }: { onSchedule?: (entries: ScheduleEntry[]) => void } = {}) {
    this.#onSchedule = onSchedule;
  }

  /** Adds worker `workerId`'s interval to the second it arrived in (seconds count from 1). */
  addTick(tally: IntervalTally, atSec: number, workerId = 0): void {
    if (tally.schedule.length > 0) this.#onSchedule(tally.schedule);
    const point = this.#pointAt(atSec);
    let inserted = 0;
    for (const rows of Object.values(tally.acknowledged)) inserted += rows;
    for (const [key, rows] of Object.entries(tally.acknowledged)) {
      this.acknowledged[key] = (this.acknowledged[key] ?? 0) + rows;
    }
    for (const kind of OP_KINDS) {
      const counts = tally.byOp[kind];
      if (counts.ops === 0) continue;
      const latency = new Latency(counts.latency);
      const total = this.#byOp[kind];
      total.count += counts.ops;
      total.failures += counts.failures;
      total.rows += counts.rows;
      total.latency.add(latency);
      point.ops += counts.ops;
      point.failures += counts.failures;
      point.latency.add(latency);
      this.#live.ops += counts.ops;
      this.#live.failures += counts.failures;
    }
    if (point.ops > 0) this.#lastCompletionSec = Math.max(this.#lastCompletionSec, atSec);
    this.#inFlight.set(workerId, tally.inFlight);
    for (const [user, counts] of Object.entries(tally.users)) {
      const mine = this.#users.get(Number(user)) ?? { ops: 0, failures: 0 };
      mine.ops += counts.ops;
      mine.failures += counts.failures;
      this.#users.set(Number(user), mine);
    }
    point.insertedRows += inserted;
    this.#live.insertedRows += inserted;
    this.writesRedirected += tally.writesRedirected;
    this.transport.grpcReads += tally.transport.grpcReads;
    this.transport.libpqReads += tally.transport.libpqReads;
    for (const failure of tally.failures) {
      if (this.errors.length < MAX_ERRORS) this.errors.push(failure);
    }
    for (const op of tally.slowest) this.#slowest.offer(op);
  }

  /** The run's slowest operations so far, slowest first. */
  slowest(): SlowOp[] {
    return this.#slowest.list();
  }

  /** When a tick last brought a completed operation, in run seconds (0 before the first). */
  get lastCompletionSec(): number {
    return this.#lastCompletionSec;
  }

  /** The operations in flight at each worker's last tick. */
  inFlight(): InFlightOp[] {
    return [...this.#inFlight.values()].flat();
  }

  /** Operations and failures of `user` from the ticks so far. */
  userCounts(user: number): { ops: number; failures: number } {
    return { ...(this.#users.get(user) ?? { ops: 0, failures: 0 }) };
  }

  /**
   * Records the operations in flight as failures that took until `atSec` (a stall: they never
   * finished), once each.
   */
  failInFlight(message: (op: InFlightOp) => string, atSec: number): void {
    const point = this.#pointAt(atSec);
    for (const op of this.inFlight()) {
      const ms = Math.max(0, atSec - op.startedAtSec) * 1000;
      const total = this.#byOp[op.kind];
      total.count++;
      total.failures++;
      total.latency.record(ms);
      this.#live.ops++;
      this.#live.failures++;
      point.ops++;
      point.failures++;
      point.latency.record(ms);
      const user = this.#users.get(op.user) ?? { ops: 0, failures: 0 };
      user.ops++;
      user.failures++;
      this.#users.set(op.user, user);
      if (this.errors.length < MAX_ERRORS) {
        this.errors.push({ atSec, user: op.user, op: op.kind, message: message(op) });
      }
      this.#slowest.offer({ ...op, durationMs: ms, outcome: "stalled" });
    }
    this.#inFlight.clear();
  }

  /** The timeline point of the second `atSec` falls in (seconds count from 1). */
  #pointAt(atSec: number): Second {
    const second = Math.max(1, Math.ceil(atSec));
    let point = this.#seconds.get(second);
    if (!point) {
      const latency = new Latency(undefined, { compact: true });
      point = { atSec: second, ops: 0, failures: 0, insertedRows: 0, latency };
      this.#seconds.set(second, point);
    }
    return point;
  }

  /** Counters so far: for progress lines while the run goes on. */
  live(): { ops: number; failures: number; insertedRows: number } {
    return { ...this.#live };
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

  /** Ops, failures, inserted rows and latency per second, in time order. */
  timeline(): TimelinePoint[] {
    return [...this.#seconds.values()]
      .sort((a, b) => a.atSec - b.atSec)
      .map(({ latency, ...point }) => ({ ...point, latencyMs: latency.summary() }));
  }

  /** Per-kind totals and the overall latency. */
  byOp(): { byOp: Record<OpKind, OpTotals>; latencyMs: LatencySummary } {
    const overall = new Latency();
    const byOp = Object.fromEntries(OP_KINDS.map((kind) => {
      const t = this.#byOp[kind];
      overall.add(t.latency);
      return [kind, {
        count: t.count,
        failures: t.failures,
        rows: t.rows,
        latencyMs: t.latency.summary(),
      }];
    })) as Record<OpKind, OpTotals>;
    return { byOp, latencyMs: overall.summary() };
  }
}
