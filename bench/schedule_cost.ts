/**
 * What the timing history (schedule.jsonl.gz) costs the client: the CPU per recorded operation
 * (a worker's entry, its structured clone to the main thread, JSON and gzip), against the CPU
 * the tool spends per operation in a real default run. `deno run -A bench/schedule_cost.ts`.
 */
import { processCpuSec } from "../src/run/client_cpu.ts";
import { ScheduleWriter } from "../src/run/schedule_file.ts";
import type { ScheduleEntry } from "../src/stats/op_records.ts";
import { benchRun } from "./bench_run.ts";

const ENTRIES = 200_000;

/** CPU nanoseconds per entry written, median of three rounds. */
async function nsPerEntry(): Promise<number> {
  const rounds: number[] = [];
  for (let round = 0; round < 3; round++) {
    const dir = await Deno.makeTempDir({ prefix: "hyperstress-schedule-" });
    const writer = await ScheduleWriter.open(dir);
    const before = processCpuSec();
    for (let i = 0; i < ENTRIES; i += 100) {
      // A tick's worth at a time, cloned as a worker message would be.
      const tick: ScheduleEntry[] = Array.from({ length: 100 }, (_, k) => ({
        user: (i + k) % 9,
        seq: i + k,
        kind: "BulkInsert",
        startMs: i + k,
        durationMs: 12.345,
        ok: true,
      }));
      writer.append(structuredClone(tick));
    }
    await writer.close();
    rounds.push(((processCpuSec() - before) * 1e9) / ENTRIES);
    await Deno.remove(dir, { recursive: true });
  }
  return rounds.sort((a, b) => a - b)[1];
}

const perEntryNs = await nsPerEntry();
const before = processCpuSec();
const summary = await benchRun(["--duration=30", "--progress-interval=0"]);
const toolCpuSec = processCpuSec() - before;
const ops = summary.totals.ops;
const figures = {
  perEntryNs: Math.round(perEntryNs),
  run: { durationSec: 30, ops, toolCpuSec: Math.round(toolCpuSec * 100) / 100 },
  scheduleShareOfToolCpuPercent: Math.round((ops * perEntryNs) / (toolCpuSec * 1e9) * 1e4) / 100,
};
console.log(JSON.stringify(figures));
