/** Runs a real stress run in this process for a benchmark, with the tool's own code path. */
import { parseCommandLine } from "../src/cli/args.ts";
import { resolveConfig } from "../src/config/resolve.ts";
import { defaultCacheDir, type HyperdBinary, locateHyperd } from "../src/hyperd/locate.ts";
import { runLayout } from "../src/config/run_layout.ts";
import { type LiveView, stress } from "../src/run/stress.ts";
import { buildSummary, type Summary } from "../src/results/summary.ts";
import { consoleOutput } from "../src/output.ts";

/** The hyperd the benchmarks use: HYPERD_PATH, else the cached or installed one. */
export function benchHyperd(): Promise<HyperdBinary> {
  return locateHyperd({
    explicitPath: Deno.env.get("HYPERD_PATH") || undefined,
    cacheDir: Deno.env.get("HYPERSTRESS_CACHE_DIR") ||
      defaultCacheDir({ HOME: Deno.env.get("HOME") }),
    say: consoleOutput().say,
  });
}

/**
 * Runs `stress` with these flags in a new temp dir, calling `onSecond` while users run and
 * `onEnd` once the run has ended, before the temp dir (databases included) is removed.
 */
export async function benchRun(
  flags: string[],
  onSecond: (view: LiveView) => void = () => {},
  onEnd: () => void = () => {},
): Promise<Summary> {
  const config = resolveConfig(parseCommandLine(flags).flags, {});
  const dir = await Deno.makeTempDir({ prefix: "hyperstress-bench-" });
  try {
    const outcome = await stress({
      config,
      layout: runLayout(config),
      binary: await benchHyperd(),
      outputDir: dir,
      signal: new AbortController().signal,
      say: consoleOutput().say,
      onSecond,
    });
    const summary = buildSummary(outcome);
    onEnd();
    return summary;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
