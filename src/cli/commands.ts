/** The commands: `stress` runs the test, `plan` prints what the users will do. */
import { dirname, join } from "node:path";
import { writeText } from "../results/artifacts.ts";
import { reportHtml } from "../results/report/page.ts";
import { type Summary, SUMMARY_SCHEMA_VERSION } from "../results/summary.ts";
import { changedSettings } from "../config/resolve.ts";
import type { Config } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";
import { Hyperd } from "../hyperd/process.ts";
import { defaultCacheDir, locateHyperd } from "../hyperd/locate.ts";
import { prepareOutputDir } from "../run/output_dir.ts";
import { buildPlan } from "./plan.ts";
import type { Replay } from "../config/replay.ts";
import { runLayout } from "../config/run_layout.ts";
import { Progress } from "./progress.ts";
import { stress } from "../run/stress.ts";
import { summaryText } from "../results/summary_text.ts";

/** Runs the command named by the first positional word and returns the exit code. */
export async function runCommand(
  positionals: string[],
  config: Config,
  env: Record<string, string | undefined>,
  replay?: Replay,
): Promise<number> {
  const [command = "stress", ...rest] = positionals;
  if (command === "report") return await rebuildReport(rest[0]);
  const layout = runLayout(config, replay);
  if (command === "plan") {
    console.log(JSON.stringify(buildPlan(config, layout), null, 2));
    return 0;
  }
  if (command !== "stress" && command !== "hyperd") {
    throw new ConfigError(
      `unknown command ${JSON.stringify(command)}: expected "stress", "plan", "report" or "hyperd"`,
    );
  }
  const outputDir = command === "stress" ? await prepareOutputDir(config.outputDir) : "";
  const binary = await locateHyperd({
    explicitPath: config.hyperdPath,
    cacheDir: config.cacheDir ?? defaultCacheDir(env),
  });
  console.error(`hyperstress: hyperd ${binary.version} at ${binary.path} (${binary.source})`);
  if (command === "hyperd") return 0;
  console.error(`hyperstress: output dir ${outputDir}`);
  console.error(
    `hyperstress: seed ${layout.globalSeed} (replay with --replay-file ${outputDir}/replay.json)`,
  );
  const changed = changedSettings(config);
  if (Object.keys(changed).length > 0) {
    console.error(`hyperstress: settings ${JSON.stringify(changed)}`);
  }

  const interrupt = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      console.error("hyperstress: stopping (press Ctrl-C again to quit at once)");
      interrupt.abort("signal");
    } else {
      Hyperd.killAll();
      Deno.exit(130);
    }
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  try {
    const progress = new Progress(config);
    const { summary, paths } = await stress(config, layout, binary, outputDir, interrupt.signal, {
      onSecond: (view) => progress.update(view),
    });
    progress.finish();
    console.log(summaryText(summary));
    const written = [paths.summary, paths.replay, paths.report, paths.junit].filter(Boolean);
    console.error(`hyperstress: wrote ${written.join(", ")}`);
    return summary.exitCode;
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
  }
}

/** `report <summary.json>`: writes report.html beside a saved summary. */
async function rebuildReport(summaryPath: string | undefined): Promise<number> {
  if (!summaryPath) {
    throw new ConfigError("report: expected the path of a summary.json, got nothing");
  }
  let summary: Summary;
  try {
    summary = JSON.parse(await Deno.readTextFile(summaryPath));
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new ConfigError(
      `report: expected a readable summary.json, got ${JSON.stringify(summaryPath)} (${
        (error as Error).message
      })`,
    );
  }
  if (summary.schemaVersion !== SUMMARY_SCHEMA_VERSION) {
    throw new ConfigError(
      `report: expected a summary with schemaVersion ${SUMMARY_SCHEMA_VERSION}, got ${summary.schemaVersion}`,
    );
  }
  const out = join(dirname(summaryPath), "report.html");
  await writeText(out, reportHtml(summary));
  console.error(`hyperstress: wrote ${out}`);
  return 0;
}
