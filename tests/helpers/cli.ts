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
const CLI_DEADLINE_MS = 300_000;

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
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const out = await endedInTime(child, child.output(), (ended) => decode(ended.stderr));
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/**
 * What `ending` (the CLI run's output or status) gives; a run still going after CLI_DEADLINE_MS
 * is killed, and so is the hyperd its stderr names (read through `stderr` once it has ended),
 * and this throws with that stderr.
 */
export async function endedInTime<T>(
  child: Deno.ChildProcess,
  ending: Promise<T>,
  stderr: (ended: T) => string,
): Promise<T> {
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, CLI_DEADLINE_MS);
  const ended = await ending.finally(() => clearTimeout(deadline));
  if (!timedOut) return ended;
  const text = stderr(ended);
  const pid = Number(/hyperd pid (\d+)/.exec(text)?.[1]);
  try {
    if (pid > 0) Deno.kill(pid, "SIGKILL");
  } catch { /* it ended with its callback connection */ }
  throw new Error(`the run still ran after ${CLI_DEADLINE_MS / 1000} s:\n${text}`);
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
