/** `stress`: run the test, print its summary, write its artifacts, return its exit code. */
import type { RunLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { EXIT } from "../verdict_policy.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import { Hyperd } from "../hyperd/process.ts";
import { MetricsStream } from "../results/metrics_stream.ts";
import { summaryText } from "../results/summary_text.ts";
import { Progress } from "./progress.ts";
import { runInDir } from "./run_in_dir.ts";

/**
 * Runs the stress test in `config.outputDir` (a temp dir when unset) with hyperd `binary`, or
 * against the hyperd at `config.endpoint` when `binary` is null.
 */
export async function stressCommand(
  config: Config,
  layout: RunLayout,
  binary: HyperdBinary | null,
): Promise<number> {
  const say = (line: string) => console.error(`hyperstress: ${line}`);
  // Opened before hyperd starts, so a file that cannot be opened costs nothing.
  const metrics = await MetricsStream.open(config.out);
  let endSec: number | undefined;
  const interrupt = new AbortController();
  const stopListening = onInterrupt(interrupt);
  const progress = new Progress(config);
  try {
    const { summary } = await runInDir({
      config,
      layout,
      binary,
      dir: config.outputDir,
      signal: interrupt.signal,
      say,
      onSecond: (view) => {
        progress.update(view);
        metrics.onSecond(view);
      },
      onSummary: (summary) => {
        endSec = summary.durationSec;
        progress.finish();
        console.log(summaryText(summary));
      },
    });
    return summary.exitCode;
  } finally {
    stopListening();
    for (const { out, lines, error } of await metrics.close(endSec)) {
      say(error ? `could not write ${out.path}: ${error}` : `wrote ${lines} lines to ${out.path}`);
    }
  }
}

/**
 * The first SIGINT/SIGTERM aborts `interrupt` and says which signal came; a second one quits at
 * once.
 */
export function onInterrupt(interrupt: AbortController): () => void {
  let interrupts = 0;
  const onSignal = (signal: Deno.Signal) => () => {
    interrupts++;
    if (interrupts === 1) {
      const again = signal === "SIGINT" ? "press Ctrl-C again" : `send ${signal} again`;
      // On a terminal the progress line (and a ^C echo) is still open: end it first.
      const lineBreak = Deno.stderr.isTerminal() ? "\n" : "";
      console.error(
        `${lineBreak}hyperstress: ${signal} received: stopping (${again} to quit at once)`,
      );
      interrupt.abort("signal");
    } else {
      Hyperd.killAll();
      Deno.exit(EXIT.interrupted);
    }
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const listeners = signals.map((s) => [s, onSignal(s)] as const);
  for (const [s, listener] of listeners) Deno.addSignalListener(s, listener);
  return () => {
    for (const [s, listener] of listeners) Deno.removeSignalListener(s, listener);
  };
}
