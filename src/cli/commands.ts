/** The commands by name: `stress`, `plan`, `report` and `hyperd`. */
import { limitWarnings } from "../config/limit_warnings.ts";
import type { Replay } from "../config/replay.ts";
import { runLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";
import { EXIT } from "../exit_codes.ts";
import { defaultCacheDir, type HyperdBinary, locateHyperd } from "../hyperd/locate.ts";
import { freeDiskBytes, totalMemoryBytes } from "../run/host_facts.ts";
import { prepareOutputDir, removePreviousRun } from "../run/output_dir.ts";
import { buildPlan } from "./plan.ts";
import { reportCommand } from "./report_command.ts";
import { stressCommand } from "./stress_command.ts";

/** Runs the command named by the first positional word and returns the exit code. */
export async function runCommand(
  positionals: string[],
  config: Config,
  env: Record<string, string | undefined>,
  replay?: Replay,
): Promise<number> {
  const [command = "stress", ...rest] = positionals;
  if (command === "report") return await reportCommand(rest[0]);
  const layout = runLayout(config, replay);
  if (command === "plan") {
    console.log(JSON.stringify(buildPlan(config, layout), null, 2));
    return EXIT.ok;
  }
  if (command !== "stress" && command !== "hyperd") {
    throw new ConfigError(
      `unknown command ${JSON.stringify(command)}: expected "stress", "plan", "report" or "hyperd"`,
    );
  }
  if (command === "hyperd") {
    await findHyperd(config, env);
    return EXIT.ok;
  }
  // Locked before anything is written, and held until the run's files are all written.
  const outputDir = await prepareOutputDir(config.outputDir);
  try {
    const removed = await removePreviousRun(outputDir.path);
    if (removed.length > 0) {
      console.error(
        `hyperstress: replacing the previous run in ${outputDir.path} (removed ${
          removed.join(", ")
        })`,
      );
    }
    const warnings = limitWarnings({
      ...config,
      outputDir: outputDir.path,
      totalMemoryBytes: totalMemoryBytes(),
      freeDiskBytes: await freeDiskBytes(outputDir.path),
    });
    for (const warning of warnings) console.error(`hyperstress: warning: ${warning}`);
    const binary = await findHyperd(config, env);
    return await stressCommand(config, layout, binary, outputDir.path);
  } finally {
    await outputDir.release();
  }
}

/** Finds (or installs) hyperd and says which one the run uses. */
async function findHyperd(
  config: Config,
  env: Record<string, string | undefined>,
): Promise<HyperdBinary> {
  const binary = await locateHyperd({
    explicitPath: config.hyperdPath,
    cacheDir: config.cacheDir ?? defaultCacheDir(env),
  });
  console.error(`hyperstress: hyperd ${binary.version} at ${binary.path} (${binary.source})`);
  return binary;
}
