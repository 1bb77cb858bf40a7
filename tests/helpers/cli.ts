/** Runs the hyperstress command line as a user would, in a subprocess. */
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

/** The outcome of one command-line run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Permissions the `stress` task grants; tests run the CLI with the same ones. */
export const TASK_PERMISSIONS = [
  "--allow-net=127.0.0.1,localhost",
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-env",
];

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

/** Runs the CLI to the end and collects its output. */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  permissions?: string[],
): Promise<CliResult> {
  const out = await spawnCli(args, env, permissions).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** Env that points a run at the same hyperd the tests use, wherever it came from. */
export function hyperdEnv(): Record<string, string> {
  const keep = [
    "HOME",
    "XDG_CACHE_HOME",
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
