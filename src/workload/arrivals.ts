/**
 * The open model's arrival schedule: when each operation arrives and which class of user it is
 * for, drawn from the global seed alone, so a replay gets the same arrivals whatever the machine,
 * the worker count or how fast hyperd answers. Pure.
 */
import type { UserSpec } from "./layout.ts";
import { USER_CLASSES, type UserClass } from "./op_table.ts";
import { deriveSeed, Rng } from "./rng.ts";
import type { LoadCurve } from "./stages.ts";

/** Poisson: exponential gaps (a memoryless stream of independent clients); constant: even gaps. */
export type ArrivalProcess = "poisson" | "constant";

/** The arrival processes, for the settings table. */
export const ARRIVAL_PROCESSES = ["poisson", "constant"] as const satisfies ArrivalProcess[];

/** One arrival: its number from 0, when it is due (ms from the schedule's start), its class. */
export interface Arrival {
  index: number;
  atMs: number;
  class: UserClass;
}

/** What a schedule is drawn from. */
export interface ArrivalScheduleOptions {
  seed: number;
  /** Arrivals per second over time. */
  rate: LoadCurve;
  process: ArrivalProcess;
  /** Each class's weight: its number of users (none when left out). */
  classCounts: Partial<Record<UserClass, number>>;
}

/**
 * Arrivals one after the other. A time-varying Poisson process is a unit-rate one on the curve's
 * area (time rescaling): each arrival adds an exponential draw to the area and takes the time the
 * area reaches; constant arrivals add exactly 1. Every arrival draws the same two values.
 */
export class ArrivalSchedule {
  readonly #rate: LoadCurve;
  readonly #process: ArrivalProcess;
  readonly #rng: Rng;
  readonly #classes: [UserClass, number][];
  readonly #total: number;
  #area = 0;
  #index = 0;

  constructor(options: ArrivalScheduleOptions) {
    this.#rate = options.rate;
    this.#process = options.process;
    this.#rng = new Rng(deriveSeed(options.seed, "arrivals"));
    this.#classes = USER_CLASSES.map((c): [UserClass, number] => [c, options.classCounts[c] ?? 0])
      .filter(([, n]) => n > 0);
    this.#total = this.#classes.reduce((sum, [, n]) => sum + n, 0);
  }

  /** The next arrival; null once the rate stays at 0 (or there is no user to arrive for). */
  next(): Arrival | null {
    const gap = -Math.log(1 - this.#rng.next());
    const pick = this.#rng.next() * this.#total;
    this.#area += this.#process === "poisson" ? gap : 1;
    const sec = this.#rate.timeForArea(this.#area);
    if (!Number.isFinite(sec) || this.#total === 0) return null;
    let sum = 0;
    const found = this.#classes.find(([, n]) => pick < (sum += n));
    const userClass = (found ?? this.#classes[this.#classes.length - 1])[0];
    return { index: this.#index++, atMs: sec * 1000, class: userClass };
  }
}

/** Users per class: the class mix arrivals are drawn by. */
export function classCounts(users: readonly Pick<UserSpec, "class">[]): Record<UserClass, number> {
  const counts = Object.fromEntries(USER_CLASSES.map((c) => [c, 0])) as Record<UserClass, number>;
  for (const user of users) counts[user.class]++;
  return counts;
}

/** Every arrival due before `untilMs`, in order (a plan, a test). */
export function arrivalsUntil(schedule: ArrivalSchedule, untilMs: number): Arrival[] {
  const arrivals: Arrival[] = [];
  for (let a = schedule.next(); a !== null && a.atMs < untilMs; a = schedule.next()) {
    arrivals.push(a);
  }
  return arrivals;
}
