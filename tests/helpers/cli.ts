/** Runs the hyperstress command line as a user would, in a subprocess. */
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

/** The outcome of one command-line run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The permission and V8 flags of a deno.json task, with `$HOME` expanded as `deno task` does. */
export function taskPermissions(task: string): string[] {
  const config = JSON.parse(Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)));
  return (config.tasks[task] as string)
    .split(" ")
    .filter((word) => word.startsWith("--allow-") || word.startsWith("--v8-flags="))
    .map((flag) => flag.replaceAll("$HOME", Deno.env.get("HOME") ?? ""));
}

/** Permissions the `stress` task grants; tests run the CLI with exactly these. */
export const TASK_PERMISSIONS: string[] = taskPermissions("hyperstress");

/** Starts `deno run main.ts ...args` with `env` added to a clean environment. */
export function spawnCli(
  args: string[],
  env: Record<string, string> = {},
  permissions: string[] = TASK_PERMISSIONS,
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, MAIN, ...args],
    env: { NO_COLOR: "1", ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Longest a CLI run of the tests may take: the longest takes about a minute on a busy machine. */
export const CLI_DEADLINE_MS = 300_000;

/**
 * Runs the CLI to the end and collects its output. A run still going after CLI_DEADLINE_MS is
 * killed with the hyperd it started, and the test fails with its stderr instead of hanging CI.
 */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  permissions?: string[],
): Promise<CliResult> {
  const child = spawnCli(args, env, permissions);
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, CLI_DEADLINE_MS);
  const out = await child.output().finally(() => clearTimeout(deadline));
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const result = { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
  if (timedOut) {
    killStartedHyperd(result.stderr);
    const what = `hyperstress ${args.join(" ")}`;
    throw new Error(`${what} still ran after ${CLI_DEADLINE_MS / 1000} s:\n${result.stderr}`);
  }
  return result;
}

/** Kills the hyperd a killed CLI run started (its stderr names the pid), if it is still there. */
export function killStartedHyperd(stderr: string): void {
  const pid = Number(/hyperd pid (\d+)/.exec(stderr)?.[1]);
  if (!(pid > 0)) return;
  try {
    Deno.kill(pid, "SIGKILL");
  } catch { /* it ended with its callback connection */ }
}

/** Env that points a run at the same hyperd the tests use, wherever it came from. */
export function hyperdEnv(): Record<string, string> {
  const keep = [
    "HOME",
    "HYPERD_PATH",
    "HYPERSTRESS_CACHE_DIR",
    "PATH",
    "DENO_DIR",
  ];
  return Object.fromEntries(
    keep.flatMap((name) => {
      const value = Deno.env.get(name);
      return value === undefined ? [] : [[name, value]];
    }),
  );
}
