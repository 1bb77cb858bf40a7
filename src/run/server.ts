/**
 * The hyperd a run loads, whoever runs it: one hyperstress starts (started_server.ts) or one
 * already running that it attaches to (attached_server.ts). The run's steps see only this.
 */
import type { CrashInfo } from "../hyperd/crash.ts";
import type { MonitorLog } from "../hyperd/monitor.ts";
import type { HyperdExit } from "../hyperd/process.ts";
import type { InFlightOp } from "../stats/op_records.ts";
import type { Endpoint } from "../wire/connection.ts";
import type { StopReason } from "../verdict_policy.ts";

/** The server went away during the run. */
export interface ServerLoss {
  reason: Extract<StopReason, "CrashDetected" | "ServerUnreachable">;
  /** In words, for the stop detail. */
  detail: string;
  /** How hyperd exited, where hyperstress started it and saw the exit. */
  exit: HyperdExit | null;
}

/** What summary.json says about the server: how it was reached and what could be measured. */
export interface ServerFacts {
  mode: "started" | "attached";
  /** libpq HOST:PORT. */
  endpoint: string;
  /** Where the databases are, as the server sees the path. */
  databaseDir: string;
  /** The hyperd.log the monitor read; null when the monitor was off. */
  log: string | null;
  /** Why the monitor was off (no backpressure, no peaks); null when it was on. */
  monitorOff: string | null;
  /** Why the disk budget was not measured; null when it was. */
  diskOff: string | null;
  /**
   * What is wrong with an attached hyperd's resource logging for backpressure (checked at the
   * start), naming the settings that fix it; null when nothing is, or it was not checked.
   * Absent in older summaries.
   */
  logging?: string | null;
}

/** A hyperd the run loads. */
export interface Server {
  readonly facts: ServerFacts;
  /** For the summary: the binary's path (or the endpoint) and hyperd's version. */
  readonly identity: { path: string; version: string };
  readonly endpoint: Endpoint;
  /** gRPC port on the endpoint's host, when reads go over gRPC. */
  readonly grpcPort: number | null;
  /** hyperd's process id where hyperstress started it. */
  readonly pid: number | null;
  /** Where the databases are created, as the server sees the path. */
  readonly databaseDir: string;
  /** The log the monitor follows; null turns the monitor off. */
  readonly monitorLog: MonitorLog | null;
  /** How often hyperd logs a resource sample, in seconds: samples age against it. */
  readonly logIntervalSec: number;
  /** True when the start already said that overall load will stand in for CPU. */
  readonly loadOnlySaid: boolean;
  /** A local dir whose `db_N.hyper` files are the databases; null when they are not local. */
  readonly diskDir: string | null;
  /** Calls `onLost` once if the server goes away before `release()`. */
  watch(onLost: (loss: ServerLoss) => void): void;
  /** The crash report of a loss at `atSec`, where hyperd's own log tells why; else null. */
  crashInfo(loss: ServerLoss, atSec: number, inFlight: InFlightOp[]): Promise<CrashInfo | null>;
  /**
   * Lets go of the server: a started hyperd is stopped (in steps of `stepMs`), an attached one
   * is left running and only stops being watched. Safe to call more than once.
   */
  release(stepMs?: number): Promise<void>;
}
