/**
 * The one place a run's stop is decided: the first reason wins, later ones are ignored, but for a
 * crash that comes after a milder stop.
 */
import type { SharedFlags } from "../users/shared_flags.ts";
import { gravestStopReason, type StopReason } from "../verdict_policy.ts";

/** Records why the run stopped and tells the users through the shared stop flag. */
export class StopControl {
  /** Resolves once a stop reason has been given. */
  readonly stopped: Promise<void>;
  #reason: StopReason = "DurationElapsed";
  #detail: string | null = null;
  #resolve!: () => void;
  readonly #flags: SharedFlags;

  constructor(flags: SharedFlags) {
    this.#flags = flags;
    this.stopped = new Promise((resolve) => (this.#resolve = resolve));
  }

  /**
   * Stops the run for `reason` unless it has already stopped. A crash after another stop still
   * speaks for the run when it is graver: users were finishing their last operations on that
   * hyperd, or the end checks were reading it.
   */
  stop(reason: StopReason, detail: string | null = null): void {
    if (this.#flags.stopped) {
      if (reason === "CrashDetected" && gravestStopReason([this.#reason, reason]) === reason) {
        this.#reason = reason;
        this.#detail = detail;
      }
      return;
    }
    this.#reason = reason;
    this.#detail = detail;
    this.#flags.stopped = true;
    this.#resolve();
  }

  /** True once a stop reason has been given. */
  get isStopped(): boolean {
    return this.#flags.stopped;
  }

  /** Why the run stopped. */
  get reason(): StopReason {
    return this.#reason;
  }

  /** The stop reason in words, or null for a normal end. */
  get detail(): string | null {
    return this.#detail;
  }
}
