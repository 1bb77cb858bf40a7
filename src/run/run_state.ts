/** What every step of a stress run shares: its options and its state. */
import type { HyperdProcesses } from "../hyperd/process.ts";
import type { Say } from "../output.ts";
import type { RunLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import { Monitor } from "../hyperd/monitor.ts";
import type { InFlightOp } from "../stats/op_records.ts";
import { RunStats } from "../stats/run_stats.ts";
import { SharedFlags } from "../users/shared_flags.ts";
import type { UserSpec } from "../workload/layout.ts";
import { type Load } from "./load_driver.ts";
import type { Checkpoints } from "./checkpoints.ts";
import type { ModelThread } from "./model_thread.ts";
import type { RunOutcome } from "./run_outcome.ts";
import { ClientCpu } from "./client_cpu.ts";
import { type LiveView } from "./resource_watch.ts";
import { RunClock } from "./run_clock.ts";
import type { ServerLoss } from "./server.ts";
import { StopControl } from "./stop_control.ts";
import { ScheduleWriter } from "./schedule_file.ts";

/** What a stress run needs. */
export interface StressOptions {
  config: Config;
  layout: RunLayout;
  /** The hyperd to start; null when the run attaches to `config.endpoint` instead. */
  binary: HyperdBinary | null;
  outputDir: string;
  /** Aborting stops the run as Interrupted. */
  signal: AbortSignal;
  /** Where lines for the person watching go (the server started or attached to). */
  say: Say;
  /** Where the hyperd the run starts is recorded, for a forced exit to kill. */
  processes?: HyperdProcesses;
  /** Called about once a second while users run. */
  onSecond?: (view: LiveView) => void;
  /** Called once users start, with the run's outcome as it stands at any moment. */
  onSnapshot?: (snapshot: () => RunOutcome) => void;
  /** False: no end-of-run check of the tables (a shrink's search tries: shrink_tries.ts). */
  endCheck?: boolean;
}

/** The server gone (a crash, or an attached one unreachable), when, and what users were doing. */
export type Lost = { loss: ServerLoss; atSec: number };

/** The parts of a run every step shares. */
export interface Run {
  options: StressOptions;
  flags: SharedFlags;
  control: StopControl;
  clock: RunClock;
  stats: RunStats;
  monitor: Monitor;
  clientCpu: ClientCpu;
  /** This process's users: all of them, or its segment's. */
  users: UserSpec[];
  lost: Lost | null;
  /** What users were doing when the run stalled. */
  stalledInFlight: InFlightOp[] | null;
  /** schedule.jsonl.gz, written as operations finish; null when it could not be created. */
  schedule: ScheduleWriter | null;
  /** A timed replay: each user's recorded start offsets by seq. */
  startAtMs: Record<number, number[]> | null;
  /** The users' load once they run: their workers and its shape. */
  load: Load | null;
  /** `--verify-every`: the checkpoints, once users run. */
  checkpoints?: Checkpoints;
  /**
   * The integrity model's thread, for the checkpoints and the end check. Started with the run:
   * its modules loading at the end drew Deno's loading line over the progress line.
   */
  model: ModelThread;
  /** `nowMs()` when the run's stop came; null while it goes on. */
  stoppedAtMs: number | null;
}
