/** The main thread's tally of a run: merged from the workers' ticks and final reports. */
import { Latency, type LatencySummary } from "./latency.ts";
import { OP_KINDS, type OpKind } from "../workload/op_table.ts";
import type { DoneMessage, OpFailure, TickMessage, UserResult } from "../users/worker_protocol.ts";

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

/** Tally of ticks and final reports from every worker. */
export class RunStats {
  readonly errors: OpFailure[] = [];
  readonly users: UserResult[] = [];
  readonly acknowledged: Record<string, number> = {};
  writesRedirected = 0;
  transport = { grpcReads: 0, libpqReads: 0 };
  readonly #live = { ops: 0, failures: 0, insertedRows: 0 };
  readonly #byOp = Object.fromEntries(
    OP_KINDS.map((k) => [k, { count: 0, failures: 0, rows: 0, latency: new Latency() }]),
  ) as Record<OpKind, { count: number; failures: number; rows: number; latency: Latency }>;
  readonly #seconds = new Map<number, Omit<TimelinePoint, "latencyMs"> & { latency: Latency }>();

  /** Adds a worker's interval to the second it arrived in (seconds count from 1). */
  addTick(tick: TickMessage, atSec: number): void {
    const second = Math.max(1, Math.ceil(atSec));
    let point = this.#seconds.get(second);
    if (!point) {
      point = { atSec: second, ops: 0, failures: 0, insertedRows: 0, latency: new Latency() };
      this.#seconds.set(second, point);
    }
    for (const counts of Object.values(tick.byOp)) {
      point.ops += counts.ops;
      point.failures += counts.failures;
      this.#live.ops += counts.ops;
      this.#live.failures += counts.failures;
    }
    point.insertedRows += tick.insertedRows;
    this.#live.insertedRows += tick.insertedRows;
    point.latency.add(new Latency(tick.latency));
    for (const failure of tick.failures) {
      if (this.errors.length < MAX_ERRORS) this.errors.push(failure);
    }
  }

  /** Adds a worker's final report. */
  addDone(done: DoneMessage): void {
    this.users.push(...done.users);
    for (const kind of OP_KINDS) {
      const mine = this.#byOp[kind];
      const theirs = done.byOp[kind];
      mine.count += theirs.ops;
      mine.failures += theirs.failures;
      mine.rows += theirs.rows;
      mine.latency.add(new Latency(theirs.latency));
    }
    for (const [key, rows] of Object.entries(done.acknowledged)) {
      this.acknowledged[key] = (this.acknowledged[key] ?? 0) + rows;
    }
    this.writesRedirected += done.writesRedirected;
    this.transport.grpcReads += done.transport.grpcReads;
    this.transport.libpqReads += done.transport.libpqReads;
  }

  /** Counters so far, from ticks: for progress lines while the run goes on. */
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

  /** Per-kind totals and the overall latency, from the workers' final reports. */
  byOp(): {
    byOp: Record<OpKind, OpTotals>;
    latencyMs: LatencySummary;
    ops: number;
    failures: number;
  } {
    const overall = new Latency();
    let ops = 0;
    let failures = 0;
    const byOp = Object.fromEntries(OP_KINDS.map((kind) => {
      const t = this.#byOp[kind];
      overall.add(t.latency);
      ops += t.count;
      failures += t.failures;
      return [kind, {
        count: t.count,
        failures: t.failures,
        rows: t.rows,
        latencyMs: t.latency.summary(),
      }];
    })) as Record<OpKind, OpTotals>;
    return { byOp, latencyMs: overall.summary(), ops, failures };
  }
}
