/** `stress`: run the test, print its summary, write its artifacts, return its exit code. */
import { join } from "node:path";
import { changedSettings } from "../config/resolve.ts";
import { buildReplay } from "../config/replay.ts";
import type { RunLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";
import { EXIT } from "../exit_codes.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import { Hyperd } from "../hyperd/process.ts";
import { failureText, writeArtifacts, writeErrorReason, writeJson } from "../results/artifacts.ts";
import { RESERVE_FILE, reserveBytes, SpaceReserve } from "../run/space_reserve.ts";
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
  const replayPath = join(outputDir, "replay.json");
  await beforeStart(
    replayPath,
    () => writeJson(replayPath, buildReplay(config, layout.users, layout.databases, null)),
  );
  // Holds the artifacts' space until they are written, so hyperd filling the disk cannot take it.
  const reserved = reserveBytes(config.duration);
  const reserve = await beforeStart(
    `${join(outputDir, RESERVE_FILE)} (${reserved / 1024 / 1024} MiB held for the artifacts)`,
    () => SpaceReserve.claim(outputDir, reserved),
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
    await reserve.release();
    const { written, failed } = await writeArtifacts(outputDir, summary, replay);
    for (const failure of failed) console.error(`hyperstress: ${failureText(failure)}`);
    if (written.length > 0) console.error(`hyperstress: wrote ${written.join(", ")}`);
    // The run's own exit code stands: a file that could not be written is reported above.
    return summary.exitCode;
  } finally {
    await reserve.release();
    stopListening();
  }
}

/** A write before the run starts; its failure is a ConfigError naming `what`, before hyperd starts. */
async function beforeStart<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new ConfigError(
      `could not write ${what}: ${
        writeErrorReason(error)
      }; the output dir needs to be writable with room for the artifacts (--output-dir)`,
      { cause: error },
    );
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
