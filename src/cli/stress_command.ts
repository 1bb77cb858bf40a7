/** `stress`: run the test, print its summary, write its artifacts, return its exit code. */
import type { RunLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import { MetricsStream } from "../results/metrics_stream.ts";
import { buildSummary } from "../results/summary.ts";
import { summaryText } from "../results/summary_text.ts";
import type { CommandContext } from "./context.ts";
import { Interrupt } from "./interrupt.ts";
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
  context: CommandContext,
): Promise<number> {
  const { output, commandLine } = context;
  const { say } = output;
  // Opened before hyperd starts, so a file that cannot be opened costs nothing.
  const metrics = await MetricsStream.open(config.out);
  let endSec: number | undefined;
  const interrupt = new Interrupt({ killServers: () => context.processes.killAll() });
  const stopListening = interrupt.listen();
  const progress = new Progress(config);
  try {
    const { summary } = await runInDir({
      config,
      layout,
      binary,
      dir: config.outputDir,
      signal: interrupt.signal,
      say,
      commandLine,
      processes: context.processes,
      footprint: true,
      // A second Ctrl-C quits at once: it still shows what was measured so far.
      onSnapshot: (snapshot) =>
        interrupt.beforeQuit(() => {
          progress.finish();
          output.print(summaryText(buildSummary(snapshot(), { commandLine })));
        }),
      onSecond: (view) => {
        progress.update(view);
        metrics.onSecond(view);
      },
      onSummary: (summary) => {
        endSec = summary.durationSec;
        progress.finish();
        output.print(summaryText(summary));
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
