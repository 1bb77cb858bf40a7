/** Messages between the main thread and user workers, keyed on `type`; both sides import this. */
import type { Endpoint } from "../wire/connection.ts";
import type { TableSpec, UserSpec } from "../workload/layout.ts";
import type { OpKind } from "../workload/op_table.ts";
import type { PlanSettings } from "../workload/planner.ts";

/** A database as a worker needs it: its absolute path and its base tables. */
export interface WorkerDatabase {
  index: number;
  path: string;
  tables: TableSpec[];
}

/** Main → worker: run these users until the stop flag is set. */
export interface StartMessage {
  type: "start";
  workerId: number;
  users: UserSpec[];
  databases: WorkerDatabase[];
  endpoint: Endpoint;
  grpcPort: number | null;
  settings: PlanSettings & { dataFormat: "hyperbinary" | "arrow"; transport: "tcp" | "grpc" };
  flags: SharedArrayBuffer;
  /** `performance.timeOrigin + performance.now()` of the run's start, for `atSec`. */
  runStartMs: number;
}

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

/** Worker → main, every second: what happened since the last tick. */
export interface TickMessage {
  type: "tick";
  workerId: number;
  byOp: Record<OpKind, OpCounts>;
  insertedRows: number;
  /** Encoded latency histogram of the interval. */
  latency: string;
  failures: OpFailure[];
}

/** What one user did over the whole run. */
export interface UserResult {
  id: number;
  class: UserSpec["class"];
  ops: number;
  failures: number;
  sequenceDigest: string;
}

/** Worker → main, once its users have stopped: the whole run's numbers. */
export interface DoneMessage {
  type: "done";
  workerId: number;
  users: UserResult[];
  byOp: Record<OpKind, OpCounts & { latency: string }>;
  /** Rows the server acknowledged, per `database/table`. */
  acknowledged: Record<string, number>;
  writesRedirected: number;
  transport: { grpcReads: number; libpqReads: number };
}

/** Worker → main: the worker itself failed (not an operation). */
export interface FatalMessage {
  type: "fatal";
  workerId: number;
  message: string;
  /** True when a Deno permission was missing. */
  permission: boolean;
}

/** Every message a worker sends. */
export type FromWorker = TickMessage | DoneMessage | FatalMessage;
