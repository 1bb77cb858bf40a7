/** `compare BASE NEW`: two runs side by side, with the verdict as the exit code. */
import { join } from "node:path";
import { settingName } from "../config/origin.ts";
import type { Config, ORIGINS } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";
import type { Output } from "../output.ts";
import { writeText } from "../results/artifacts.ts";
import { type ComparedSummary, compareRuns } from "../results/compare.ts";
import { compareText } from "../results/compare_text.ts";
import { compareHtml } from "../results/report/compare_page.ts";
import { SUMMARY_SCHEMA_VERSION } from "../results/summary.ts";
import { checkOutputFiles } from "./output_files.ts";

/**
 * Compares NEW with BASE (each a run's output dir or its summary.json), prints the table and the
 * verdict, writes `--html` if asked, and returns 0, or 3 for a significant regression beyond
 * `--max-regression`.
 */
export async function compareCommand(
  args: string[],
  config: Pick<Config, "maxRegression" | "compareHtml" | typeof ORIGINS>,
  output: Output,
): Promise<number> {
  if (args.length !== 2) {
    throw new ConfigError(
      "compare: expected BASE and NEW, the output dirs (or summary.json files) of two runs, got " +
        (args.length === 0 ? "nothing" : args.map((a) => JSON.stringify(a)).join(" ")),
    );
  }
  const html = config.compareHtml;
  if (html) await checkOutputFiles([{ path: html, origin: settingName(config, "compareHtml") }]);
  const [base, next] = await Promise.all(args.map(readRun));
  const comparison = compareRuns(base, next, config.maxRegression);
  output.print(compareText(comparison));
  if (html) {
    await writeText(html, compareHtml(comparison));
    output.say(`wrote ${html}`);
  }
  return comparison.exitCode;
}

/** The summary.json of a run dir, or the file itself; a usage error naming what is wrong. */
async function readRun(path: string): Promise<{ path: string; summary: ComparedSummary }> {
  let file = path;
  let summary: ComparedSummary & { schemaVersion?: unknown };
  try {
    if ((await Deno.stat(path)).isDirectory) file = join(path, "summary.json");
    summary = JSON.parse(await Deno.readTextFile(file));
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new ConfigError(
      `compare: expected a run's output dir or its summary.json, got ${JSON.stringify(path)} (${
        (error as Error).message
      })`,
    );
  }
  if (summary?.schemaVersion !== SUMMARY_SCHEMA_VERSION || !Array.isArray(summary.timeline)) {
    throw new ConfigError(
      `compare: expected a summary.json with schemaVersion ${SUMMARY_SCHEMA_VERSION} and a ` +
        `timeline, got ${JSON.stringify(file)} (schemaVersion ${summary?.schemaVersion})`,
    );
  }
  return { path: file, summary };
}
