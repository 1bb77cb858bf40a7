/** A CLI run whose output is read as it arrives, so a test can act mid-run. */
import { endedInTime, hyperdEnv, spawnCli } from "./cli.ts";

/** One running `main.ts` with the stress task's permissions and the tests' hyperd. */
export class LiveRun {
  readonly child: Deno.ChildProcess;
  stderr = "";
  stdout = "";
  readonly #done: Promise<void>;

  constructor(args: string[], env: Record<string, string> = {}) {
    const child = spawnCli(args, { ...hyperdEnv(), ...env });
    this.child = child;
    const read = async (stream: ReadableStream<Uint8Array>, into: "stderr" | "stdout") => {
      const decoder = new TextDecoder();
      for await (const chunk of stream) this[into] += decoder.decode(chunk, { stream: true });
    };
    this.#done = Promise.all([read(child.stderr, "stderr"), read(child.stdout, "stdout")])
      .then(() => {});
  }

  /** Waits until stderr matches `pattern` (or fails after `ms`). */
  async waitFor(pattern: RegExp, ms = 60_000): Promise<RegExpMatchArray> {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      const match = this.stderr.match(pattern);
      if (match) return match;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`stderr never matched ${pattern}:\n${this.stderr}`);
  }

  /**
   * Exit code, once the run has ended and its output is read. A run still going after the tests'
   * deadline is killed with its hyperd, and this fails with its stderr.
   */
  async code(): Promise<number> {
    const status = await endedInTime(this.child, this.child.status, () => this.stderr);
    await this.#done;
    return status.code;
  }
}
