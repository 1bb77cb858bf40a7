/** hyperstress command line: parse, configure, run, and turn errors into exit codes. */
import { parseCommandLine } from "./src/cli/args.ts";
import { runCommand } from "./src/cli/commands.ts";
import { commandHelpText, helpText } from "./src/cli/help.ts";
import { versionText } from "./src/cli/version_command.ts";
import { readReplay } from "./src/config/replay.ts";
import { resolveConfig } from "./src/config/resolve.ts";
import { ENV_NAMES, SETTINGS } from "./src/config/settings.ts";
import { EXIT } from "./src/verdict_policy.ts";
import { ConfigError, HyperstressError } from "./src/errors.ts";
import { defaultCacheDir } from "./src/hyperd/locate.ts";
import { HyperdProcesses } from "./src/hyperd/process.ts";
import { consoleOutput, type Output } from "./src/output.ts";

/** Only the variables hyperstress reads, so `--allow-env` can name exactly these. */
const READ_ENV = [...ENV_NAMES, "HOME", "LOCALAPPDATA"];

async function main(args: string[], output: Output): Promise<number> {
  const parsed = parseCommandLine(args);
  // A compiled hyperstress is run by hand: with nothing to do, it says how to use it.
  if (parsed.help || parsed.positionals[0] === "help" || (Deno.build.standalone && !args.length)) {
    output.print(helpOf(parsed.positionals));
    return EXIT.ok;
  }
  const env = Object.fromEntries(READ_ENV.map((name) => [name, Deno.env.get(name)]));
  if (parsed.version) {
    // Read raw, not resolved: a bad setting elsewhere must not hide the versions.
    const cacheDir = parsed.flags.cacheDir ?? (env[SETTINGS.cacheDir.env] || defaultCacheDir(env));
    const hyperdPath = parsed.flags.hyperdPath ?? (env[SETTINGS.hyperdPath.env] || undefined);
    output.print(await versionText({ hyperdPath, cacheDir }));
    return EXIT.ok;
  }
  // The replay file is read first, so the config is resolved once, with it.
  const replayPath = parsed.flags.replayFile ?? (env[SETTINGS.replayFile.env] || undefined);
  const replayOrigin = parsed.flags.replayFile !== undefined
    ? "--replay-file"
    : SETTINGS.replayFile.env;
  const replay = replayPath ? await readReplay(replayPath, replayOrigin) : undefined;
  const config = resolveConfig(parsed.flags, env, replay);
  const context = { output, env, commandLine: args, processes: new HyperdProcesses() };
  return await runCommand(parsed.positionals, config, context, replay);
}

/** `--help`, `help`, `help COMMAND` or `COMMAND --help`: the general help or that command's. */
function helpOf(positionals: string[]): string {
  const words = positionals[0] === "help" ? positionals.slice(1) : positionals;
  if (words.length > 1) {
    throw new ConfigError(`help: expected one command, got ${words.join(" ")}`);
  }
  return words.length === 1 ? commandHelpText(words[0]) : helpText();
}

const output = consoleOutput();
try {
  Deno.exit(await main([...Deno.args], output));
} catch (error) {
  if (error instanceof Deno.errors.NotCapable) {
    // Deno's own words name the permission flag to add; the README lists them all.
    output.say(`missing permission: ${error.message}`);
    Deno.exit(EXIT.usage);
  }
  if (error instanceof HyperstressError) {
    output.say(error.message);
    Deno.exit(error.exitCode);
  }
  // The stack too: this is a bug in hyperstress, and the stack is what its report needs.
  output.say(`unexpected internal error: ${error instanceof Error ? error.stack : error}`);
  Deno.exit(EXIT.internal);
}
