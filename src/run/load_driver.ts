/**
 * Starts the users in their workers and shapes their load: the open model's arrivals, sent by one
 * dispatcher on the main thread, or the closed model's ramp of active users. Progress lines, the
 * stall watchdog and the summary read the load through it.
 *
 * Why one dispatcher on the main thread rather than an arrival clock per worker: the arrival
 * process and its queue need one owner that sees every user. Per-worker clocks (rate R/W each)
 * would queue an arrival in a worker whose users are busy while another worker's users sit idle,
 * drop a class no user of that worker has, and tie the schedule to the worker count (which
 * follows the machine's cores). A "go" message costs well under a millisecond; the time it takes
 * counts in the response time, as a client's would.
 */
import type { Config } from "../config/settings.ts";
import type { RunStats } from "../stats/run_stats.ts";
import { ArrivalDispatcher } from "../users/arrival_dispatcher.ts";
import { type WorkerFailure, WorkerPool } from "../users/worker_pool.ts";
import type { StartMessage, WorkerLoad } from "../users/worker_protocol.ts";
import { type ArrivalProcess, ArrivalSchedule, classCounts } from "../workload/arrivals.ts";
import type { UserSpec } from "../workload/layout.ts";
import { LoadCurve, parseStages, type Stage } from "../workload/stages.ts";
import { activeUsers, rampRanks } from "../workload/user_ramp.ts";
import type { RunClock } from "./run_clock.ts";

/** Open: operations arrive at a rate, whatever the latency; closed: users loop. */
export type LoadModel = "open" | "closed";

/** Queue places per user when --max-queue is unset. */
const QUEUE_PER_USER = 10;
/** How often the planned load is written to the timeline, in ms. */
const TARGET_SAMPLE_MS = 1000;

/** The model a config asks for: open with an arrival rate. */
export function loadModel(config: Pick<Config, "arrivalRate">): LoadModel {
  return config.arrivalRate === undefined ? "closed" : "open";
}

/** The config's stages; none when unset (the settings table has checked their form). */
export function configStages(config: Pick<Config, "stages">): Stage[] {
  const stages = config.stages ? parseStages(config.stages) : [];
  return typeof stages === "string" ? [] : stages;
}

/** The open model's queue limit: --max-queue, else 10 places per user. */
export function queueLimit(config: Pick<Config, "maxQueue">, users: number): number {
  return config.maxQueue ?? QUEUE_PER_USER * users;
}

/** What the rest of the run reads of the load while it goes on. */
export interface LoadView {
  readonly model: LoadModel;
  /** The users of this process. */
  readonly users: number;
  /** The planned load `sec` into the run: arrivals per second (open), active users (a ramp). */
  target(sec: number): number | null;
  /** Arrivals waiting for a free user now (always 0 in the closed model). */
  queued(): number;
  /** True when nothing is meant to run at `sec` (no arrival in flight or waiting, no user let in). */
  idle(sec: number): boolean;
}

/** What starting the load needs. */
export interface LoadOptions {
  config: Config;
  users: UserSpec[];
  /** The workers' start message without what the load decides. */
  base: Omit<StartMessage, "users" | "workerId" | "type" | "load" | "warmupSec">;
  stats: RunStats;
  clock: RunClock;
  /** A worker that failed as a whole. */
  onFatal: (failure: WorkerFailure) => void;
}

/** The users running, and the load's shape over them. */
export interface Load {
  pool: WorkerPool;
  view: LoadView;
  /** Stops the arrivals and the target's samples; returns the arrivals that never started. */
  stop(): number;
  /** Open model: when the schedule's clock started (every worker ready), in run seconds. */
  scheduleStartSec(): number | null;
}

/** Starts the users in workers with the config's load model. */
export function startLoad(options: LoadOptions): Load {
  const { config, users, stats, clock } = options;
  const stages = configStages(config);
  const open = loadModel(config) === "open";
  const curve = new LoadCurve(open ? config.arrivalRate! : 0, stages);
  const ramp = !open && stages.length > 0
    ? { stages, ranks: rampRanks(users), total: users.length }
    : null;
  const load: WorkerLoad = open ? { model: "open" } : { model: "closed", ramp };
  let dispatcher: ArrivalDispatcher | null = null;
  const pool = new WorkerPool(
    users,
    config.workers,
    { ...options.base, load, warmupSec: config.warmupSec },
    stats,
    options.onFatal,
    (user) => dispatcher?.free(user),
  );
  if (open) {
    dispatcher = new ArrivalDispatcher({
      schedule: new ArrivalSchedule({
        seed: config.seed,
        rate: curve,
        process: config.arrivals,
        classCounts: classCounts(users),
      }),
      users,
      maxQueue: queueLimit(config, users.length),
      clockMs: () => clock.elapsedSec() * 1000,
      send: (user, arrivalMs) => pool.go(user, arrivalMs),
      onArrival: (atSec, dropped, queued) => stats.recordArrival(atSec, dropped, queued),
    });
    // The schedule starts once every worker can take arrivals: a worker's start-up is ours, not
    // hyperd's, and would otherwise queue the first arrivals.
    const ready = dispatcher;
    pool.ready.then(() => ready.start());
  }
  // Open: the stages count from the schedule's start; closed: from the run's.
  const shapeSec = (sec: number) => Math.max(0, sec - (dispatcher?.originMs ?? 0) / 1000);
  const shaped = open || ramp !== null;
  const view: LoadView = {
    model: open ? "open" : "closed",
    users: users.length,
    target: (sec) =>
      !shaped ? null : open ? curve.valueAt(shapeSec(sec)) : activeUsers(curve, sec, users.length),
    queued: () => dispatcher?.queued ?? 0,
    idle: (sec) =>
      dispatcher
        ? dispatcher.busy === 0 && dispatcher.queued === 0
        : ramp !== null && activeUsers(curve, sec, users.length) === 0,
  };
  const sampler = shaped
    ? setInterval(() => {
      const sec = clock.elapsedSec();
      stats.recordTarget(sec, view.target(sec)!);
    }, TARGET_SAMPLE_MS)
    : undefined;
  let unserved: number | null = null;
  return {
    pool,
    view,
    stop: () => {
      clearInterval(sampler);
      unserved ??= dispatcher?.stop() ?? 0;
      return unserved;
    },
    scheduleStartSec: () => dispatcher?.started ? dispatcher.originMs / 1000 : null,
  };
}

/** The open model's arrivals over the measured part of the run, for summary.json. */
export interface ArrivalReport {
  process: ArrivalProcess;
  /** --arrival-rate: the rate, or where the stages start from. */
  ratePerSec: number;
  /** Arrivals that could wait for a free user. */
  queueLimit: number;
  arrivals: number;
  /** Arrivals that found the queue full. */
  dropped: number;
  /** The longest the queue got. */
  maxQueue: number;
  /** Arrivals still waiting when the run stopped: they never started. */
  unserved: number;
  /** When the schedule (and its stages) started: once every worker was ready, in run seconds. */
  startedAtSec: number | null;
}

/** The load's part of a run's outcome. */
export interface LoadOutcome {
  model: LoadModel;
  /** Open model only. */
  arrivals: ArrivalReport | null;
  /** What the warm-up left out; null without one. */
  warmup: { sec: number; ops: number; failures: number } | null;
}

/** The load's outcome from the run's tally and its load (null when users never started). */
export function loadOutcome(
  config: Config,
  users: number,
  stats: RunStats,
  load: Load | null,
): LoadOutcome {
  const model = loadModel(config);
  return {
    model,
    arrivals: model === "closed" ? null : {
      process: config.arrivals,
      ratePerSec: config.arrivalRate!,
      queueLimit: queueLimit(config, users),
      ...stats.arrivalTotals(),
      unserved: load?.stop() ?? 0,
      startedAtSec: load?.scheduleStartSec() ?? null,
    },
    warmup: config.warmupSec > 0 ? stats.warmupTotals() : null,
  };
}
