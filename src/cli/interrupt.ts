/**
 * Ctrl-C and SIGTERM for a command: the first press stops it the normal way (artifacts
 * written); a later, deliberate second press quits at once.
 */
import { EXIT } from "../verdict_policy.ts";
import { nowMs } from "../time.ts";

/**
 * Signals this close to the first one are the same press: a terminal signals its whole
 * foreground process group, and `deno task` passes its own SIGINT on to the run it started, so
 * one Ctrl-C arrives twice.
 */
export const SAME_PRESS_MS = 1000;

/** What an interrupt needs from the process; tests pass their own. */
export interface InterruptHooks {
  /** One line for the person watching; stderr by default. */
  say?: (line: string) => void;
  now?: () => number;
  /** Ends the process (Deno.exit). */
  exit?: (code: number) => void;
  /** Kills every hyperd the command started. */
  killServers: () => void;
}

/** The signals of one command, turned into an abort and, if pressed again, a quit. */
export class Interrupt {
  readonly #controller = new AbortController();
  readonly #hooks: Required<InterruptHooks>;

  /** `hooks.killServers` is the command's: only it knows the hyperds it started. */
  #firstAtMs: number | null = null;
  #beforeQuit: (() => void) | null = null;

  constructor(hooks: InterruptHooks) {
    this.#hooks = { say: sayOnStderr, now: nowMs, exit: Deno.exit, ...hooks };
  }

  /** Aborted at the first signal. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Runs `lastWords` (say what was measured so far) before a second signal quits at once. */
  beforeQuit(lastWords: () => void): void {
    this.#beforeQuit = lastWords;
  }

  /** Takes one signal: the first stops, one within SAME_PRESS_MS is ignored, a later one quits. */
  receive(signal: Deno.Signal): void {
    const now = this.#hooks.now();
    if (this.#firstAtMs === null) {
      this.#firstAtMs = now;
      const again = signal === "SIGINT" ? "press Ctrl-C again" : `send ${signal} again`;
      this.#hooks.say(`${signal} received: stopping (${again} to quit at once)`);
      this.#controller.abort("signal");
      return;
    }
    if (now - this.#firstAtMs < SAME_PRESS_MS) return;
    try {
      this.#beforeQuit?.();
    } catch (error) {
      this.#hooks.say(`could not show what was measured so far: ${(error as Error).message}`);
    }
    this.#hooks.killServers();
    this.#hooks.exit(EXIT.interrupted);
  }

  /** Listens for SIGINT (and SIGTERM where there is one) until the returned function is called. */
  listen(): () => void {
    const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
    const listeners = signals.map((s) => [s, () => this.receive(s)] as const);
    for (const [s, listener] of listeners) Deno.addSignalListener(s, listener);
    return () => {
      for (const [s, listener] of listeners) Deno.removeSignalListener(s, listener);
    };
  }
}

/** A line on stderr that first ends an open progress line (and a ^C echo) on a terminal. */
function sayOnStderr(line: string): void {
  const lineBreak = Deno.stderr.isTerminal() ? "\n" : "";
  console.error(`${lineBreak}hyperstress: ${line}`);
}
