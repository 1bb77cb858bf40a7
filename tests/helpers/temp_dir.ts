/** A temp dir for one test, removed whatever happens. */

/** Runs `body` with a fresh temp dir and removes it afterwards. */
export async function withTempDir<T>(
  body: (dir: string) => Promise<T>,
  prefix = "hyperstress-test-",
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix });
  try {
    return await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
