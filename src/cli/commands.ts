/**
 * The commands by name: `stress`, `sweep`, `shrink`, `plan`, `merge`, `report`, `compare` and
 * `hyperd`.
 */
import { attachProblems } from "../config/attach_checks.ts";
import type { Replay } from "../config/replay.ts";
import { runLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";
import { EXIT } from "../verdict_policy.ts";
import { defaultCacheDir, type HyperdBinary, locateHyperd } from "../hyperd/locate.ts";
import { checkWorkerModulesReadable } from "../users/worker_pool.ts";
import { compareCommand } from "./compare_command.ts";
import { closest } from "./did_you_mean.ts";
import { mergeCommand } from "./merge_command.ts";
import { checkOutputFiles, outputFilesOf } from "./output_files.ts";
import { buildPlan } from "./plan.ts";
import { reportCommand } from "./report_command.ts";
import { shrinkCommand } from "./shrink_command.ts";
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
  if (command === "compare") return await compareCommand(rest, config, env);
  if (command === "merge") return await mergeCommand(rest, config, env);
  checkAttach(config);
  // Before anything starts: without it every worker fails once hyperd is up.
  if (["stress", "sweep", "shrink"].includes(command)) checkWorkerModulesReadable();
  if (command === "sweep") return await sweepCommand(config, () => findHyperd(config, env), rest);
  if (command === "shrink") {
    return await shrinkCommand(config, replay, await findHyperd(config, env));
  }
  const layout = runLayout(config, replay);
  if (command === "plan") {
    console.log(JSON.stringify(buildPlan(config, layout), null, 2));
    return EXIT.ok;
  }
  if (command !== "stress" && command !== "hyperd") throw unknownCommand(command);
  if (command === "hyperd") {
    await findHyperd(config, env);
    return EXIT.ok;
  }
  // Checked before hyperd is found or started: a bad path must not cost the whole run.
  await checkOutputFiles(outputFilesOf(config, env));
  // An attached run loads a hyperd someone else runs: none is looked for or installed.
  const binary = config.endpoint ? null : await findHyperd(config, env);
  return await stressCommand(config, layout, binary);
}

/** Settings of attaching and segments that do not go together stop everything (ConfigError). */
function checkAttach(config: Config): void {
  const problems = attachProblems(config);
  if (problems.length === 1) throw new ConfigError(problems[0]);
  if (problems.length > 1) {
    throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  }
}

/** The commands, in the order errors list them. */
const COMMANDS = ["stress", "sweep", "shrink", "plan", "merge", "report", "compare", "hyperd"];

/** `unknown command "stres"; did you mean "stress"?`, or the list of commands. */
function unknownCommand(command: string): ConfigError {
  const suggestion = closest(command, COMMANDS);
  const names = COMMANDS.map((c) => JSON.stringify(c));
  return new ConfigError(
    suggestion
      ? `unknown command ${JSON.stringify(command)}; did you mean ${JSON.stringify(suggestion)}?`
      : `unknown command ${JSON.stringify(command)}: expected ${names.slice(0, -1).join(", ")} ` +
        `or ${names.at(-1)}`,
  );
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
