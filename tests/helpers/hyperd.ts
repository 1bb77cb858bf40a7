/** Starts a real hyperd for a test and always stops it and removes its temp dir. */
import { join } from "node:path";
import { defaultCacheDir, type HyperdBinary, locateHyperd } from "../../src/hyperd/locate.ts";
import { Hyperd, type HyperdOptions } from "../../src/hyperd/process.ts";
import { connect, createDatabase, type HyperConnection } from "../../src/wire/connection.ts";
import { withTempDir } from "./temp_dir.ts";

let binary: Promise<HyperdBinary> | undefined;

/** The hyperd the tests use: HYPERD_PATH, else the cache, installing on first use. */
export function testBinary(): Promise<HyperdBinary> {
  binary ??= locateHyperd({
    explicitPath: Deno.env.get("HYPERD_PATH") || undefined,
    cacheDir: Deno.env.get("HYPERSTRESS_CACHE_DIR") ||
      defaultCacheDir(Deno.env.toObject()),
    // Installing takes a while on first use: say so.
    say: (line) => console.error(`testBinary(): ${line}`),
  });
  return binary;
}

/** Runs `body` with a started hyperd and a temp dir; stops both whatever happens. */
export async function withHyperd<T>(
  body: (hyperd: Hyperd, dir: string) => Promise<T>,
  options: Partial<HyperdOptions> = {},
): Promise<T> {
  return await withTempDir(async (dir) => {
    let hyperd: Hyperd | undefined;
    try {
      hyperd = await Hyperd.start({
        binary: (await testBinary()).path,
        logDir: join(dir, "log"),
        ...options,
      });
      return await body(hyperd, dir);
    } finally {
      await hyperd?.stop();
    }
  });
}

/** Creates the database at `path`, runs `body` on a connection to it, and always closes it. */
export async function withConnection<T>(
  hyperd: Hyperd,
  path: string,
  body: (conn: HyperConnection) => Promise<T>,
): Promise<T> {
  await createDatabase(hyperd, path);
  const conn = connect(hyperd, path);
  try {
    return await body(conn);
  } finally {
    await conn.sql.end();
  }
}

/** True while a process with this pid exists. */
export function processExists(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}
