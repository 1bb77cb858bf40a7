/**
 * What a worker records of one operation: its counts, a failure, an acknowledged or in-doubt
 * write, the operation in flight, and the slowest finished ones kept.
 */
import type { OpKind } from "../workload/op_table.ts";
import type { WriteRecord } from "../workload/writes.ts";
import type { Leg } from "../workload/ledger.ts";

/** Slowest operations a worker and the run keep. */
export const SLOWEST_KEPT = 20;

/** Counts of one operation kind. */
export interface OpCounts {
  ops: number;
  failures: number;
  /** Expected aborts (40001 conflicts): in `ops`, never in `failures`. */
  aborted: number;
  rows: number;
}

/** A failed operation: data, not an exception. */
export interface OpFailure {
  atSec: number;
  user: number;
  op: OpKind;
  message: string;
}

/** An insert into table `key` (`database/table`) as the model regenerates it. */
export interface KeyedWrite extends WriteRecord {
  key: string;
}

/** An insert whose outcome is unknown: its connection broke, or it never ended. */
export interface InDoubtRecord extends KeyedWrite {
  user: number;
  seq: number;
  why: string;
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
  /** Open model: when its arrival was due (it may have waited for a free user since). */
  arrivedAtSec?: number;
  /** An insert: what it writes, should its outcome be in doubt. */
  write?: KeyedWrite;
  /** A transfer (or a Disconnect's cut one): what it moves, should its outcome be in doubt. */
  transfer?: { database: number; legs: Leg[] };
}

/** A finished (or stalled) operation with how long it took. */
export interface SlowOp extends InFlightOp {
  durationMs: number;
  /** `stalled`: still in flight when the run stalled; its duration is the time until then. */
  outcome: "ok" | "failed" | "aborted" | "stalled";
}

/**
 * The `limit` slowest operations offered, slowest first (ties: the earlier start first). Merging
 * every worker's list gives the run's, as an operation among the run's slowest is also among its
 * worker's.
 */
export class SlowestOps {
  readonly #limit: number;
  #ops: SlowOp[] = [];

  constructor(limit = SLOWEST_KEPT) {
    this.#limit = limit;
  }

  /** Keeps `op` if it is among the slowest so far; returns whether it was kept. */
  offer(op: SlowOp): boolean {
    if (this.#ops.length >= this.#limit && !slower(op, this.#ops[this.#ops.length - 1])) {
      return false;
    }
    const at = this.#ops.findIndex((kept) => slower(op, kept));
    this.#ops.splice(at === -1 ? this.#ops.length : at, 0, op);
    if (this.#ops.length > this.#limit) this.#ops.pop();
    return true;
  }

  /** Whether `op` (the same object) is still kept. */
  has(op: SlowOp): boolean {
    return this.#ops.includes(op);
  }

  /** The kept operations, slowest first. */
  list(): SlowOp[] {
    return [...this.#ops];
  }
}

function slower(a: SlowOp, b: SlowOp): boolean {
  return a.durationMs > b.durationMs ||
    (a.durationMs === b.durationMs && a.startedAtSec < b.startedAtSec);
}

/** One executed operation, as schedule.jsonl records it; times from the run's start. */
export interface ScheduleEntry {
  user: number;
  seq: number;
  kind: OpKind;
  startMs: number;
  durationMs: number;
  ok: boolean;
  /** Ended by an expected abort (a 40001 conflict); `ok` is then false too. */
  aborted?: true;
  /** In a timed replay: how much later than recorded the operation started. */
  lateMs?: number;
  /** Open model: when its arrival was due; its response time runs from here. */
  arrivalMs?: number;
}
