/**
 * The open model's one owner of arrivals, on the main thread: it sees every user, whatever worker
 * hosts it, so each arrival goes to the user of its class that has been free longest, waits in
 * one bounded queue when none is, and drops beyond it. Workers only run what they are sent.
 */
import type { Arrival, ArrivalSchedule } from "../workload/arrivals.ts";
import { opLimit, type UserSpec } from "../workload/layout.ts";
import { USER_CLASSES, type UserClass } from "../workload/op_table.ts";

/** What the dispatcher needs. */
export interface DispatcherOptions {
  schedule: ArrivalSchedule;
  users: readonly Pick<UserSpec, "id" | "class" | "maxOps" | "ops">[];
  /** Arrivals that may wait for a free user; more drop. */
  maxQueue: number;
  /** Ms since the run's start, now. */
  clockMs: () => number;
  /** Hands `user` an arrival due at `arrivalMs` (ms from the run's start). */
  send: (user: number, arrivalMs: number) => void;
  /** Each arrival as it falls due: when (run seconds), whether it dropped, the queue after it. */
  onArrival?: (atSec: number, dropped: boolean, queued: number) => void;
}

/** Sends each arrival of the schedule, when it falls due, to the next free user of its class. */
export class ArrivalDispatcher {
  readonly #options: DispatcherOptions;
  /** Free users per class, the longest free first. */
  readonly #free = new Map<UserClass, number[]>();
  /** Due times (run ms) of the arrivals waiting per class, the oldest first. */
  readonly #waiting = new Map<UserClass, number[]>();
  readonly #classOf = new Map<number, UserClass>();
  /** Operations a user may still run (a shrunk replay's maxOps or ops); absent: no limit. */
  readonly #left = new Map<number, number>();
  /** Users per class that may still run something. */
  readonly #alive = new Map<UserClass, number>();
  #queued = 0;
  #busy = 0;
  #originMs = 0;
  #started = false;
  #next: Arrival | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  /** Once stopped, a late start (workers ready after the stop) must not start the clock. */
  #stopped = false;

  constructor(options: DispatcherOptions) {
    this.#options = options;
    for (const c of USER_CLASSES) {
      this.#free.set(c, []);
      this.#waiting.set(c, []);
      this.#alive.set(c, 0);
    }
    for (const user of options.users) {
      this.#classOf.set(user.id, user.class);
      const limit = opLimit(user);
      if (limit !== undefined) this.#left.set(user.id, limit);
      if (limit === 0) continue;
      this.#free.get(user.class)!.push(user.id);
      this.#alive.set(user.class, this.#alive.get(user.class)! + 1);
    }
  }

  /** Starts the schedule's clock at `originMs` (run ms): its arrivals are due from then on. */
  start(originMs = this.#options.clockMs()): void {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    this.#started = true;
    this.#originMs = originMs;
    this.#next = this.#options.schedule.next();
    this.#pump();
  }

  /** When the schedule's clock started, in ms from the run's start (0 before it did). */
  get originMs(): number {
    return this.#originMs;
  }

  /** Whether the schedule's clock has started. */
  get started(): boolean {
    return this.#started;
  }

  /** `user` finished its arrival: it takes the oldest waiting one of its class, or waits. */
  free(user: number): void {
    const userClass = this.#classOf.get(user);
    if (userClass === undefined) return;
    this.#busy--;
    const left = this.#left.get(user);
    if (left === 0) {
      this.#alive.set(userClass, this.#alive.get(userClass)! - 1);
      this.#dropClassIfGone(userClass);
      return;
    }
    const waiting = this.#waiting.get(userClass)!;
    const due = waiting.shift();
    if (due !== undefined && this.#running) {
      this.#queued--;
      this.#dispatch(user, due);
    } else this.#free.get(userClass)!.push(user);
  }

  /** Stops the arrivals; returns how many waited in the queue and never started. */
  stop(): number {
    this.#running = false;
    this.#stopped = true;
    clearTimeout(this.#timer);
    const unserved = this.#queued;
    for (const waiting of this.#waiting.values()) waiting.length = 0;
    this.#queued = 0;
    return unserved;
  }

  /** Arrivals waiting for a free user now. */
  get queued(): number {
    return this.#queued;
  }

  /** Users running an arrival now. */
  get busy(): number {
    return this.#busy;
  }

  /** Sends every arrival due by now, then sleeps until the next one is due. */
  #pump(): void {
    if (!this.#running) return;
    const { clockMs, schedule } = this.#options;
    const now = clockMs();
    while (this.#next && this.#originMs + this.#next.atMs <= now) {
      this.#arrive(this.#next);
      this.#next = schedule.next();
    }
    if (!this.#next) return;
    const wait = Math.max(0, this.#originMs + this.#next.atMs - clockMs());
    this.#timer = setTimeout(() => this.#pump(), wait);
  }

  #arrive(arrival: Arrival): void {
    const dueMs = this.#originMs + arrival.atMs;
    const user = this.#free.get(arrival.class)!.shift();
    let dropped = false;
    if (user !== undefined) this.#dispatch(user, dueMs);
    // No user of the class can ever take it (a shrunk replay's users all ran out): it drops.
    else if (this.#queued < this.#options.maxQueue && this.#alive.get(arrival.class)! > 0) {
      this.#waiting.get(arrival.class)!.push(dueMs);
      this.#queued++;
    } else dropped = true;
    this.#options.onArrival?.(dueMs / 1000, dropped, this.#queued);
  }

  #dispatch(user: number, dueMs: number): void {
    this.#busy++;
    const left = this.#left.get(user);
    if (left !== undefined) this.#left.set(user, left - 1);
    this.#options.send(user, dueMs);
  }

  /** A class whose users all ran out (a shrunk replay ends with them): its waiting never start. */
  #dropClassIfGone(userClass: UserClass): void {
    if (this.#alive.get(userClass)! > 0) return;
    const waiting = this.#waiting.get(userClass)!;
    this.#queued -= waiting.length;
    waiting.length = 0;
  }
}
