/**
 * The end-of-run integrity check of a default run: `hyperstress stress` with no settings but a
 * seed (300 s, the default workload and disk budget), timed from start to end in this process.
 * Reports the check's seconds, the rows it checked and its share of the run's wall time. Run by
 * bench/main.ts only with BENCH_DEFAULT_RUN=1 (it takes about six minutes), or alone:
 * `deno run -A bench/default_run_check.ts [seconds]`; prints its figures as JSON on the last line.
 */
import { benchRun } from "./bench_run.ts";
import { round } from "./measure.ts";

/** What the default run's check measured. */
export interface DefaultRunCheckFigures {
  durationSec: number;
  /** From the call to the summary: start, users, stop grace, the check, the artifacts. */
  wallSec: number;
  stopReason: string;
  checkedRows: number;
  tables: number;
  integritySec: number;
  /** This process's CPU during the check (the model's side). */
  integrityCpuSec: number;
  integrityShareOfWall: number;
  passed: boolean;
}

/** Runs the default workload for `durationSec` seconds in this process and times its check. */
export async function defaultRunCheck(durationSec = 300): Promise<DefaultRunCheckFigures> {
  const started = performance.now();
  const summary = await benchRun([
    `--duration=${durationSec}`,
    "--seed=2026",
    "--progress-interval=0",
  ]);
  const wallSec = (performance.now() - started) / 1000;
  const integrity = summary.integrity;
  return {
    durationSec: summary.durationSec,
    wallSec: round(wallSec, 1),
    stopReason: summary.stopReason,
    checkedRows: integrity.tables.reduce((n, t) => n + t.expected, 0),
    tables: integrity.tables.length,
    integritySec: round(integrity.seconds ?? 0, 2),
    integrityCpuSec: round(integrity.cpuSec ?? 0, 2),
    integrityShareOfWall: round((integrity.seconds ?? 0) / wallSec, 3),
    passed: integrity.checked && integrity.mismatches === 0,
  };
}

if (import.meta.main) {
  console.log(JSON.stringify(await defaultRunCheck(Number(Deno.args[0] ?? 300))));
}
