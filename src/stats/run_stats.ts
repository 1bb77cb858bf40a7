/**
 * The main thread's tally of a run, built from the workers' per-second ticks alone: whatever a
 * worker reported is kept, even when it never sends a final report.
 */
import { emptyOracleTally, mergeOracleTally, type OracleTally } from "./oracle_stats.ts";
import { isRead, OP_KINDS, type OpKind } from "../workload/op_table.ts";
import { Latency } from "./latency.ts";
import type { WriteRecord } from "../workload/writes.ts";
import {
  type InDoubtRecord,
  type InFlightOp,
  type OpFailure,
  type ScheduleEntry,
  SlowestOps,
  type SlowOp,
} from "./op_records.ts";
import type { IntervalTally } from "./op_stats.ts";
import {
  emptyTally,
  type LatencyHistograms,
  type OpTally,
  tallyFigures,
  tallyHistograms,
} from "./tally.ts";
import { Timeline, type TimelinePoint } from "./timeline.ts";
import { LedgerStats } from "./ledger_stats.ts";
import { emptyLedgerInterval } from "./ledger_interval.ts";
import type { TransferRecord } from "../workload/ledger.ts";

/** The timeline's and the tally's types, where callers have always found them. */
export type { KindSecond, TimelinePoint } from "./timeline.ts";
export type { LatencyHistograms, LatencySpectrum, OpTotals } from "./tally.ts";

/** Operations cut by a lost connection that the tally keeps, the latest. */
const CONNECTION_LOST_KEPT = 200;
/**
 * How long before the crash was seen an operation cut by a lost connection still counts as in
 * flight at it: its user may notice the dead socket before the main thread hears of the exit.
 */
const CRASH_CUT_WINDOW_SEC = 2;

/** Errors the summary keeps. */
export const MAX_ERRORS = 100;
/** Distinct (kind, message) pairs counted one by one; later new ones count as other messages. */
export const MAX_ERROR_GROUPS = 1000;

/** Failures with the same kind and message: how many, first and last run second. */
export interface ErrorGroup {
  op: OpKind;
  /** The server's message; null for the messages past MAX_ERROR_GROUPS distinct ones. */
  message: string | null;
  count: number;
  firstAtSec: number;
  lastAtSec: number;
}

/** Open model: arrivals over the measured part of the run (after the warm-up). */
export interface ArrivalTotals {
  arrivals: number;
  dropped: number;
  /** The longest the queue of arrivals waiting for a free user got. */
  maxQueue: number;
}

/** Tally of every tick from every worker. */
export class RunStats {
  /** Receives every finished operation of each tick (schedule.jsonl); the tally keeps none. */
  readonly #onSchedule: (entries: ScheduleEntry[]) => void;
  readonly errors: OpFailure[] = [];
  readonly acknowledged: Record<string, number> = {};
  /** Every acknowledged insert per `database/table`, for the integrity model. */
  readonly writes: Record<string, WriteRecord[]> = {};
  /** Inserts whose connection broke under them. */
  readonly inDoubt: InDoubtRecord[] = [];
  writesRedirected = 0;
  /** What generated queries found over the run (warm-up included: a wrong answer is one). */
  readonly oracle: OracleTally = emptyOracleTally();
  readonly transport = { grpcReads: 0, libpqReads: 0 };
  readonly #live = { ops: 0, failures: 0, insertedRows: 0 };
  /** The ledger's transfers, reads and violations (the warm-up's too: the end check needs all). */
  readonly ledger = new LedgerStats();
  readonly #byOp: OpTally = emptyTally();
  /** Seconds from the start left out of the statistics. */
  readonly #warmupSec: number;
  readonly #warmup = { ops: 0, failures: 0 };
  readonly #arrivals: ArrivalTotals = { arrivals: 0, dropped: 0, maxQueue: 0 };
  readonly #liveArrivals = { arrivals: 0, dropped: 0 };
  readonly #users = new Map<number, { ops: number; failures: number }>();
  readonly #inFlight = new Map<number, InFlightOp[]>();
  /** Ticks received per worker: a checkpoint waits for one more from each. */
  readonly #ticks = new Map<number, number>();
  #connectionLost: SlowOp[] = [];
  readonly #slowest = new SlowestOps();
  readonly #errorGroups = new Map<string, ErrorGroup>();
  readonly #timeline: Timeline;
  #lastCompletionSec = 0;

  constructor(
    { onSchedule = () => {}, warmupSec = 0 }: {
      onSchedule?: (entries: ScheduleEntry[]) => void;
      /** The first seconds, whose operations count in no statistic. */
      warmupSec?: number;
    } = {},
  ) {
    this.#onSchedule = onSchedule;
    this.#warmupSec = warmupSec;
    this.#timeline = new Timeline(warmupSec);
  }

  /** Adds worker `workerId`'s interval to the second it arrived in (seconds count from 1). */
  addTick(tally: IntervalTally, atSec: number, workerId = 0): void {
    this.#ticks.set(workerId, (this.#ticks.get(workerId) ?? 0) + 1);
    if (tally.schedule.length > 0) this.#onSchedule(tally.schedule);
    const point = this.#timeline.pointAt(atSec);
    let inserted = 0;
    for (const rows of Object.values(tally.acknowledged)) inserted += rows;
    for (const [key, rows] of Object.entries(tally.acknowledged)) {
      this.acknowledged[key] = (this.acknowledged[key] ?? 0) + rows;
    }
    // A tally from a worker built before the ledger has none.
    if (tally.ledger) this.ledger.add(tally.ledger);
    for (const { key, ...write } of tally.writes ?? []) (this.writes[key] ??= []).push(write);
    this.inDoubt.push(...(tally.inDoubt ?? []));
    for (const kind of OP_KINDS) {
      const counts = tally.byOp[kind];
      if (counts.ops === 0) continue;
      const { latencyMs, serviceMs } = counts;
      if (tally.warmup) {
        this.#warmup.ops += counts.ops;
        this.#warmup.failures += counts.failures;
      } else {
        const total = this.#byOp[kind];
        total.count += counts.ops;
        total.failures += counts.failures;
        total.aborted += counts.aborted ?? 0;
        total.rows += counts.rows;
        total.latency.recordAll(latencyMs);
        if (serviceMs) (total.service ??= new Latency()).recordAll(serviceMs);
      }
      point.ops += counts.ops;
      point.failures += counts.failures;
      if (isRead(kind)) point.readRows += counts.rows;
      this.#timeline.record(point, kind, latencyMs, serviceMs, counts.aborted ?? 0);
      this.#live.ops += counts.ops;
      this.#live.failures += counts.failures;
    }
    if (point.ops > 0) this.#lastCompletionSec = Math.max(this.#lastCompletionSec, atSec);
    this.#inFlight.set(workerId, tally.inFlight);
    if (tally.connectionLost.length > 0) {
      this.#connectionLost = [...this.#connectionLost, ...tally.connectionLost]
        .slice(-CONNECTION_LOST_KEPT);
    }
    if (tally.oracle) mergeOracleTally(this.oracle, tally.oracle);
    // The warm-up's operations stay on the timeline (marked) and in the live counts, no further.
    if (tally.warmup) {
      this.#timeline.closeBehind(point.atSec);
      return;
    }
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
      this.#groupError(failure);
    }
    for (const op of tally.slowest) this.#slowest.offer(op);
    this.#timeline.closeBehind(point.atSec);
  }

  /** Counts `failure` with the others of its kind and message. */
  #groupError(failure: OpFailure): void {
    let key = `${failure.op}\n${failure.message}`;
    let group = this.#errorGroups.get(key);
    if (!group && this.#errorGroups.size >= MAX_ERROR_GROUPS) {
      key = `${failure.op}\n`;
      group = this.#errorGroups.get(key);
    }
    if (!group) {
      const message = key.endsWith("\n") ? null : failure.message;
      group = { op: failure.op, message, count: 0, firstAtSec: failure.atSec, lastAtSec: 0 };
      this.#errorGroups.set(key, group);
    }
    group.count++;
    group.firstAtSec = Math.min(group.firstAtSec, failure.atSec);
    group.lastAtSec = Math.max(group.lastAtSec, failure.atSec);
  }

  /** Every failure reported, grouped by kind and message (the most frequent first). */
  errorGroups(): ErrorGroup[] {
    return [...this.#errorGroups.values()].map((g) => ({ ...g })).sort((a, b) =>
      b.count - a.count || a.firstAtSec - b.firstAtSec
    );
  }

  /** The run's slowest operations so far, slowest first. */
  slowest(): SlowOp[] {
    return this.#slowest.list();
  }

  /** When a tick last brought a completed operation, in run seconds (0 before the first). */
  get lastCompletionSec(): number {
    return this.#lastCompletionSec;
  }

  /** Ticks received so far from each worker that sent one. */
  tickCounts(): Map<number, number> {
    return new Map(this.#ticks);
  }

  /** The operations in flight at each worker's last tick. */
  inFlight(): InFlightOp[] {
    return [...this.#inFlight.values()].flat();
  }

  /**
   * What was in flight when the server died at `atSec`: the operations its death cut short (their
   * connection broke) and those that never ended, as far as the ticks so far tell. Ask after the
   * workers' last ticks: before, an operation begun since a worker's last tick is missing.
   */
  inFlightAt(atSec: number): InFlightOp[] {
    const cut = this.#connectionLost.filter((op) =>
      op.startedAtSec <= atSec &&
      op.startedAtSec + op.durationMs / 1000 >= atSec - CRASH_CUT_WINDOW_SEC
    ).map(({ durationMs: _, outcome: _outcome, ...op }) => op);
    const open = this.inFlight().filter((op) =>
      op.startedAtSec <= atSec && !cut.some((c) => c.user === op.user && c.seq === op.seq)
    );
    return [...cut, ...open].sort((a, b) => a.startedAtSec - b.startedAtSec || a.user - b.user);
  }

  /**
   * Takes every insert and transfer in flight at the workers' last ticks as in doubt, for `why`:
   * the workers were ended with them unanswered, so each may have applied or not. Ask once every
   * worker has sent a last tick (a final report or a flush); the in-flight list stays as it is.
   */
  doubtInFlight(why: string, atSec: number): void {
    const transfers: TransferRecord[] = [];
    for (const op of this.inFlight()) {
      if (op.write) this.inDoubt.push({ ...op.write, user: op.user, seq: op.seq, why });
      if (op.transfer) {
        const { database, legs } = op.transfer;
        const { user, seq, startedAtSec } = op;
        transfers.push({
          database,
          user,
          seq,
          legs,
          outcome: "in-doubt",
          startedAtSec,
          endedAtSec: atSec,
        });
      }
    }
    if (transfers.length > 0) this.ledger.add({ ...emptyLedgerInterval(), transfers });
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
    const point = this.#timeline.pointAt(atSec);
    for (const op of this.inFlight()) {
      const ms = Math.max(0, atSec - op.startedAtSec) * 1000;
      // Open model: the response time runs from the arrival, the service time from the send.
      const responseMs = Math.max(0, atSec - (op.arrivedAtSec ?? op.startedAtSec)) * 1000;
      const total = this.#byOp[op.kind];
      total.count++;
      total.failures++;
      total.latency.record(responseMs);
      if (op.arrivedAtSec !== undefined) (total.service ??= new Latency()).record(ms);
      this.#live.ops++;
      this.#live.failures++;
      point.ops++;
      point.failures++;
      this.#timeline.record(
        point,
        op.kind,
        [responseMs],
        op.arrivedAtSec === undefined ? undefined : [ms],
      );
      const user = this.#users.get(op.user) ?? { ops: 0, failures: 0 };
      user.ops++;
      user.failures++;
      this.#users.set(op.user, user);
      const failure = { atSec, user: op.user, op: op.kind, message: message(op) };
      if (this.errors.length < MAX_ERRORS) this.errors.push(failure);
      this.#groupError(failure);
      this.#slowest.offer({ ...op, durationMs: ms, outcome: "stalled" });
    }
    this.#inFlight.clear();
  }

  /** Counters so far: for progress lines while the run goes on. */
  live(): { ops: number; failures: number; insertedRows: number } {
    return { ...this.#live };
  }

  /**
   * Ops, failures and inserted rows over the seconds after `fromSec`, and the latency since the
   * last call, which starts a new interval (one per progress line).
   */
  takeInterval(fromSec: number): Omit<TimelinePoint, "atSec"> {
    return this.#timeline.takeInterval(fromSec);
  }

  /** Ops, failures, rows and latency per second (and per kind), in time order. */
  timeline(): TimelinePoint[] {
    return this.#timeline.points();
  }

  /** The timeline point of second `atSec` (counted from 1): zeros when no tick came in it. */
  second(atSec: number): TimelinePoint {
    return this.#timeline.second(atSec);
  }

  /**
   * Per-kind totals, the overall latency (the response time), the service time (the same in the
   * closed model) and the run's latency spectrum; the warm-up is in none of them.
   */
  byOp(): ReturnType<typeof tallyFigures> {
    return tallyFigures(this.#byOp);
  }

  /**
   * Open model: an arrival due at `atSec`, whether it dropped (the queue was full), and the
   * queue's length after it. Counted by when it was due, so the warm-up's are left out.
   */
  recordArrival(atSec: number, dropped: boolean, queued: number): void {
    const point = this.#timeline.pointAt(atSec);
    point.arrivals = (point.arrivals ?? 0) + 1;
    point.dropped = (point.dropped ?? 0) + (dropped ? 1 : 0);
    point.queue = Math.max(point.queue ?? 0, queued);
    this.#liveArrivals.arrivals++;
    if (dropped) this.#liveArrivals.dropped++;
    if (atSec < this.#warmupSec) return;
    this.#arrivals.arrivals++;
    if (dropped) this.#arrivals.dropped++;
    this.#arrivals.maxQueue = Math.max(this.#arrivals.maxQueue, queued);
  }

  /** The planned load at `atSec`: arrivals per second (open) or active users (closed). */
  recordTarget(atSec: number, target: number): void {
    this.#timeline.pointAt(atSec).target = Math.round(target * 100) / 100;
  }

  /** Open model: arrivals and drops so far, the warm-up's too (for progress lines). */
  liveArrivals(): { arrivals: number; dropped: number } {
    return { ...this.#liveArrivals };
  }

  /** Open model: arrivals, drops and the longest queue after the warm-up. */
  arrivalTotals(): ArrivalTotals {
    return { ...this.#arrivals };
  }

  /** What the warm-up left out: its operations and failures. */
  warmupTotals(): { sec: number; ops: number; failures: number } {
    return { sec: this.#warmupSec, ...this.#warmup };
  }

  /** The run's latency histograms, encoded: all operations, each kind, service times. */
  histograms(): LatencyHistograms {
    return tallyHistograms(this.#byOp);
  }
}
