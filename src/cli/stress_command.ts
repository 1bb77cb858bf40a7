/** `stress`: run the test, print its summary, write its artifacts, return its exit code. */
import { join } from "node:path";
import { changedSettings } from "../config/resolve.ts";
import { buildReplay } from "../config/replay.ts";
import type { RunLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { EXIT } from "../exit_codes.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import { Hyperd } from "../hyperd/process.ts";
import { writeArtifacts, writeJson } from "../results/artifacts.ts";
import { buildSummary } from "../results/summary.ts";
import { summaryText } from "../results/summary_text.ts";
import { stress } from "../run/stress.ts";
import { Progress } from "./progress.ts";

/** Runs the stress test in `outputDir` with hyperd `binary`. */
export async function stressCommand(
  config: Config,
  layout: RunLayout,
  binary: HyperdBinary,
  outputDir: string,
): Promise<number> {
  console.error(`hyperstress: output dir ${outputDir}`);
  console.error(
    `hyperstress: seed ${layout.globalSeed} (replay with --replay-file ${outputDir}/replay.json)`,
  );
  const changed = changedSettings(config);
  if (Object.keys(changed).length > 0) {
    console.error(`hyperstress: settings ${JSON.stringify(changed)}`);
  }
  // Written first and again at the end, so even a killed run can be replayed.
  await writeJson(
    join(outputDir, "replay.json"),
    buildReplay(config, layout.users, layout.databases, null),
  );

  const interrupt = new AbortController();
  const stopListening = onInterrupt(interrupt);
  try {
    const progress = new Progress(config);
    const outcome = await stress({
      config,
      layout,
      binary,
      outputDir,
      signal: interrupt.signal,
      onSecond: (view) => progress.update(view),
    });
    progress.finish();
    const summary = buildSummary(outcome);
    console.log(summaryText(summary));
    const replay = buildReplay(config, layout.users, layout.databases, summary.stopReason);
    const paths = await writeArtifacts(outputDir, summary, replay);
    const written = [paths.summary, paths.replay, paths.report, paths.junit].filter(Boolean);
    console.error(`hyperstress: wrote ${written.join(", ")}`);
    return summary.exitCode;
  } finally {
    stopListening();
  }
}

/** The first SIGINT/SIGTERM aborts `interrupt`; a second one quits at once. */
function onInterrupt(interrupt: AbortController): () => void {
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      console.error("hyperstress: stopping (press Ctrl-C again to quit at once)");
      interrupt.abort("signal");
    } else {
      Hyperd.killAll();
      Deno.exit(EXIT.interrupted);
    }
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  return () => {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
  };
}
