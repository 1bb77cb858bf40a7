/** Messages between the main thread and user workers, keyed on `type`; both sides import this. */
import type { IntervalTally } from "../stats/op_stats.ts";
import type { TableSpec, UserSpec } from "../workload/layout.ts";
import type { PlanSettings } from "../workload/planner.ts";
import type { Stage } from "../workload/stages.ts";
import type { Endpoint } from "../wire/connection.ts";

/** A database as a worker needs it: its absolute path and its base tables. */
export interface WorkerDatabase {
  index: number;
  path: string;
  tables: TableSpec[];
}

/**
 * How users are paced. Closed: each user loops (operation, think time), and with a ramp only the
 * users ranked below the stages' active count run. Open: each user waits for "go" messages.
 */
export type WorkerLoad =
  | {
    model: "closed";
    /** Stages of active users from 0, each user's place in the joining order, the users in all. */
    ramp: { stages: Stage[]; ranks: Record<number, number>; total: number } | null;
  }
  | { model: "open" };

/** Main → worker: run these users until the stop flag is set. */
export interface StartMessage {
  type: "start";
  workerId: number;
  users: UserSpec[];
  databases: WorkerDatabase[];
  endpoint: Endpoint;
  grpcPort: number | null;
  settings: PlanSettings & {
    dataFormat: "hyperbinary" | "arrow";
    transport: "tcp" | "grpc";
    queryKnownBugs?: boolean;
  };
  flags: SharedArrayBuffer;
  /** `performance.timeOrigin + performance.now()` of the run's start, for `atSec`. */
  runStartMs: number;
  /** A timed replay: each user's recorded start offsets (ms from the run's start) by seq. */
  startAtMs: Record<number, number[]> | null;
  load: WorkerLoad;
  /** Operations completed this many seconds into the run or earlier count in no statistic. */
  warmupSec: number;
}

/** Main → worker, open model: `user` runs its next operation for an arrival due at `arrivalMs`. */
export interface GoMessage {
  type: "go";
  user: number;
  /** Ms from the run's start; the response time runs from here. */
  arrivalMs: number;
}

/**
 * Main → worker, once the stop grace ran out with users still in their last operation: send a
 * tick now, then "flushed". The tick's in-flight list is then exactly what the users had sent
 * and not seen the end of; everything they saw acknowledged is in its writes or an earlier tick's.
 */
export interface FlushMessage {
  type: "flush";
}

/** Every message the main thread sends a worker. */
export type ToWorker = StartMessage | GoMessage | FlushMessage;

/** What one user did over the whole run. */
export interface UserResult {
  id: number;
  class: UserSpec["class"];
  ops: number;
  failures: number;
  /** Digest of the planned sequence it ran; null when its worker never sent its final report. */
  sequenceDigest: string | null;
  /** True when its worker never sent a final report: counts are from its ticks. */
  unfinished?: true;
}

/** Worker → main, every second: what its users did since the last tick. */
export interface TickMessage {
  type: "tick";
  workerId: number;
  tally: IntervalTally;
}

/** Worker → main, once its users have stopped: each user's sequence (after a last tick). */
export interface DoneMessage {
  type: "done";
  workerId: number;
  users: UserResult[];
}

/** Worker → main, once, when its users are about to start: the open model's clock may run. */
export interface ReadyMessage {
  type: "ready";
  workerId: number;
}

/** Worker → main, open model: `user` finished its operation and takes the next arrival. */
export interface FreeMessage {
  type: "free";
  workerId: number;
  user: number;
}

/** Worker → main: the worker itself failed (not an operation). */
export interface FatalMessage {
  type: "fatal";
  workerId: number;
  message: string;
  /** True when a Deno permission was missing. */
  permission: boolean;
}

/** Worker → main, answering "flush", right after the tick it asked for. */
export interface FlushedMessage {
  type: "flushed";
  workerId: number;
}

/** Every message a worker sends. */
export type FromWorker =
  | TickMessage
  | DoneMessage
  | FatalMessage
  | ReadyMessage
  | FreeMessage
  | FlushedMessage;
