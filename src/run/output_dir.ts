/**
 * The run's output folder: created (a new temp dir when unset), held by one run at a time through
 * a lock file, and cleared of the previous run's files before a new run starts.
 */
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { ConfigError } from "../errors.ts";
import { RESERVE_FILE } from "./space_reserve.ts";

/** The lock file a run holds in its output dir; it contains the run's pid. */
export const LOCK_FILE = ".hyperstress.lock";

/** An output dir this run holds; `release()` (or `await using`) gives it up. */
export interface OutputDir extends AsyncDisposable {
  /** Absolute path of the dir. */
  readonly path: string;
  /** Removes the lock file and lets go of the lock; safe to call more than once. */
  release(): Promise<void>;
}

/**
 * Creates the output dir if needed and takes its lock, which also proves it writable. A dir
 * another live run holds is a ConfigError naming that run's pid; nothing is written then.
 */
export async function prepareOutputDir(outputDir: string | undefined): Promise<OutputDir> {
  if (outputDir === undefined) {
    return await lockDir(await Deno.makeTempDir({ prefix: "hyperstress-" }), undefined);
  }
  try {
    await Deno.mkdir(outputDir, { recursive: true });
  } catch (error) {
    throw notWritable(outputDir, error);
  }
  return await lockDir(await Deno.realPath(outputDir), outputDir);
}

/**
 * Takes the lock: the file is created with `createNew`, so two runs cannot both create it, and
 * held with an exclusive OS lock for the whole run. The OS drops that lock when its process dies,
 * so a lock file that can be locked is stale and is taken over; that needs no pid lookup (which
 * Deno allows only with --allow-run) and cannot be fooled by a reused pid.
 */
async function lockDir(dir: string, given: string | undefined): Promise<OutputDir> {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 10; attempt++) {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true, write: true, createNew: true });
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw notWritable(given ?? dir, error);
      try {
        file = await Deno.open(path, { read: true, write: true });
      } catch (reopen) {
        if (reopen instanceof Deno.errors.NotFound) continue; // released meanwhile
        throw notWritable(given ?? dir, reopen);
      }
    }
    if (!await file.tryLock(true)) {
      file.close();
      const pid = await holderPid(path);
      const holder = pid === undefined ? "another hyperstress run" : `hyperstress pid ${pid}`;
      throw new ConfigError(
        `output dir ${dir} is in use by ${holder}: wait for that run to end or choose another ` +
          `--output-dir (STRESS_OUTPUT_DIR)`,
      );
    }
    // A run that was releasing may have removed the file we locked: start over then.
    if (!await isSameFile(file, path)) {
      file.close();
      continue;
    }
    try {
      await file.truncate(0);
      await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
    } catch (error) {
      await Deno.remove(path).catch(() => {});
      file.close();
      throw notWritable(given ?? dir, error);
    }
    return heldDir(dir, path, file);
  }
  throw new ConfigError(
    `output dir ${dir}: expected to take its lock ${LOCK_FILE}, but other runs kept taking and ` +
      `releasing it; start one run at a time in a dir`,
  );
}

function heldDir(dir: string, lockPath: string, file: Deno.FsFile): OutputDir {
  let released = false;
  // Removed while still locked, so no other run can lock the file and then lose it to us.
  const removeLockFile = () => {
    if (released) return;
    released = true;
    globalThis.removeEventListener("unload", removeLockFile);
    try {
      const [held, named] = [file.statSync(), Deno.statSync(lockPath)];
      if (held.ino === named.ino && held.dev === named.dev) Deno.removeSync(lockPath);
    } catch {
      /* already gone */
    } finally {
      file.close();
    }
  };
  // Deno.exit (a second Ctrl-C) skips `finally` blocks but runs `unload`; a lock file left by
  // a killed run is harmless, as its OS lock is gone, but a tidy dir is better.
  globalThis.addEventListener("unload", removeLockFile);
  const release = () => Promise.resolve(removeLockFile());
  return { path: dir, release, [Symbol.asyncDispose]: release };
}

/** The pid written in a held lock file; a run that just created it may not have written it. */
async function holderPid(path: string): Promise<number | undefined> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const text = await Deno.readTextFile(path).catch(() => "");
    if (/^\d+\s*$/.test(text)) return Number(text.trim());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

async function isSameFile(file: Deno.FsFile, path: string): Promise<boolean> {
  try {
    const [held, named] = await Promise.all([file.stat(), Deno.stat(path)]);
    return held.ino === named.ino && held.dev === named.dev;
  } catch {
    return false;
  }
}

function notWritable(outputDir: string, error: unknown): Error {
  if (error instanceof Deno.errors.NotCapable) return error;
  return new ConfigError(
    `STRESS_OUTPUT_DIR / --output-dir: expected a writable directory, got ${
      JSON.stringify(outputDir)
    } (${(error as Error).message})`,
  );
}

/** hyperd's log files in `log/`: `hyperd.log`, or `hyperd_<time>.log` with a size limit. */
const LOG_FILE = /^hyperd(_.+)?\.log$/;

/**
 * Whether `name`, in an output dir, is a file a run of hyperstress makes: its databases, its
 * artifacts and their temp files (`<name>.tmp-<uuid>`), and a space reserve a killed run left.
 */
export function isRunFile(name: string): boolean {
  return /^db_\d+\.hyper$/.test(name) || name === RESERVE_FILE ||
    /^(summary\.json|replay\.json|report\.html|schedule\.jsonl.*)$/.test(name) ||
    /\.tmp-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(name);
}

/**
 * Removes what a previous run left in `dir` (its databases, hyperd's logs and its artifacts) and
 * returns the names removed, databases first; files hyperstress does not make stay. Call it only
 * while holding the dir's lock.
 */
export async function removePreviousRun(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && isRunFile(entry.name)) {
      await Deno.remove(join(dir, entry.name));
      removed.push(entry.name);
    }
  }
  // hyperd appends to an existing log and the monitor reads it from the start.
  const logDir = join(dir, "log");
  const logs: string[] = [];
  try {
    for await (const entry of Deno.readDir(logDir)) {
      if (entry.isFile && LOG_FILE.test(entry.name)) logs.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) {
      throw error;
    }
  }
  for (const name of logs) {
    await Deno.remove(join(logDir, name));
    removed.push(`log/${name}`);
  }
  if (logs.length > 0) await Deno.remove(logDir).catch(() => {}); // kept if not empty
  return removed.sort(byKind);
}

/** Databases first, in index order, then the rest by name. */
function byKind(a: string, b: string): number {
  const index = (name: string) => {
    const match = /^db_(\d+)\.hyper$/.exec(name);
    return match ? Number(match[1]) : Infinity;
  };
  return index(a) - index(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * `file` joined to `dir`, or a ConfigError when the result would lie outside `dir` (a name like
 * `../x.hyper` or an absolute path from a replay file).
 */
export function pathInside(dir: string, file: string): string {
  const path = resolve(dir, file);
  const rel = relative(resolve(dir), path);
  if (rel === "" || rel.split(sep)[0] === ".." || isAbsolute(rel)) {
    throw new ConfigError(
      `database file ${JSON.stringify(file)}: expected a file inside the output dir ${dir}, ` +
        `got ${path}; database files are named db_<index>.hyper`,
    );
  }
  return path;
}
