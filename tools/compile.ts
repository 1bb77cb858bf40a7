/**
 * `deno task compile`: builds the standalone hyperstress and checks it before saying it did.
 *
 *   deno run --allow-run --allow-read --allow-write --allow-env=DENORT_BIN tools/compile.ts \
 *     <the binary's permission flags> [--target TARGET] [--output PATH]
 *
 * deno.json's compile task passes the permission flags, so they are written there, beside the
 * run task's; the modules the binary loads at run time are included here. A binary built for this
 * machine must answer `--version` with `hyperstress <version>`, or it is deleted and the build
 * fails: a DENORT_BIN that names deno instead of denort yields a binary that is plain Deno. A
 * binary for another target cannot run here: the message says it was not checked.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { VERSION } from "../src/version.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Loaded by the binary at run time (workers, the gRPC reader and its .proto), so included. */
const INCLUDES = [
  "src/users/user_worker.ts",
  "src/run/model_worker.ts",
  "src/encode/arrow_stream.ts",
  "src/wire/grpc_reader.ts",
  "src/wire/hyper_service.proto",
];

/** How long the built binary may take to print its version. */
const VERSION_TIMEOUT_MS = 60_000;

/** The value of `--name VALUE` or `--name=VALUE` in `args`, if given. */
export function flagValue(args: readonly string[], ...names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const name of names) {
      if (args[i] === name) return args[i + 1];
      if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
    }
  }
  return undefined;
}

/** The file deno compile writes: it adds `.exe` for a Windows target that lacks it. */
export function binaryPath(output: string, target: string): string {
  return target.includes("windows") && !output.endsWith(".exe") ? `${output}.exe` : output;
}

/** Why the first line of `--version` shows that the binary is not hyperstress, or null. */
export function notHyperstress(firstLine: string, version: string): string | null {
  const expected = `hyperstress ${version}`;
  return firstLine === expected
    ? null
    : `printed ${JSON.stringify(firstLine)} instead of ${JSON.stringify(expected)}`;
}

/** Runs `path --version` and returns its first line, or what went wrong. */
async function firstVersionLine(path: string): Promise<string> {
  try {
    const out = await new Deno.Command(path, {
      args: ["--version"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(VERSION_TIMEOUT_MS),
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim();
    return text.split("\n")[0] || `(nothing on stdout; exit ${out.code})`;
  } catch (error) {
    return `(it did not run: ${(error as Error).message})`;
  }
}

async function main(args: string[]): Promise<number> {
  const target = flagValue(args, "--target") ?? Deno.build.target;
  const output = flagValue(args, "--output", "-o") ?? "hyperstress";
  const outputArgs = flagValue(args, "--output", "-o") === undefined ? ["--output", output] : [];
  const includes = INCLUDES.flatMap((file) => ["--include", file]);
  const build = await new Deno.Command(Deno.execPath(), {
    args: ["compile", ...args, ...outputArgs, ...includes, "main.ts"],
    cwd: ROOT,
  }).spawn().status;
  if (!build.success) {
    console.error(
      `hyperstress: deno compile could not build the binary (exit ${build.code}). It needs ` +
        `Deno's runtime for ${target} (denort): it downloads it from dl.deno.land, or takes ` +
        "DENORT_BIN; where that download cannot work, set DENORT_BIN to a local denort of " +
        `Deno ${Deno.version.deno} or build where it can.`,
    );
    return 1;
  }
  // deno compile resolves a relative --output against the working dir it was given.
  const path = binaryPath(resolve(ROOT, output), target);
  const size = `${((await Deno.stat(path)).size / 2 ** 20).toFixed(1)} MB`;
  if (target !== Deno.build.target) {
    console.error(
      `hyperstress: built ${path} for ${target} (${size}); not checked here, as this machine is ` +
        `${Deno.build.target}: run \`${path} --version\` on ${target} to check it.`,
    );
    return 0;
  }
  const line = await firstVersionLine(path);
  const problem = notHyperstress(line, VERSION);
  if (problem) {
    await Deno.remove(path).catch(() => {});
    const denort = Deno.env.get("DENORT_BIN");
    console.error(
      `hyperstress: the binary deno compile built is not hyperstress, so it was deleted: ` +
        `\`${path} --version\` ${problem}. ` +
        (denort
          ? `DENORT_BIN is ${denort}: it must name denort (Deno's runtime without the CLI, ` +
            `denort-${target}.zip of Deno ${Deno.version.deno}), not deno, which yields a binary ` +
            "that is plain Deno."
          : "Check that the denort Deno downloaded matches this Deno."),
    );
    return 1;
  }
  console.error(`hyperstress: built ${path} (${size}); it answers --version with "${line}"`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
