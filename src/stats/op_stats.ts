/**
 * A worker's running tally of one interval: per operation kind, acknowledged inserts, failures.
 * Each tick hands the interval to the main thread and starts a new one, so nothing a worker
 * measured is lost if it never reports again.
 */
import { type Clock, nowMs } from "../time.ts";
import { OP_KINDS, type OpKind } from "../workload/op_table.ts";
import type { WriteRecord } from "../workload/writes.ts";
import type { BalanceRead, FaultEvent, RangeMismatch, TransferRecord } from "../workload/ledger.ts";
import {
  addBalanceRead,
  addFault,
  addRangeMismatch,
  emptyLedgerInterval,
  type LedgerTally,
} from "./ledger_interval.ts";
import {
  addOracleEvent,
  emptyOracleTally,
  type OracleEvent,
  type OracleTally,
} from "./oracle_stats.ts";
import {
  type InDoubtRecord,
  type InFlightOp,
  type KeyedWrite,
  type OpCounts,
  type OpFailure,
  type ScheduleEntry,
  SlowestOps,
  type SlowOp,
} from "./op_records.ts";

/** Failures kept per interval; the main thread keeps the first 100 of the run. */
const FAILURES_PER_TICK = 100;

/**
 * What a worker's users did in one interval. Latencies are each operation's, in ms: a second's
 * few dozen numbers cost less to send than a histogram costs to encode and decode. `latencyMs` is
 * the response time: from the arrival in the open model, else from the send, which is then also
 * the service time; `serviceMs` (open model only) runs from the send.
 */
export interface IntervalTally {
  byOp: Record<OpKind, OpCounts & { latencyMs: number[]; serviceMs?: number[] }>;
  /** Every operation in it completed during the warm-up: statistics leave it out. */
  warmup?: true;
  /** Operations and failures per user id. */
  users: Record<number, { ops: number; failures: number }>;
  /** What each user of the worker is doing at the tick. */
  inFlight: InFlightOp[];
  /** Operations whose connection broke under them: what a crash cut short. */
  connectionLost: SlowOp[];
  /** Rows the server acknowledged, per `database/table`. */
  acknowledged: Record<string, number>;
  /** The inserts the server acknowledged, for the integrity model. */
  writes: KeyedWrite[];
  /** Inserts whose connection broke under them. */
  inDoubt: InDoubtRecord[];
  writesRedirected: number;
  transport: { grpcReads: number; libpqReads: number };
  failures: OpFailure[];
  /** Operations that entered the worker's slowest since the last tick and are still in it. */
  slowest: SlowOp[];
  /** Every operation finished in the interval, for schedule.jsonl. */
  schedule: ScheduleEntry[];
  /** The ledger's transfers and balance reads. */
  ledger: LedgerTally;
  /** What generated queries found; absent when none ran. */
  oracle?: OracleTally;
}

type KindTally = OpCounts & { latencyMs: number[]; serviceMs: number[] | null };

/** Options of a worker's tally. */
export interface OpStatsOptions {
  /** `nowMs()` at which the warm-up ends; operations completed before it are tallied apart. */
  warmupEndMs?: number;
  /** The clock the warm-up's end is read on; `nowMs` by default. */
  now?: Clock;
}

/** Everything the users of one worker record, until the next tick. */
export class OpStats {
  readonly #byOp = Object.fromEntries(OP_KINDS.map((k) => [k, emptyKind()])) as Record<
    OpKind,
    KindTally
  >;
  /** Set while the warm-up lasts. */
  #warmupEndMs: number | null;
  readonly #now: Clock;
  /** The interval cut when the warm-up ended, until the next tick sends it. */
  #warmupCut: IntervalTally | null = null;
  #acknowledged: Record<string, number> = {};
  #writes: KeyedWrite[] = [];
  #inDoubt: InDoubtRecord[] = [];
  #failures: OpFailure[] = [];
  #users: Record<number, { ops: number; failures: number }> = {};
  readonly #inFlight = new Map<number, InFlightOp & { lateMs?: number }>();
  #schedule: ScheduleEntry[] = [];
  readonly #slowest = new SlowestOps();
  #slowNew: SlowOp[] = [];
  #connectionLost: SlowOp[] = [];
  #ledger: LedgerTally = emptyLedgerInterval();
  writesRedirected = 0;
  grpcReads = 0;
  libpqReads = 0;
  #oracle: OracleTally | null = null;

  constructor(options: OpStatsOptions = {}) {
    this.#warmupEndMs = options.warmupEndMs ?? null;
    this.#now = options.now ?? nowMs;
  }

  /**
   * Notes that `op` was sent; it stays in flight until recorded as a success or failure.
   * `lateMs`: in a timed replay, how much later than recorded it started.
   */
  begin(op: InFlightOp, lateMs?: number): void {
    this.#inFlight.set(op.user, lateMs === undefined ? op : { ...op, lateMs });
  }

  /** Records a finished operation of `user`. */
  recordSuccess(user: number, kind: OpKind, ms: number, rows: number): void {
    const queuedMs = this.#finish(user, ms, false);
    const tally = this.#byOp[kind];
    tally.ops++;
    tally.rows += rows;
    recordLatency(tally, ms, queuedMs);
  }

  /**
   * Records a failed operation with the server's message; `connectionLost`: its connection broke
   * under it (the server may have died).
   */
  recordFailure(kind: OpKind, ms: number, failure: OpFailure, connectionLost = false): void {
    const queuedMs = this.#finish(failure.user, ms, true, connectionLost);
    const tally = this.#byOp[kind];
    tally.ops++;
    tally.failures++;
    recordLatency(tally, ms, queuedMs);
    if (this.#failures.length < FAILURES_PER_TICK) this.#failures.push(failure);
  }

  /** Records an operation of `user` that ended in an expected abort (a 40001 conflict). */
  recordAborted(user: number, kind: OpKind, ms: number): void {
    const queuedMs = this.#finish(user, ms, true, false, true);
    const tally = this.#byOp[kind];
    tally.ops++;
    tally.aborted++;
    recordLatency(tally, ms, queuedMs);
  }

  /** Records a transfer that ended, however it ended. */
  recordTransfer(record: TransferRecord): void {
    this.#ledger.transfers.push(record);
  }

  /** Checks a read of every balance against the invariant and keeps it if it broke it. */
  recordBalanceRead(read: BalanceRead): void {
    addBalanceRead(this.#ledger, read);
  }

  /** Counts a check of a user's own table that found it as the model says. */
  recordRangeCheck(): void {
    this.#ledger.rangeChecks++;
  }

  /** Keeps a user's own table that differed from its model. */
  recordRangeMismatch(mismatch: RangeMismatch): void {
    addRangeMismatch(this.#ledger, mismatch);
  }

  /** Keeps a fault that left hyperd in a state it should not be in. */
  recordFault(event: FaultEvent): void {
    addFault(this.#ledger, event);
  }

  /** Records what a generated query of `user`'s operation `seq` found. */
  recordOracle(event: OracleEvent, at: { atSec: number; user: number; seq: number }): void {
    addOracleEvent(this.#oracle ??= emptyOracleTally(), event, at);
  }

  /** Counts rows the server acknowledged inserting into `table` of `database`, and the insert. */
  recordInsert(database: number, table: string, rows: number, write?: WriteRecord): void {
    const key = `${database}/${table}`;
    this.#acknowledged[key] = (this.#acknowledged[key] ?? 0) + rows;
    if (write) this.#writes.push({ key, ...write });
  }

  /** Notes an insert whose outcome is unknown (its connection broke under it). */
  recordInDoubt(write: InDoubtRecord): void {
    this.#inDoubt.push(write);
  }

  /**
   * Ends `user`'s operation: its schedule line, its place among the slowest and its user's
   * counts. Returns how long it waited between its arrival and its send (null: closed model).
   */
  #finish(
    user: number,
    ms: number,
    failed: boolean,
    connectionLost = false,
    aborted = false,
  ): number | null {
    // The first completion after the warm-up starts a new interval: statistics keep it whole.
    if (this.#warmupEndMs !== null && this.#now() >= this.#warmupEndMs) {
      this.#warmupCut = this.#take(true);
      this.#warmupEndMs = null;
    }
    const op = this.#inFlight.get(user);
    this.#inFlight.delete(user);
    let queuedMs: number | null = null;
    if (op) {
      const { lateMs, write: _write, transfer: _transfer, ...sent } = op;
      if (op.arrivedAtSec !== undefined) {
        queuedMs = Math.max(0, (op.startedAtSec - op.arrivedAtSec) * 1000);
      }
      this.#schedule.push({
        user,
        seq: op.seq,
        kind: op.kind,
        startMs: Math.round(op.startedAtSec * 1000),
        durationMs: Math.round(ms * 1000) / 1000,
        ok: !failed,
        ...(aborted ? { aborted: true as const } : {}),
        ...(lateMs === undefined ? {} : { lateMs: Math.round(lateMs) }),
        ...(op.arrivedAtSec === undefined ? {} : { arrivalMs: Math.round(op.arrivedAtSec * 1000) }),
      });
      const done: SlowOp = {
        ...sent,
        durationMs: ms,
        outcome: aborted ? "aborted" : failed ? "failed" : "ok",
      };
      // A warm-up operation must not hold a place the run's slowest would need.
      if (this.#warmupEndMs === null && this.#slowest.offer(done)) this.#slowNew.push(done);
      if (connectionLost) this.#connectionLost.push(done);
    }
    const counts = this.#users[user] ??= { ops: 0, failures: 0 };
    counts.ops++;
    if (failed && !aborted) counts.failures++;
    return queuedMs;
  }

  /**
   * The interval cut when the warm-up ended, once: send it before the next `tick()`. Null when
   * there is none (no warm-up, or it ended without an operation completing after it).
   */
  takeWarmup(): IntervalTally | null {
    const cut = this.#warmupCut;
    this.#warmupCut = null;
    return cut;
  }

  /** The interval since the last tick; starts a new interval. */
  tick(): IntervalTally {
    // Nothing completed since the warm-up ended (that would have cut): all of it is warm-up.
    const warmup = this.#warmupEndMs !== null;
    if (warmup && this.#now() >= this.#warmupEndMs!) this.#warmupEndMs = null;
    return this.#take(warmup);
  }

  /** The interval so far as a tally, and a new interval. */
  #take(warmup: boolean): IntervalTally {
    const byOp = Object.fromEntries(OP_KINDS.map((k) => {
      const { serviceMs, ...kind } = this.#byOp[k];
      this.#byOp[k] = emptyKind();
      return [k, serviceMs ? { ...kind, serviceMs } : kind];
    })) as IntervalTally["byOp"];
    const tally: IntervalTally = {
      ...(warmup ? { warmup: true as const } : {}),
      byOp,
      users: this.#users,
      inFlight: [...this.#inFlight.values()].map(({ lateMs: _, ...op }) => op),
      connectionLost: this.#connectionLost,
      acknowledged: this.#acknowledged,
      writes: this.#writes,
      inDoubt: this.#inDoubt,
      writesRedirected: this.writesRedirected,
      transport: { grpcReads: this.grpcReads, libpqReads: this.libpqReads },
      failures: this.#failures,
      // Sent as they come, not at the end: a stalled worker never sends a final report.
      slowest: this.#slowNew.filter((op) => this.#slowest.has(op)),
      schedule: this.#schedule,
      ledger: this.#ledger,
      ...(this.#oracle ? { oracle: this.#oracle } : {}),
    };
    this.#oracle = null;
    this.#ledger = emptyLedgerInterval();
    this.#schedule = [];
    this.#slowNew = [];
    this.#connectionLost = [];
    this.#acknowledged = {};
    this.#writes = [];
    this.#inDoubt = [];
    this.#failures = [];
    this.#users = {};
    this.writesRedirected = 0;
    this.grpcReads = 0;
    this.libpqReads = 0;
    return tally;
  }
}

function emptyKind(): KindTally {
  return { ops: 0, failures: 0, aborted: 0, rows: 0, latencyMs: [], serviceMs: null };
}

/** Records a latency: the response time, and the service time apart when it queued first. */
function recordLatency(tally: KindTally, ms: number, queuedMs: number | null): void {
  if (queuedMs === null) {
    tally.latencyMs.push(ms);
    return;
  }
  tally.latencyMs.push(ms + queuedMs);
  (tally.serviceMs ??= []).push(ms);
}
