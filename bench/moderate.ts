/**
 * The seed tool's moderate preset scaled to a 2-core machine: 9 users (4 inserters, 3 query,
 * 2 mixed) on 2 databases for 30 s with default think times and batches. Reports throughput,
 * latency, and the CPU time of this tool against hyperd's.
 */
import process from "node:process";
import { benchRun } from "./bench_run.ts";
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
}

const CLOCK_TICKS = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

/** CPU seconds a process has used so far, from /proc (Linux); null elsewhere. */
function procCpuSec(pid: number): number | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Runs the moderate preset and measures it. */
export async function moderate(durationSec = 30): Promise<ModerateFigures> {
  let hyperdCpu = 0;
  const before = process.cpuUsage();
  const summary = await benchRun([
    `--duration=${durationSec}`,
    "--databases=2",
    "--inserter-users=4",
    "--query-users=3",
    "--mixed-users=2",
    "--seed=2024",
    "--progress-interval=0",
  ], (view) => {
    hyperdCpu = procCpuSec(view.hyperdPid) ?? hyperdCpu;
  });
  const used = process.cpuUsage(before);
  return {
    opsPerSec: summary.totals.opsPerSec,
    insertRowsPerSec: summary.totals.insertRowsPerSec,
    p50Ms: summary.latencyMs.p50,
    p95Ms: summary.latencyMs.p95,
    p99Ms: summary.latencyMs.p99,
    toolCpuSec: round((used.user + used.system) / 1e6),
    hyperdCpuSec: round(hyperdCpu),
  };
}
