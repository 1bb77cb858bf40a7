/**
 * What the main thread's tally of a run costs per second of run: every worker's tick added to
 * the run's totals and to the second's histograms, the seconds closed into percentiles, a
 * progress line every 5 s, and the timeline at the end. `deno run -A bench/tally_cost.ts`.
 */
import { processCpuSec } from "../src/run/client_cpu.ts";
import { OP_KINDS } from "../src/workload/op_table.ts";
import { OpStats } from "../src/stats/op_stats.ts";
import { RunStats } from "../src/stats/run_stats.ts";

const WORKERS = 4;
const SECONDS = 600;
const OPS_PER_KIND = 20;

const cpuMs = () => processCpuSec() * 1000;

/** Distinct ticks as a busy worker sends them: every kind ran in the second. */
function workerTicks(count: number, stats = new OpStats()) {
  return Array.from({ length: count }, (_, t) => {
    for (const kind of OP_KINDS) {
      for (let i = 0; i < OPS_PER_KIND; i++) {
        stats.begin({
          user: i,
          seq: t * 1000 + i,
          kind,
          table: "t",
          rows: 1,
          startedAtSec: t,
          sql: "",
        });
        stats.recordSuccess(i, kind, 1 + ((t * 31 + i * 17) % 400) * 0.37, 1);
      }
    }
    return stats.tick();
  });
}

/**
 * The figures: main-thread CPU per second of run while it goes, and for the timeline at its end;
 * a worker's CPU to record a second's operations and make its tick.
 */
export interface TallyCostFigures {
  workers: number;
  seconds: number;
  opsPerKindPerTick: number;
  liveMsPerRunSecond: number;
  timelineAtEndMs: number;
  workerTickUs: number;
}

/** Tallies a 600-second run of four busy workers and times it in CPU. */
export function tallyCost(): TallyCostFigures {
  const ticks = workerTicks(60);
  const stats = new RunStats();
  const before = cpuMs();
  for (let sec = 1; sec <= SECONDS; sec++) {
    for (let w = 0; w < WORKERS; w++) stats.addTick(ticks[(sec + w) % ticks.length], sec, w);
    if (sec % 5 === 0) stats.takeInterval(sec - 5);
  }
  const live = cpuMs() - before;
  const endStart = cpuMs();
  stats.timeline();
  const end = cpuMs() - endStart;
  workerTicks(100); // warm
  const workerStart = cpuMs();
  workerTicks(1000);
  const workerTickUs = (cpuMs() - workerStart) * 1000 / 1000;
  return {
    workers: WORKERS,
    seconds: SECONDS,
    opsPerKindPerTick: OPS_PER_KIND,
    liveMsPerRunSecond: Number((live / SECONDS).toFixed(2)),
    timelineAtEndMs: Number(end.toFixed(0)),
    workerTickUs: Number(workerTickUs.toFixed(1)),
  };
}

if (import.meta.main) console.log(JSON.stringify(tallyCost()));
