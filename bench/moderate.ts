/**
 * The seed tool's moderate preset scaled to a 2-core machine: 9 users (4 inserters, 3 query,
 * 2 mixed) on 2 databases for 30 s with default think times and batches. Reports throughput,
 * latency, and the CPU time of this tool against hyperd's.
 */
import { measuredWorkload } from "./client_cost.ts";
import { round } from "./measure.ts";

/** The moderate run's figures. */
export interface ModerateFigures {
  opsPerSec: number;
  insertRowsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  toolCpuSec: number;
  hyperdCpuSec: number;
  /** The end-of-run integrity check: its seconds, its CPU here, the rows, its share of the run. */
  integritySec: number;
  integrityCpuSec: number;
  checkedRows: number;
  integrityShareOfRun: number;
}

/** Runs the moderate preset and measures it. */
export async function moderate(durationSec = 30): Promise<ModerateFigures> {
  const { summary, toolCpuSec, hyperdCpuSec } = await measuredWorkload("moderate", durationSec);
  return {
    opsPerSec: summary.totals.opsPerSec,
    insertRowsPerSec: summary.totals.insertRowsPerSec,
    p50Ms: summary.latencyMs.p50,
    p95Ms: summary.latencyMs.p95,
    p99Ms: summary.latencyMs.p99,
    toolCpuSec,
    hyperdCpuSec,
    integritySec: round(summary.integrity.seconds ?? 0, 2),
    integrityCpuSec: round(summary.integrity.cpuSec ?? 0, 2),
    checkedRows: summary.integrity.tables.reduce((n, t) => n + t.expected, 0),
    integrityShareOfRun: round((summary.integrity.seconds ?? 0) / summary.durationSec, 3),
  };
}
