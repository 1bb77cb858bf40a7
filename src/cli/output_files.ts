/**
 * Output files outside the output dir (`--junit`, `--out`) checked before anything starts, so a
 * path that cannot be written stops with a usage error at once, not after the whole run.
 */
import { dirname, resolve } from "node:path";
import { parseMetricsOut } from "../config/metrics_out.ts";
import { settingName } from "../config/origin.ts";
import type { Config, ORIGINS } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";

/** One output file and the flag or env variable that named it. */
export interface OutputFile {
  path: string;
  origin: string;
}

/**
 * Checks that each file can be written where it is named: its directory exists (it is made when
 * missing) and takes a new file (a probe file is created and removed), and the path is not a directory. Throws one
 * ConfigError listing every file that cannot; a missing permission is rethrown as it is.
 */
export async function checkOutputFiles(files: OutputFile[]): Promise<void> {
  const problems: string[] = [];
  for (const file of files) {
    const problem = await whyNotWritable(file.path);
    if (problem) {
      problems.push(
        `${file.origin}: expected a file path in a writable directory, got ${
          JSON.stringify(file.path)
        } (${problem}); name a file in an existing directory you can write to`,
      );
    }
  }
  if (problems.length === 1) throw new ConfigError(problems[0]);
  if (problems.length > 1) {
    throw new ConfigError(`output files cannot be written:\n  ${problems.join("\n  ")}`);
  }
}

/** Why `path` cannot be written, or null when it can. */
async function whyNotWritable(path: string): Promise<string | null> {
  const dir = dirname(resolve(path));
  try {
    if ((await Deno.stat(path)).isDirectory) return `${path} is a directory`;
  } catch (error) {
    // Absent, or under a file: the directory check below says which.
    const absent = error instanceof Deno.errors.NotFound ||
      error instanceof Deno.errors.NotADirectory;
    if (!absent) return reason(error);
  }
  try {
    if (!(await Deno.stat(dir)).isDirectory) return `${dir} is not a directory`;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) return reason(error);
    // `--junit out/junit.xml` on a fresh checkout: the folder is made, as the output dir is.
    try {
      await Deno.mkdir(dir, { recursive: true });
    } catch (mkdirError) {
      return `directory ${dir} does not exist and could not be made (${reason(mkdirError)})`;
    }
  }
  // The same kind of name the artifact writer uses for its temp file, created and removed.
  const probe = `${path}.tmp-${crypto.randomUUID()}`;
  try {
    await Deno.writeFile(probe, new Uint8Array(), { createNew: true });
    await Deno.remove(probe);
    return null;
  } catch (error) {
    return reason(error);
  }
}

/** The OS's words for a failure; a missing Deno permission is not ours to reword. */
function reason(error: unknown): string {
  if (error instanceof Deno.errors.NotCapable) throw error;
  const message = error instanceof Error ? error.message : String(error);
  // Deno appends `: <op> '<path>'`, which names the probe file rather than the user's.
  return message.replace(/: \w+ '.*'$/s, "");
}

/**
 * The output files `config` names outside the output dir, each named by the flag or variable
 * that set it (the config's origins).
 */
export function outputFilesOf(
  config: Pick<Config, "junit" | typeof ORIGINS> & Partial<Pick<Config, "out">>,
): OutputFile[] {
  const files: OutputFile[] = [];
  if (config.junit) files.push({ path: config.junit, origin: settingName(config, "junit") });
  for (const spec of config.out ?? []) {
    const parsed = parseMetricsOut(spec);
    if (typeof parsed === "string") continue; // the config was validated already
    files.push({ path: parsed.path, origin: settingName(config, "out") });
  }
  return files;
}
