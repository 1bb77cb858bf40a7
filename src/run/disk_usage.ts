/**
 * Size of the run's databases on disk. hyperd keeps a database in its one `.hyper` file (no
 * sidecar files, even after a SIGKILL), and a run starts with the previous run's databases
 * removed and the dir locked (see output_dir.ts), so the `db_<N>.hyper` files are this run's.
 */
import { join } from "node:path";

const DATABASE_FILE = /^db_\d+\.hyper$/;

/** Bytes used by the run's database files (`db_<N>.hyper`) in `outputDir`. */
export async function databaseBytes(outputDir: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(outputDir)) {
    if (!entry.isFile || !DATABASE_FILE.test(entry.name)) continue;
    try {
      total += (await Deno.stat(join(outputDir, entry.name))).size;
    } catch { /* removed meanwhile */ }
  }
  return total;
}

/** Bytes of every file under `dir`, its subdirs included; unreadable entries count 0. */
export async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) total += await treeBytes(path);
      else if (entry.isFile) total += await Deno.stat(path).then((s) => s.size, () => 0);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
  }
  return total;
}

/** Deletes the run's database files (`db_<N>.hyper`) in `outputDir`; returns the bytes freed. */
export async function removeDatabaseFiles(outputDir: string): Promise<number> {
  let freed = 0;
  for await (const entry of Deno.readDir(outputDir)) {
    if (!entry.isFile || !DATABASE_FILE.test(entry.name)) continue;
    const path = join(outputDir, entry.name);
    const size = await Deno.stat(path).then((s) => s.size, () => 0);
    await Deno.remove(path);
    freed += size;
  }
  return freed;
}
