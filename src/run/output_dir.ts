/** The run's output folder: created (a new temp dir when unset) and checked writable up front. */
import { join } from "node:path";
import { ConfigError } from "../errors.ts";

/** Creates the output dir if needed and proves it writable; returns its absolute path. */
export async function prepareOutputDir(outputDir: string | undefined): Promise<string> {
  if (outputDir === undefined) return await Deno.makeTempDir({ prefix: "hyperstress-" });
  const probe = join(outputDir, `.hyperstress-write-check-${crypto.randomUUID()}`);
  try {
    await Deno.mkdir(outputDir, { recursive: true });
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new ConfigError(
      `STRESS_OUTPUT_DIR / --output-dir: expected a writable directory, got ${
        JSON.stringify(outputDir)
      } (${(error as Error).message})`,
    );
  }
  return await Deno.realPath(outputDir);
}
