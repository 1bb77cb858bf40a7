/**
 * Finds a working hyperd: the one the user named, a cached or installed copy, a pip-installed
 * tableauhyperapi, or, failing those, installs the npm package `hyperdb-mcp-<platform>`.
 */
import { dirname, join } from "node:path";
import { ConfigError, HyperdError } from "../errors.ts";
import type { Say } from "../output.ts";

/** npm package version that ships hyperd. */
export const HYPERD_PACKAGE_VERSION = "0.7.3";

/** A hyperd binary that answered `--version`. */
export interface HyperdBinary {
  path: string;
  /** First line of `hyperd --version`, e.g. `Hyper version main.0.0.26359.r07abb490`. */
  version: string;
  /** Where it was found: `--hyperd`, `cache`, `node_modules`, `tableauhyperapi` or `npm install`. */
  source: string;
}

/** Where to look and whether installing is allowed. */
export interface LocateOptions {
  /** `--hyperd` / `HYPERD_PATH`: the binary or the folder holding it. */
  explicitPath?: string;
  /** How the user named it (`--hyperd`, `HYPERD_PATH`), for the found line and errors. */
  explicitName?: string;
  /** Folder where installs are cached. */
  cacheDir: string;
  /** Allow `npm pack` to install the package into the cache. */
  install?: boolean;
  /** Where a line for the person watching goes (that an install of about 90 MB starts). */
  say: Say;
}

const exe = Deno.build.os === "windows" ? "hyperd.exe" : "hyperd";

/** The npm package name for this platform, or null where none is published. */
export function npmPackageName(
  os = Deno.build.os,
  arch = Deno.build.arch,
): string | null {
  if (os === "linux" && arch === "x86_64") return "hyperdb-mcp-linux-x64-gnu";
  if (os === "darwin" && arch === "aarch64") return "hyperdb-mcp-darwin-arm64";
  if (os === "windows" && arch === "x86_64") {
    return "hyperdb-mcp-win32-x64-msvc";
  }
  return null;
}

/**
 * The default cache folder: `~/.cache/hyperstress` (`%LOCALAPPDATA%/hyperstress` on Windows),
 * where an installed hyperd is kept.
 */
export function defaultCacheDir(env: Record<string, string | undefined>): string {
  if (Deno.build.os === "windows" && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "hyperstress");
  if (env.HOME) return join(env.HOME, ".cache", "hyperstress");
  return ".hyperstress-cache";
}

/** The folder in the cache that holds the installed package's files. */
export function cachedPackageDir(cacheDir: string): string {
  return join(cacheDir, `hyperd-${HYPERD_PACKAGE_VERSION}`);
}

/** Resolves hyperd in the documented order; the error lists everything tried. */
export async function locateHyperd(options: LocateOptions): Promise<HyperdBinary> {
  const tried: string[] = [];
  if (options.explicitPath) {
    const named = options.explicitName ?? "--hyperd";
    const found = await probe(await binaryIn(options.explicitPath), named, tried, true);
    if (found) return found;
    // The user named it, so a wrong path is a usage error (ConfigError), not hyperd failing.
    const { message } = notFound(tried, `check the path given with ${named}`);
    throw new ConfigError(message);
  }

  const packageName = npmPackageName();
  const cached = join(cachedPackageDir(options.cacheDir), exe);
  const candidates: [() => Promise<string | null>, string][] = [
    [() => Promise.resolve(cached), "cache"],
    [() => Promise.resolve(packageName && join("node_modules", packageName, exe)), "node_modules"],
    [() => tableauHyperApiBinary(tried), "tableauhyperapi"],
  ];
  for (const [candidate, source] of candidates) {
    const path = await candidate();
    const found = path ? await probe(path, source, tried) : null;
    if (found) return found;
  }

  if (!packageName) {
    tried.push(`npm package: none published for ${Deno.build.os}-${Deno.build.arch}`);
  } else if (options.install !== false) {
    if (await installFromNpm(packageName, dirname(cached), tried, options.say)) {
      const found = await probe(cached, "npm install", tried);
      if (found) return found;
    }
  }
  throw notFound(
    tried,
    "install it with `npm pack " + (packageName ?? "hyperdb-mcp-<platform>") +
      `@${HYPERD_PACKAGE_VERSION}\` and pass the unpacked folder with --hyperd, ` +
      "or `pip install tableauhyperapi`",
  );
}

async function binaryIn(path: string): Promise<string> {
  try {
    return (await Deno.stat(path)).isDirectory ? join(path, exe) : path;
  } catch {
    return path;
  }
}

/** Runs `hyperd --version`; records why a candidate failed. Missing permissions are rethrown. */
async function probe(
  path: string,
  source: string,
  tried: string[],
  named = false,
): Promise<HyperdBinary | null> {
  try {
    await Deno.stat(path);
  } catch (error) {
    // A path the user named must be readable; a place we only look at may not be.
    if (error instanceof Deno.errors.NotCapable && named) throw error;
    tried.push(
      error instanceof Deno.errors.NotCapable
        ? `${source}: ${path} (no read permission to look)`
        : `${source}: ${path} does not exist`,
    );
    return null;
  }
  try {
    const out = await new Deno.Command(path, {
      args: ["--version"],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const version = new TextDecoder().decode(out.stdout).split("\n")[0].trim();
    if (out.success && version) return { path, version, source };
    tried.push(`${source}: ${path} --version failed (exit ${out.code})`);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    tried.push(`${source}: ${path} could not run: ${(error as Error).message}`);
  }
  return null;
}

/** Asks python3 where tableauhyperapi is installed; null when it is not. */
async function tableauHyperApiBinary(tried: string[]): Promise<string | null> {
  const script = "import os, tableauhyperapi; print(os.path.dirname(tableauhyperapi.__file__))";
  for (const python of ["python3", "python"]) {
    try {
      const out = await new Deno.Command(python, {
        args: ["-c", script],
        stdout: "piped",
        stderr: "null",
      }).output();
      if (out.success) {
        return join(
          new TextDecoder().decode(out.stdout).trim(),
          "bin",
          "hyper",
          exe,
        );
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) continue;
    }
  }
  tried.push("tableauhyperapi: not installed for python3");
  return null;
}

/** `npm pack` the package into a temp folder, unpack it, move it into the cache. */
async function installFromNpm(
  packageName: string,
  target: string,
  tried: string[],
  say: Say,
): Promise<boolean> {
  const spec = `${packageName}@${HYPERD_PACKAGE_VERSION}`;
  await Deno.mkdir(dirname(target), { recursive: true });
  const work = await Deno.makeTempDir({
    dir: dirname(target),
    prefix: ".install-",
  });
  try {
    say(`installing hyperd from npm (${spec}, about 90 MB) into ${target}`);
    const npm = Deno.build.os === "windows" ? "npm.cmd" : "npm";
    const pack = await run(npm, [
      "pack",
      spec,
      "--pack-destination",
      work,
      "--silent",
    ]);
    if (!pack.ok) {
      tried.push(`npm install: \`npm pack ${spec}\` failed: ${pack.message}`);
      return false;
    }
    const tarball = pack.stdout.trim().split("\n").pop()!;
    const untar = await run("tar", ["-xzf", join(work, tarball), "-C", work]);
    if (!untar.ok) {
      tried.push(`npm install: unpacking ${tarball} failed: ${untar.message}`);
      return false;
    }
    await Deno.remove(target, { recursive: true }).catch(() => {});
    await Deno.rename(join(work, "package"), target);
    return true;
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

async function run(
  cmd: string,
  args: string[],
): Promise<{ ok: boolean; stdout: string; message: string }> {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr).trim().split("\n")
      .slice(-3).join(" ");
    return {
      ok: out.success,
      stdout: new TextDecoder().decode(out.stdout),
      message: stderr,
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    return {
      ok: false,
      stdout: "",
      message: `${cmd} could not run: ${(error as Error).message}`,
    };
  }
}

function notFound(tried: string[], fix: string): HyperdError {
  return new HyperdError(
    "HYPERD_NOT_FOUND",
    `no working hyperd found. Tried:\n  ${tried.join("\n  ")}\nTo fix: ${fix}.`,
  );
}
