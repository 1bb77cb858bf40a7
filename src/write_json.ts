/** Writes JSON artifacts atomically, so a reader never sees half a file. */

/** Writes `value` as pretty JSON to `path` via a temp file and a rename. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  const temp = `${path}.tmp-${crypto.randomUUID()}`;
  await Deno.writeTextFile(temp, JSON.stringify(value, null, 2) + "\n");
  await Deno.rename(temp, path);
}
