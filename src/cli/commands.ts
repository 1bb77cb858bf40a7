/**
 * The commands by name: `stress`, `sweep`, `shrink`, `plan`, `merge`, `report`, `compare` and
 * `hyperd`.
 */
import { attachProblems } from "../config/attach_checks.ts";
import type { Replay } from "../config/replay.ts";
import { runLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { settingName } from "../config/origin.ts";
import { ConfigError } from "../errors.ts";
import { EXIT } from "../verdict_policy.ts";
import { defaultCacheDir, type HyperdBinary, locateHyperd } from "../hyperd/locate.ts";
import { checkWorkerModulesReadable, preloadWorkerModules } from "../users/worker_pool.ts";
import { compareCommand } from "./compare_command.ts";
import type { CommandContext } from "./context.ts";
import { closest } from "../config/did_you_mean.ts";
import { COMMANDS } from "./command_table.ts";
import { checkPermissions } from "./permission_check.ts";
import { mergeCommand } from "./merge_command.ts";
import { checkOutputFiles, outputFilesOf } from "./output_files.ts";
import { buildPlan, planTable } from "./plan.ts";
import { reportCommand } from "./report_command.ts";
import { shrinkCommand } from "./shrink_command.ts";
import { shrinkQueryCommand } from "./shrink_query_command.ts";
import { stressCommand } from "./stress_command.ts";
import { sweepCommand } from "./sweep_command.ts";

/** Runs the command named by the first positional word and returns the exit code. */
export async function runCommand(
  positionals: string[],
  config: Config,
  context: CommandContext,
  replay?: Replay,
): Promise<number> {
  const [command = "stress", ...rest] = positionals;
  const { output, env } = context;
  if (!COMMANDS.includes(command)) throw unknownCommand(command);
  checkPositionals(command, rest, config);
  checkPermissions(config, env);
  if (command === "report") return await reportCommand(rest, output);
  if (command === "compare") return await compareCommand(rest, config, output);
  if (command === "merge") return await mergeCommand(rest, config, output);
  checkAttach(config);
  // Before anything starts: without it every worker fails once hyperd is up.
  if (["stress", "sweep", "shrink"].includes(command)) {
    checkWorkerModulesReadable();
    // A first run fetches the workers' npm packages now, before hyperd's start lines, not
    // between them and the first progress line. A failure here shows again, and better, there.
    const uses = { arrow: config.dataFormat === "arrow", grpc: config.transport === "grpc" };
    // A compiled binary carries its modules: nothing to fetch.
    if (!Deno.build.standalone) await preloadWorkerModules(uses).catch(() => {});
  }
  const find = () => findHyperd(config, context);
  if (command === "sweep") return await sweepCommand(config, find, rest, context);
  if (command === "shrink" && (config.until === "wrong-result" || config.until === "query-error")) {
    return await shrinkQueryCommand(config, await find(), context);
  }
  if (command === "shrink") return await shrinkCommand(config, replay, await find(), context);
  const layout = runLayout(config, replay);
  if (command === "plan") {
    output.print(
      config.planJson
        ? JSON.stringify(buildPlan(config, layout), null, 2)
        : planTable(config, layout),
    );
    return EXIT.ok;
  }
  if (command === "hyperd") {
    await find();
    return EXIT.ok;
  }
  // Checked before hyperd is found or started: a bad path must not cost the whole run.
  await checkOutputFiles(outputFilesOf(config));
  // An attached run loads a hyperd someone else runs: none is looked for or installed.
  const binary = config.endpoint ? null : await find();
  return await stressCommand(config, layout, binary, context);
}

/** Settings of attaching and segments that do not go together stop everything (ConfigError). */
function checkAttach(config: Config): void {
  const problems = attachProblems(config);
  if (problems.length === 1) throw new ConfigError(problems[0]);
  if (problems.length > 1) {
    throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  }
}

/** Commands that take words after their name; the rest take flags only. */
const WORDS_TAKEN: Record<string, (config: Config) => boolean> = {
  report: () => true,
  compare: () => true,
  merge: () => true,
  sweep: (config) => config.collect,
};

/**
 * A word no command takes is an error, not ignored: `--fail-on-findings false` or a value
 * after a flag that was misspelled must not run silently with a different meaning.
 */
export function checkPositionals(command: string, rest: string[], config: Config): void {
  if (rest.length === 0 || WORDS_TAKEN[command]?.(config)) return;
  const words = rest.map((word) => JSON.stringify(word)).join(" ");
  throw new ConfigError(
    `${command}: expected flags only, got ${words}; a flag's value goes right after it ` +
      `(\`--duration 60\`), and \`hyperstress help ${command}\` lists the flags`,
  );
}

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
async function findHyperd(config: Config, context: CommandContext): Promise<HyperdBinary> {
  const binary = await locateHyperd({
    explicitPath: config.hyperdPath,
    explicitName: settingName(config, "hyperdPath"),
    cacheDir: config.cacheDir ?? defaultCacheDir(context.env),
    say: context.output.say,
  });
  context.output.say(`hyperd ${binary.version} at ${binary.path} (${binary.source})`);
  return binary;
}
