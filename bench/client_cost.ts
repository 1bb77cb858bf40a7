/**
 * What the load generator costs next to the server it loads: a whole stress run's CPU of this
 * process (every thread) and of hyperd, side by side, from /proc (Linux). hyperd's CPU is the
 * growth of this process's reaped-children CPU over the run, as hyperd is its only child that
 * exits during it; the last live reading of /proc/<pid>/stat stands in elsewhere.
 */
import type { Summary } from "../src/results/summary.ts";
import { benchRun } from "./bench_run.ts";
import { round } from "./measure.ts";

/**
 * The tool's CPU by thread while users ran (Linux; null elsewhere): the main thread, the user
 * workers, V8's background threads (concurrent compiling and marking), and the rest (Deno's I/O).
 */
export interface ThreadCpu {
  mainSec: number;
  workersSec: number;
  v8BackgroundSec: number;
  otherSec: number;
}

/** One run's cost. */
export interface ClientCost {
  toolCpuSec: number;
  hyperdCpuSec: number;
  threads: ThreadCpu | null;
  insertedRows: number;
  ops: number;
  opsPerSec: number;
  insertRowsPerSec: number;
}

/** The workloads measured. */
export const CLIENT_COST_RUNS = {
  /** The moderate preset: defaults on 2 databases (9 users, think 10-200 ms, 100-10k rows). */
  moderate: ["--databases=2", "--inserter-users=4", "--query-users=3", "--mixed-users=2"],
  /** The seed tool's high load with room on disk: 18 users, think 0-5 ms, 1k-50k rows. */
  high: [
    "--databases=5",
    "--inserter-users=8",
    "--query-users=6",
    "--mixed-users=4",
    "--think-min-ms=0",
    "--think-max-ms=5",
    "--batch-min=1000",
    "--batch-max=50000",
    "--max-disk-mb=50000",
  ],
} as const;

const CLOCK_TICKS = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

/** utime + stime and cutime + cstime of a process in seconds, or null where /proc is missing. */
export function procCpuSec(pid: number | "self"): { own: number; children: number } | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const tick = (i: number) => Number(fields[i]) / CLOCK_TICKS;
    return { own: tick(11) + tick(12), children: tick(13) + tick(14) };
  } catch {
    return null;
  }
}

/** CPU seconds of each thread of this process by thread id, with its name; null without /proc. */
function threadCpuSec(): Map<string, { name: string; sec: number }> | null {
  const threads = new Map<string, { name: string; sec: number }>();
  try {
    for (const task of Deno.readDirSync("/proc/self/task")) {
      try {
        const stat = Deno.readTextFileSync(`/proc/self/task/${task.name}/stat`);
        const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        threads.set(task.name, {
          name,
          sec: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
        });
      } catch { /* the thread ended */ }
    }
  } catch {
    return null;
  }
  return threads;
}

/** The growth of each thread group's CPU from `before` to `after` (threads alive at `after`). */
function threadGroups(
  before: Map<string, { sec: number }>,
  after: Map<string, { name: string; sec: number }>,
): ThreadCpu {
  const groups = { mainSec: 0, workersSec: 0, v8BackgroundSec: 0, otherSec: 0 };
  for (const [id, { name, sec }] of after) {
    const used = sec - (before.get(id)?.sec ?? 0);
    // Deno names the main thread after the executable and each Web Worker `worker-<n>`.
    const group = id === String(Deno.pid)
      ? "mainSec"
      : name.startsWith("worker-")
      ? "workersSec"
      : name.startsWith("V8 ")
      ? "v8BackgroundSec"
      : "otherSec";
    groups[group] += used;
  }
  return {
    mainSec: round(groups.mainSec, 2),
    workersSec: round(groups.workersSec, 2),
    v8BackgroundSec: round(groups.v8BackgroundSec, 2),
    otherSec: round(groups.otherSec, 2),
  };
}

/**
 * A bench run's summary with the CPU of this process (less the end-of-run integrity check's, which
 * comes after the load; the summary has it) and of hyperd over the whole run, and the
 * tool's by thread from the users' first second to their last (workers end with the run). The
 * bench's removal of the run's directory comes after: no real run deletes its databases, and
 * freeing a moderate run's 1.1 GB cost this process 0.1 s of kernel time.
 */
export async function measuredRun(flags: string[]): Promise<
  { summary: Summary; toolCpuSec: number; hyperdCpuSec: number; threads: ThreadCpu | null }
> {
  let hyperdLive = 0;
  let firstSecond: Map<string, { sec: number }> | null = null;
  let lastSecond: Map<string, { name: string; sec: number }> | null = null;
  const before = procCpuSec("self");
  let after = null as ReturnType<typeof procCpuSec>;
  const summary = await benchRun(
    flags,
    (view) => {
      hyperdLive = procCpuSec(view.hyperdPid)?.own ?? hyperdLive;
      lastSecond = threadCpuSec();
      firstSecond ??= lastSecond;
    },
    () => after = procCpuSec("self"),
  );
  const reaped = before && after ? after.children - before.children : 0;
  // The end-of-run integrity check runs after the load: its CPU is reported on its own.
  const checkCpuSec = summary.integrity.cpuSec ?? 0;
  return {
    summary,
    toolCpuSec: before && after ? round(after.own - before.own - checkCpuSec, 2) : NaN,
    hyperdCpuSec: round(Math.max(reaped, hyperdLive), 2),
    threads: firstSecond && lastSecond ? threadGroups(firstSecond, lastSecond) : null,
  };
}

/** One of the workloads for `durationSec`, measured as measuredRun does. */
export function measuredWorkload(
  run: keyof typeof CLIENT_COST_RUNS,
  durationSec: number,
): ReturnType<typeof measuredRun> {
  return measuredRun([
    `--duration=${durationSec}`,
    "--seed=2024",
    "--progress-interval=0",
    ...CLIENT_COST_RUNS[run],
  ]);
}

/** Runs one workload for `durationSec` and measures both processes over the whole run. */
export async function clientCost(
  run: keyof typeof CLIENT_COST_RUNS,
  durationSec: number,
): Promise<ClientCost> {
  const { summary, toolCpuSec, hyperdCpuSec, threads } = await measuredWorkload(run, durationSec);
  return {
    toolCpuSec,
    hyperdCpuSec,
    threads,
    insertedRows: summary.totals.insertedRows,
    ops: summary.totals.ops,
    opsPerSec: summary.totals.opsPerSec,
    insertRowsPerSec: summary.totals.insertRowsPerSec,
  };
}
