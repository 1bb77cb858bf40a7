/** `report <summary.json>`: rebuilds report.html beside a saved summary. */
import { dirname, join } from "node:path";
import { ConfigError } from "../errors.ts";
import { writeText } from "../results/artifacts.ts";
import { reportHtml } from "../results/report/page.ts";
import { type Summary, SUMMARY_SCHEMA_VERSION } from "../results/summary.ts";
import type { Output } from "../output.ts";
import { EXIT } from "../verdict_policy.ts";

/** Writes report.html beside `summaryPath`; returns the exit code. */
export async function reportCommand(args: string[], output: Output): Promise<number> {
  const [summaryPath] = args;
  if (!summaryPath || args.length > 1) {
    throw new ConfigError(
      `report: expected the path of one summary.json, got ${
        args.length === 0 ? "nothing" : args.map((a) => JSON.stringify(a)).join(" ")
      }`,
    );
  }
  let summary: Summary;
  try {
    summary = JSON.parse(await Deno.readTextFile(summaryPath));
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new ConfigError(
      `report: expected a readable summary.json, got ${JSON.stringify(summaryPath)} (${
        (error as Error).message
      })`,
    );
  }
  if (summary.schemaVersion !== SUMMARY_SCHEMA_VERSION) {
    throw new ConfigError(
      `report: expected a summary with schemaVersion ${SUMMARY_SCHEMA_VERSION}, got ${summary.schemaVersion}`,
    );
  }
  const out = join(dirname(summaryPath), "report.html");
  await writeText(out, reportHtml(summary));
  output.say(`wrote ${out}`);
  return EXIT.ok;
}
