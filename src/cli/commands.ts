/** The commands by name: `stress`, `plan`, `report` and `hyperd`. */
import type { Replay } from "../config/replay.ts";
import { runLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";
import { EXIT } from "../exit_codes.ts";
import { defaultCacheDir, locateHyperd } from "../hyperd/locate.ts";
import { prepareOutputDir } from "../run/output_dir.ts";
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
  const outputDir = command === "stress" ? await prepareOutputDir(config.outputDir) : "";
  const binary = await locateHyperd({
    explicitPath: config.hyperdPath,
    cacheDir: config.cacheDir ?? defaultCacheDir(env),
  });
  console.error(`hyperstress: hyperd ${binary.version} at ${binary.path} (${binary.source})`);
  if (command === "hyperd") return EXIT.ok;
  return await stressCommand(config, layout, binary, outputDir);
}
