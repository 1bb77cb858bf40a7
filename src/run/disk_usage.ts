/** Size of the run's databases on disk: every `db_*` file in the output dir, sidecars included. */

/** Bytes used by the run's database files in `outputDir`. */
export async function databaseBytes(outputDir: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(outputDir)) {
    if (!entry.isFile || !entry.name.startsWith("db_")) continue;
    try {
      total += (await Deno.stat(`${outputDir}/${entry.name}`)).size;
    } catch { /* removed meanwhile */ }
  }
  return total;
}
