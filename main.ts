/** hyperstress command line: parse, configure, run, and turn errors into exit codes. */
import { ENV_NAMES, parseCommandLine, resolveConfig } from "./src/config/settings.ts";
import { HyperstressError } from "./src/errors.ts";
import { helpText } from "./src/cli/help.ts";
import { readReplay } from "./src/config/replay.ts";
import { run } from "./src/cli/commands.ts";

/** Only the variables hyperstress reads, so `--allow-env` can name exactly these. */
const READ_ENV = [...ENV_NAMES, "HOME", "LOCALAPPDATA"];

async function main(args: string[]): Promise<number> {
  const parsed = parseCommandLine(args);
  if (parsed.help) {
    console.log(helpText());
    return 0;
  }
  const env = Object.fromEntries(READ_ENV.map((name) => [name, Deno.env.get(name)]));
  let config = resolveConfig(parsed.flags, env);
  const replay = config.replayFile ? await readReplay(config.replayFile) : undefined;
  if (replay) config = resolveConfig(parsed.flags, env, replay.config);
  return await run(parsed.positionals, config, env, replay);
}

try {
  Deno.exit(await main(Deno.args));
} catch (error) {
  if (error instanceof Deno.errors.NotCapable) {
    // Deno's own words name the permission flag to add; the README lists them all.
    console.error(`hyperstress: missing permission: ${error.message}`);
    Deno.exit(2);
  }
  if (error instanceof HyperstressError) {
    console.error(`hyperstress: ${error.message}`);
    Deno.exit(error.exitCode);
  }
  console.error("hyperstress: unexpected internal error:", error);
  Deno.exit(1);
}
