/** hyperstress command line: parse, configure, run, and turn errors into exit codes. */
import { parseCommandLine } from "./src/cli/args.ts";
import { recordCommandLine } from "./src/cli/command_line.ts";
import { runCommand } from "./src/cli/commands.ts";
import { commandHelpText, helpText } from "./src/cli/help.ts";
import { versionText } from "./src/cli/version_command.ts";
import { readReplay } from "./src/config/replay.ts";
import { resolveConfig } from "./src/config/resolve.ts";
import { ENV_NAMES, SETTINGS } from "./src/config/settings.ts";
import { EXIT } from "./src/verdict_policy.ts";
import { ConfigError, HyperstressError } from "./src/errors.ts";
import { defaultCacheDir } from "./src/hyperd/locate.ts";

/** Only the variables hyperstress reads, so `--allow-env` can name exactly these. */
const READ_ENV = [...ENV_NAMES, "HOME", "LOCALAPPDATA"];

async function main(args: string[]): Promise<number> {
  recordCommandLine(args);
  const parsed = parseCommandLine(args);
  // A compiled hyperstress is run by hand: with nothing to do, it says how to use it.
  if (parsed.help || parsed.positionals[0] === "help" || (Deno.build.standalone && !args.length)) {
    console.log(helpOf(parsed.positionals));
    return EXIT.ok;
  }
  const env = Object.fromEntries(READ_ENV.map((name) => [name, Deno.env.get(name)]));
  if (parsed.version) {
    // Read raw, not resolved: a bad setting elsewhere must not hide the versions.
    const cacheDir = parsed.flags.cacheDir ?? (env[SETTINGS.cacheDir.env] || defaultCacheDir(env));
    const hyperdPath = parsed.flags.hyperdPath ?? (env[SETTINGS.hyperdPath.env] || undefined);
    console.log(await versionText({ hyperdPath, cacheDir }));
    return EXIT.ok;
  }
  // The replay file is read first, so the config is resolved once, with it.
  const replayPath = parsed.flags.replayFile ?? (env[SETTINGS.replayFile.env] || undefined);
  const replayOrigin = parsed.flags.replayFile !== undefined
    ? "--replay-file"
    : SETTINGS.replayFile.env;
  const replay = replayPath ? await readReplay(replayPath, replayOrigin) : undefined;
  const config = resolveConfig(parsed.flags, env, replay);
  return await runCommand(parsed.positionals, config, env, replay);
}

/** `--help`, `help`, `help COMMAND` or `COMMAND --help`: the general help or that command's. */
function helpOf(positionals: string[]): string {
  const words = positionals[0] === "help" ? positionals.slice(1) : positionals;
  if (words.length > 1) {
    throw new ConfigError(`help: expected one command, got ${words.join(" ")}`);
  }
  return words.length === 1 ? commandHelpText(words[0]) : helpText();
}

try {
  Deno.exit(await main(Deno.args));
} catch (error) {
  if (error instanceof Deno.errors.NotCapable) {
    // Deno's own words name the permission flag to add; the README lists them all.
    console.error(`hyperstress: missing permission: ${error.message}`);
    Deno.exit(EXIT.usage);
  }
  if (error instanceof HyperstressError) {
    console.error(`hyperstress: ${error.message}`);
    Deno.exit(error.exitCode);
  }
  console.error("hyperstress: unexpected internal error:", error);
  Deno.exit(EXIT.internal);
}
