/**
 * The tries of a shrink: each one a quiet stress run of a candidate with a fresh hyperd in a dir
 * of its own (one per parallel lane), judged against the target: the kind of failure `--until`
 * names, with the signature the original's first reproducing try fixed.
 */
import { join } from "node:path";
import type { Config } from "../config/settings.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import type { Summary } from "../results/summary.ts";
import type { Candidate } from "../shrink/candidate.ts";
import { runSignature } from "../sweep/sweep_file.ts";
import type { CommandContext } from "./context.ts";
import { runInDir } from "./run_in_dir.ts";

/** What the search is after, from `--until`. */
export interface Target {
  until: string;
  /** The signature to reproduce; fixed by the first reproducing try of the original. */
  signature: string | null;
}

/** One try's outcome. */
export interface TryResult {
  reproduced: boolean;
  signature: string | null;
  summary: Summary;
  seconds: number;
}

/** Whether `summary` shows the kind of failure `until` names (the signature aside). */
export function matchesUntil(until: string, summary: Summary): boolean {
  if (until === "crash") return summary.stopReason === "CrashDetected";
  if (until === "stall") return summary.stopReason === "Stalled";
  const pattern = new RegExp(until.slice("failure:".length));
  return summary.errors.some((e) => pattern.test(e.message));
}

/** Runs tries in `lanes` dirs under `root`, at most one per dir at a time. */
export class ShrinkTries {
  readonly #binary: HyperdBinary;
  readonly #root: string;
  readonly #signal: AbortSignal;
  readonly #free: number[];
  readonly #context: CommandContext;
  readonly target: Target;
  /** Every try's duration, for the estimate of what the final measure will take. */
  readonly seconds: number[] = [];

  constructor(
    options: {
      binary: HyperdBinary;
      root: string;
      signal: AbortSignal;
      lanes: number;
      until: string;
      context: CommandContext;
    },
  ) {
    this.#context = options.context;
    this.#binary = options.binary;
    this.#root = options.root;
    this.#signal = options.signal;
    this.#free = Array.from({ length: options.lanes }, (_, i) => i);
    this.target = { until: options.until, signature: null };
  }

  /** The dir every try runs in, removed when the shrink ends. */
  dirs(): string[] {
    return this.#free.map((lane) => this.#dir(lane));
  }

  /**
   * One try of `candidate`; the first matching try of all fixes the target's signature. A search
   * try (`search` true) skips the end-of-run check unless `--until` is a stall (a check can hang
   * behind an abandoned COPY): it took half of a try that did not crash, and the fresh measure of
   * REPRO.md's command, check included, has the last word.
   */
  async run(candidate: Candidate, search = false): Promise<TryResult> {
    const lane = this.#free.pop();
    if (lane === undefined) throw new Error("shrink: more tries at once than --parallel lanes");
    const started = performance.now();
    try {
      const dir = this.#dir(lane);
      const config: Config = { ...candidate.config, outputDir: dir, progressInterval: 0 };
      const { summary } = await runInDir({
        config,
        layout: candidate.layout,
        binary: this.#binary,
        dir,
        signal: this.#signal,
        // Quiet but for hyperd's pid, by which a stuck try's hyperd can be found.
        say: (line) => {
          if (line.startsWith("hyperd pid")) this.#context.output.say(`shrink try: ${line}`);
        },
        commandLine: this.#context.commandLine,
        processes: this.#context.processes,
        endCheck: !search || this.target.until === "stall",
      });
      // A try that broke in hyperstress itself says nothing about hyperd: stop, do not count it.
      if (summary.stopReason === "WorkerFailed") {
        throw new Error(
          `shrink: a try failed in hyperstress itself (${summary.stopDetail}); ` +
            `its files are in ${dir}`,
        );
      }
      const signature = runSignature(summary);
      let reproduced = matchesUntil(this.target.until, summary);
      if (reproduced) {
        this.target.signature ??= signature;
        reproduced = this.target.signature === signature;
      }
      const seconds = (performance.now() - started) / 1000;
      this.seconds.push(seconds);
      return { reproduced, signature, summary, seconds };
    } finally {
      this.#free.push(lane);
    }
  }

  #dir(lane: number): string {
    return join(this.#root, `attempt_${lane}`);
  }
}
