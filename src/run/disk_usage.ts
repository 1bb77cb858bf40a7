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
