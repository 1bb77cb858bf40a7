/** The small workload the CLI tests run, and reading what a run wrote. */
import { join } from "node:path";
import type { Summary } from "../../src/results/summary.ts";

/**
 * Flags for a quick run with `seed`: one database, one user of each class, small batches, no
 * think time to speak of, hyperd's resource log and progress every second.
 */
export function quickRun(seed: number): string[] {
  return [
    `--seed=${seed}`,
    "--databases=1",
    "--inserter-users=1",
    "--query-users=1",
    "--mixed-users=1",
    "--think-min-ms=0",
    "--think-max-ms=10",
    "--batch-min=10",
    "--batch-max=2000",
    "--log-interval=1",
    "--progress-interval=1",
  ];
}

/** The summary.json a run wrote in `dir`. */
export async function readSummary(dir: string): Promise<Summary> {
  return JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
}
