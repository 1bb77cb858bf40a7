/**
 * A worker's running tally of one interval: per operation kind, acknowledged inserts, failures.
 * Each tick hands the interval to the main thread and starts a new one, so nothing a worker
 * measured is lost if it never reports again.
 */
import { OP_KINDS, type OpKind } from "../workload/op_table.ts";
import { Latency } from "./latency.ts";

/** Failures kept per interval; the main thread keeps the first 100 of the run. */
const FAILURES_PER_TICK = 100;

/** Counts of one operation kind. */
export interface OpCounts {
  ops: number;
  failures: number;
  rows: number;
}

/** A failed operation: data, not an exception. */
export interface OpFailure {
  atSec: number;
  user: number;
  op: OpKind;
  message: string;
}

/** An operation a user has sent and not yet seen the end of. */
export interface InFlightOp {
  user: number;
  seq: number;
  kind: OpKind;
  table: string;
  rows: number;
  startedAtSec: number;
  /** The statement text; a COPY's names its row count. */
  sql: string;
}

/** What a worker's users did in one interval; latencies are encoded HDR histograms. */
export interface IntervalTally {
  byOp: Record<OpKind, OpCounts & { latency: string }>;
  /** Operations and failures per user id. */
  users: Record<number, { ops: number; failures: number }>;
  /** What each user of the worker is doing at the tick. */
  inFlight: InFlightOp[];
  /** Rows the server acknowledged, per `database/table`. */
  acknowledged: Record<string, number>;
  writesRedirected: number;
  transport: { grpcReads: number; libpqReads: number };
  failures: OpFailure[];
}

type KindTally = OpCounts & { latency: Latency };

/** Everything the users of one worker record, until the next tick. */
export class OpStats {
  readonly #byOp = Object.fromEntries(
    OP_KINDS.map((k) => [k, { ops: 0, failures: 0, rows: 0, latency: new Latency() }]),
  ) as Record<OpKind, KindTally>;
  #acknowledged: Record<string, number> = {};
  #failures: OpFailure[] = [];
  #users: Record<number, { ops: number; failures: number }> = {};
  readonly #inFlight = new Map<number, InFlightOp>();
  writesRedirected = 0;
  grpcReads = 0;
  libpqReads = 0;

  /** Notes that `op` was sent; it stays in flight until recorded as a success or failure. */
  begin(op: InFlightOp): void {
    this.#inFlight.set(op.user, op);
  }

  /** Records a finished operation of `user`. */
  recordSuccess(user: number, kind: OpKind, ms: number, rows: number): void {
    this.#finish(user, false);
    const tally = this.#byOp[kind];
    tally.ops++;
    tally.rows += rows;
    tally.latency.record(ms);
  }

  /** Records a failed operation with the server's message. */
  recordFailure(kind: OpKind, ms: number, failure: OpFailure): void {
    this.#finish(failure.user, true);
    const tally = this.#byOp[kind];
    tally.ops++;
    tally.failures++;
    tally.latency.record(ms);
    if (this.#failures.length < FAILURES_PER_TICK) this.#failures.push(failure);
  }

  /** Counts rows the server acknowledged inserting into `table` of `database`. */
  recordInsert(database: number, table: string, rows: number): void {
    const key = `${database}/${table}`;
    this.#acknowledged[key] = (this.#acknowledged[key] ?? 0) + rows;
  }

  #finish(user: number, failed: boolean): void {
    this.#inFlight.delete(user);
    const counts = this.#users[user] ??= { ops: 0, failures: 0 };
    counts.ops++;
    if (failed) counts.failures++;
  }

  /** The interval since the last tick; starts a new interval. */
  tick(): IntervalTally {
    const byOp = Object.fromEntries(OP_KINDS.map((k) => {
      const { latency, ...counts } = this.#byOp[k];
      const encoded = latency.encode();
      this.#byOp[k] = { ops: 0, failures: 0, rows: 0, latency };
      latency.reset();
      return [k, { ...counts, latency: encoded }];
    })) as IntervalTally["byOp"];
    const tally: IntervalTally = {
      byOp,
      users: this.#users,
      inFlight: [...this.#inFlight.values()],
      acknowledged: this.#acknowledged,
      writesRedirected: this.writesRedirected,
      transport: { grpcReads: this.grpcReads, libpqReads: this.libpqReads },
      failures: this.#failures,
    };
    this.#acknowledged = {};
    this.#failures = [];
    this.#users = {};
    this.writesRedirected = 0;
    this.grpcReads = 0;
    this.libpqReads = 0;
    return tally;
  }
}
