/** The commands by name: `stress`, `plan`, `report` and `hyperd`. */
import type { Replay } from "../config/replay.ts";
import { runLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";
import { EXIT } from "../exit_codes.ts";
import { defaultCacheDir, type HyperdBinary, locateHyperd } from "../hyperd/locate.ts";
import { buildPlan } from "./plan.ts";
import { reportCommand } from "./report_command.ts";
import { stressCommand } from "./stress_command.ts";
import { sweepCommand } from "./sweep_command.ts";

/** Runs the command named by the first positional word and returns the exit code. */
export async function runCommand(
  positionals: string[],
  config: Config,
  env: Record<string, string | undefined>,
  replay?: Replay,
): Promise<number> {
  const [command = "stress", ...rest] = positionals;
  if (command === "report") return await reportCommand(rest[0]);
  if (command === "sweep") return await sweepCommand(config, () => findHyperd(config, env), rest);
  const layout = runLayout(config, replay);
  if (command === "plan") {
    console.log(JSON.stringify(buildPlan(config, layout), null, 2));
    return EXIT.ok;
  }
  if (command !== "stress" && command !== "hyperd") {
    throw new ConfigError(
      `unknown command ${
        JSON.stringify(command)
      }: expected "stress", "sweep", "plan", "report" or "hyperd"`,
    );
  }
  if (command === "hyperd") {
    await findHyperd(config, env);
    return EXIT.ok;
  }
  return await stressCommand(config, layout, await findHyperd(config, env));
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
