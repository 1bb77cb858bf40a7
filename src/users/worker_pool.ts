/** Starts the user workers, spreads the users over them, and gathers their reports. */
import { fileURLToPath } from "node:url";
import type { UserSpec } from "../workload/layout.ts";
import type { RunStats } from "../stats/run_stats.ts";
import { nowMs, TIMED_OUT, within } from "../time.ts";
import type {
  FlushMessage,
  FromWorker,
  GoMessage,
  StartMessage,
  UserResult,
} from "./worker_protocol.ts";

/** How long a worker gets to answer "flush": its event loop is free unless it is hung itself. */
const FLUSH_MS = 5_000;

/**
 * Workers when `STRESS_WORKERS` is 0: one per user, at most one per two CPU cores (one at least).
 * Each worker is a V8 isolate that starts, compiles and collects on its own, and each wakes on its
 * own: on 2 cores, 2 workers cost 15% more CPU than 1 at the moderate preset for the same load.
 */
export function autoWorkerCount(users: number, cores = navigator.hardwareConcurrency): number {
  return Math.min(users, Math.max(1, Math.floor(cores / 2)));
}

/** The folder whose modules the user workers load (src/): Deno checks it with --allow-read. */
const WORKER_MODULES = new URL("../", import.meta.url);

/**
 * Throws Deno's NotCapable, naming the folder to allow, when the workers could not load their
 * modules: a worker's load fails only once it starts, and then as an error event with no class.
 */
export function checkWorkerModulesReadable(): void {
  if (WORKER_MODULES.protocol !== "file:") return;
  const path = fileURLToPath(WORKER_MODULES).replace(/[\\/]$/, "");
  if (Deno.permissions.querySync({ name: "read", path }).state === "granted") return;
  throw new Deno.errors.NotCapable(
    `Requires read access to "${path}", where the user workers load their modules from, run ` +
      `again with the --allow-read=${path} flag`,
  );
}

/** A worker that failed as a whole, so its users never ran or stopped early. */
export interface WorkerFailure {
  message: string;
  /** True when a Deno permission was missing. */
  permission: boolean;
}

/** What a worker has told of its tally. */
interface WorkerTold {
  /** It sent its final report: its users all ended and its tally is whole. */
  reported: boolean;
  /** It answered "flush": its tally is whole, its in-flight list included. */
  flushed: boolean;
  /** It died (an uncaught error): it can tell nothing more. */
  dead: boolean;
  /** Called on any of the three. */
  onAnswer: () => void;
}

/** The workers of a run. */
export class WorkerPool {
  readonly #workers: Worker[] = [];
  readonly #done: Promise<void>[] = [];
  readonly #ready: Promise<void>[] = [];
  /** The worker hosting each user, by user id. */
  readonly #workerOf = new Map<number, Worker>();
  readonly #fatal: WorkerFailure[] = [];
  readonly #users: UserResult[] = [];
  /** What each worker has told of its tally, by worker id. */
  readonly #told: WorkerTold[] = [];
  /** Set once the workers are terminated: what still arrives is ignored. */
  #closed = false;

  /**
   * Starts the workers; `base` is the start message without its users and worker id. `onFree`:
   * open model, a user finished its arrival.
   */
  constructor(
    users: UserSpec[],
    workerCount: number,
    base: Omit<StartMessage, "users" | "workerId" | "type">,
    stats: RunStats,
    onFatal: (failure: WorkerFailure) => void,
    onFree: (user: number) => void = () => {},
  ) {
    const fail = (failure: WorkerFailure) => {
      this.#fatal.push(failure);
      onFatal(failure);
    };
    const count = Math.min(users.length, workerCount || autoWorkerCount(users.length));
    for (let workerId = 0; workerId < count; workerId++) {
      const mine = users.filter((_, i) => i % count === workerId);
      const worker = new Worker(new URL("./user_worker.ts", import.meta.url), { type: "module" });
      this.#workers.push(worker);
      for (const user of mine) this.#workerOf.set(user.id, worker);
      let ready = () => {};
      this.#ready.push(new Promise<void>((resolve) => ready = resolve));
      const told: WorkerTold = { reported: false, flushed: false, dead: false, onAnswer: () => {} };
      this.#told.push(told);
      this.#done.push(
        new Promise<void>((resolve) => {
          worker.onmessage = (event: MessageEvent<FromWorker>) => {
            // A tick after the workers' end would change a tally the run has already judged.
            if (this.#closed) return;
            const message = event.data;
            const atSec = (nowMs() - base.runStartMs) / 1000;
            if (message.type === "tick") stats.addTick(message.tally, atSec, workerId);
            else if (message.type === "free") onFree(message.user);
            else if (message.type === "ready") ready();
            else if (message.type === "flushed") {
              told.flushed = true;
              told.onAnswer();
            } else if (message.type === "done") {
              this.#users.push(...message.users);
              told.reported = true;
              told.onAnswer();
              resolve();
            } else {
              fail({
                message: `worker ${workerId}: ${message.message}`,
                permission: message.permission,
              });
              resolve();
            }
          };
          worker.onerror = (event) => {
            event.preventDefault();
            told.dead = true;
            told.onAnswer();
            fail({ message: `worker ${workerId}: ${event.message}`, permission: false });
            resolve();
          };
        }).finally(ready),
      );
      worker.postMessage({ type: "start", workerId, users: mine, ...base } satisfies StartMessage);
    }
  }

  /** Resolves once every worker is about to start its users (or has ended). */
  get ready(): Promise<void> {
    return Promise.all(this.#ready).then(() => {});
  }

  /** Open model: `user` runs its next operation for the arrival due at `arrivalMs`. */
  go(user: number, arrivalMs: number): void {
    this.#workerOf.get(user)?.postMessage({ type: "go", user, arrivalMs } satisfies GoMessage);
  }

  /** Resolves once every worker has ended: its users all stopped (or it failed). */
  get allDone(): Promise<void> {
    return Promise.all(this.#done).then(() => {});
  }

  /** Number of workers started. */
  get size(): number {
    return this.#workers.length;
  }

  /** The final report of every user whose worker sent one. */
  get users(): UserResult[] {
    return [...this.#users];
  }

  /** Workers that failed as a whole (not operations). */
  get failures(): WorkerFailure[] {
    return [...this.#fatal];
  }

  /**
   * Waits up to `graceMs` for every worker's final report (the stop flag must be set first).
   * A worker without one (a user still in its last operation, or a worker that failed) is asked
   * for its tally as it stands, its in-flight list included, and given `flushMs` to answer. Then
   * every worker is terminated. Returns the ids of the workers that could tell nothing (dead, or
   * silent): empty when the stats hold every acknowledged write and every one still in flight.
   */
  async finish(graceMs: number, flushMs = FLUSH_MS): Promise<number[]> {
    await within(Promise.all(this.#done), graceMs);
    const asked = this.#workers.flatMap((worker, id) => {
      const told = this.#told[id];
      if (told.reported || told.dead) return [];
      const answered = new Promise<void>((resolve) => (told.onAnswer = resolve));
      worker.postMessage({ type: "flush" } satisfies FlushMessage);
      return [answered];
    });
    await within(Promise.all(asked), flushMs);
    this.terminate();
    return this.#told.flatMap((told, id) =>
      told.reported || (told.flushed && !told.dead) ? [] : [id]
    );
  }

  /** Ends every worker at once; nothing they still send is taken. */
  terminate(): void {
    this.#closed = true;
    for (const worker of this.#workers) worker.terminate();
  }
}

/**
 * Loads the user workers' modules (and the Arrow or gRPC ones the run will use) in a throwaway
 * worker, fetching any npm package not yet cached, so the fetch happens before hyperd starts.
 * Fails with the worker's own error; a fetch that takes longer than `timeoutMs` is left to the
 * real workers.
 */
export async function preloadWorkerModules(
  uses: { arrow: boolean; grpc: boolean },
  timeoutMs = 300_000,
): Promise<void> {
  const worker = new Worker(new URL("./preload_worker.ts", import.meta.url), { type: "module" });
  try {
    const loaded = new Promise<{ ok: boolean; message?: string }>((resolve, reject) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(event.message));
      };
    });
    worker.postMessage(uses);
    const result = await within(loaded, timeoutMs);
    if (result !== TIMED_OUT && !result.ok) throw new Error(result.message);
  } finally {
    worker.terminate();
  }
}
