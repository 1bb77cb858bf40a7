/** One simulated user: rolls operations from its plan and runs them until the run stops. */
import { connect, type Endpoint, type HyperConnection } from "../wire/connection.ts";
import { nowMs } from "../time.ts";
import type { OpContext } from "./ops/context.ts";
import { executeOp, redirectToRead, statementOf, tableOf } from "./ops/execute.ts";
import { describe, isConflict, isConnectionLost } from "./op_errors.ts";
import type { OpStats } from "../stats/op_stats.ts";
import { isInsert, isRead } from "../workload/op_table.ts";
import { opLimit, type UserSpec } from "../workload/layout.ts";
import { type PlanSettings, SequenceDigest, UserPlanner } from "../workload/planner.ts";
import { writeOf } from "../workload/writes.ts";
import type { SharedFlags } from "./shared_flags.ts";
import type { UserResult, WorkerDatabase } from "./worker_protocol.ts";

/** What a user runs with. */
export interface UserEnvironment {
  endpoint: Endpoint;
  database: WorkerDatabase;
  settings: PlanSettings;
  flags: SharedFlags;
  stats: OpStats;
  runStartMs: number;
  /** A timed replay: when each operation (by seq) started in the original, from the start. */
  startAtMs: number[] | null;
  /** Builds the operation context for a (new) connection. */
  contextFor: (conn: HyperConnection) => Promise<OpContext>;
  /**
   * Open model: the user's arrivals (their due times in ms from the run's start; null once the
   * run stops) and the call that tells the dispatcher the user is free again. Null: closed loops.
   */
  arrivals?: { take: () => Promise<number | null>; free: () => void } | null;
  /** Closed model with stages: whether the ramp lets the user run now; null: always. */
  active?: (() => boolean) | null;
}

/** How often a user paused by backpressure looks at the flags, in ms. */
const FLAG_POLL_MS = 50;
/** Longest single timer of a think or backoff pause; the stop flag wakes it sooner. */
const STOP_CHECK_MS = 1000;
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 5000;

/** Runs the user's loop until the stop flag is set; failures are recorded, never thrown. */
export async function runUser(spec: UserSpec, env: UserEnvironment): Promise<UserResult> {
  const { flags, stats, database } = env;
  const planner = new UserPlanner(spec, database.tables, env.settings);
  const digest = new SequenceDigest();
  const limit = opLimit(spec) ?? Infinity;
  let failures = 0;
  let backoffMs = BACKOFF_FIRST_MS;
  let conn = connect(env.endpoint, database.path);
  let ctx = await env.contextFor(conn);
  // Whether this user is counted in the read-only phase's clock.
  let readOnly = false;
  try {
    while (!flags.stopped && digest.count < limit) {
      // Open model: nothing runs before its arrival; the time it waited counts in its latency.
      const arrivalMs = env.arrivals ? await env.arrivals.take() : undefined;
      if (arrivalMs === null) break;
      while (env.active && !env.active() && !flags.stopped) await sleep(FLAG_POLL_MS);
      if (flags.stopped) break;
      const planned = planner.next();
      if (flags.diskFull !== readOnly) {
        readOnly = !readOnly;
        if (readOnly) flags.heldReadOnly.enter(nowMs());
        else flags.heldReadOnly.leave(nowMs());
      }
      const op = readOnly && isInsert(planned.kind) ? redirectToRead(planned) : planned;
      await waitAtGate(flags);
      if (flags.stopped) break;
      if (op !== planned) stats.writesRedirected++;
      const lateMs = await waitForRecordedStart(env, planned.seq);
      // A checkpoint holds users here, before the clock starts: the pause is in no latency.
      let entered = false;
      while (!flags.stopped && !(entered = flags.enterOp())) await sleep(FLAG_POLL_MS);
      if (flags.stopped) {
        if (entered) flags.leaveOp();
        break;
      }
      // Counted once sent: a stop while it waited above leaves it out of the user's ops, as it
      // is out of every tally.
      digest.add(planned);
      const started = performance.now();
      const tableKey = `${database.index}/${database.tables[op.table].name}`;
      stats.begin({
        user: spec.id,
        seq: planned.seq,
        kind: op.kind,
        table: tableOf(database, op, spec.id),
        rows: op.rows,
        startedAtSec: (nowMs() - env.runStartMs) / 1000,
        sql: statementOf(ctx, op),
        ...(isInsert(op.kind) ? { write: { key: tableKey, ...writeOf(op) } } : {}),
        ...(op.transfer ? { transfer: { database: database.index, legs: op.transfer.legs } } : {}),
        ...(arrivalMs === undefined ? {} : { arrivedAtSec: arrivalMs / 1000 }),
      }, lateMs);
      try {
        const outcome = await executeOp(ctx, op).finally(() => flags.leaveOp());
        stats.recordSuccess(spec.id, op.kind, performance.now() - started, outcome.rows);
        if (outcome.oracle) {
          const atSec = (nowMs() - env.runStartMs) / 1000;
          stats.recordOracle(outcome.oracle, { atSec, user: spec.id, seq: planned.seq });
        }
        if (outcome.insertedRows > 0) {
          stats.recordInsert(
            database.index,
            database.tables[op.table].name,
            outcome.insertedRows,
            writeOf(op),
          );
        }
        if (isRead(op.kind)) ctx.readTransport === "grpc" ? stats.grpcReads++ : stats.libpqReads++;
        backoffMs = BACKOFF_FIRST_MS;
      } catch (error) {
        const connectionLost = isConnectionLost(error);
        if (isConflict(error)) {
          // 40001: the first updater won; an expected abort, not a failure (HYPER.md).
          stats.recordAborted(spec.id, op.kind, performance.now() - started);
        } else {
          failures++;
          stats.recordFailure(op.kind, performance.now() - started, {
            atSec: (nowMs() - env.runStartMs) / 1000,
            user: spec.id,
            op: op.kind,
            message: describe(error),
          }, connectionLost);
        }
        if (connectionLost && isInsert(op.kind)) {
          // The server may have committed it before the connection broke: neither lost nor
          // acknowledged, the integrity check decides.
          const why = "its connection broke";
          stats.recordInDoubt({ key: tableKey, ...writeOf(op), user: spec.id, seq: op.seq, why });
        }
        if (connectionLost) {
          await conn.sql.end({ timeout: 0 }).catch(() => {});
          await sleepUnlessStopped(backoffMs, flags);
          backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
          conn = connect(env.endpoint, database.path);
          ctx = await env.contextFor(conn);
        }
      }
      // Open model: arrivals pace the user, not its think time.
      if (env.arrivals) {
        env.arrivals.free();
        continue;
      }
      // In a timed replay the recorded starts pace the user, not its think time, while they last.
      const nextIsTimed = env.startAtMs?.[planned.seq + 1] !== undefined;
      if (!nextIsTimed) await sleepUnlessStopped(planned.thinkMs, flags);
    }
  } finally {
    if (readOnly) flags.heldReadOnly.leave(nowMs());
    await conn.sql.end({ timeout: 5 }).catch(() => {});
  }
  return {
    id: spec.id,
    class: spec.class,
    ops: digest.count,
    failures,
    sequenceDigest: digest.hex(),
  };
}

/**
 * Waits while backpressure is set, on the users' side of the gate: the wall time this user is
 * held goes into the run's backpressure clock (overlapping holds of several users count once).
 */
async function waitAtGate(flags: SharedFlags): Promise<void> {
  if (!flags.backpressure || flags.stopped) return;
  flags.heldByBackpressure.enter(nowMs());
  try {
    while (flags.backpressure && !flags.stopped) await sleep(FLAG_POLL_MS);
  } finally {
    flags.heldByBackpressure.leave(nowMs());
  }
}

/**
 * In a timed replay, waits until operation `seq`'s recorded start and returns how late it is
 * (0 when on time); undefined when the run keeps its natural pace or `seq` was not recorded.
 */
async function waitForRecordedStart(
  env: UserEnvironment,
  seq: number,
): Promise<number | undefined> {
  const offset = env.startAtMs?.[seq];
  if (offset === undefined) return undefined;
  const due = env.runStartMs + offset;
  await sleepUnlessStopped(due - nowMs(), env.flags);
  return Math.max(0, nowMs() - due);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Sleeps `ms`, waking early when the run stops: one timer per pause (of at most STOP_CHECK_MS,
 * should the stop's wake-up ever be missed) instead of one every FLAG_POLL_MS. Timers count whole
 * milliseconds, so the step is rounded up and a remainder under 1 ms is not slept: a second timer
 * for it would wake the worker again (a wake costs more CPU than the work it does).
 */
async function sleepUnlessStopped(ms: number, flags: SharedFlags): Promise<void> {
  const until = performance.now() + ms;
  while (!flags.stopped && until - performance.now() >= 1) {
    const step = Math.min(STOP_CHECK_MS, Math.ceil(until - performance.now()));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (timer = setTimeout(resolve, step))),
      flags.untilStopped(),
    ]);
    clearTimeout(timer);
  }
}
