/**
 * The client's CPU per generated query: drawing an oracle check from its seed, rendering the one
 * statement that computes both sides, and judging a one-row answer, per complexity (1 to 3).
 * What hyperd spends is not here: it shows in a run's latencies. Process CPU time, as encode.ts.
 */
import { processCpuSec } from "../src/run/client_cpu.ts";
import { generateCheck } from "../src/workload/query_gen/generate.ts";
import { judge, statementOf } from "../src/workload/query_gen/oracles.ts";
import { SHAPES } from "../src/workload/table_shapes.ts";
import { median, round } from "./measure.ts";

const CHECKS = 2000;
const REPETITIONS = 7;

/** Microseconds of CPU per generated query, and the statement's mean length, by complexity. */
export type QueryGenCost = Record<"1" | "2" | "3", { cpuUsPerQuery: number; meanChars: number }>;

/** Measures generation, rendering and judging of CHECKS seeds per complexity. */
export function queryGenCost(): QueryGenCost {
  const tables = SHAPES.map((shape, i) => ({ name: `t${i}_${shape.name}`, shape }));
  const answer = [{ whole: "12", parts: "12", side: null }];
  const result = {} as QueryGenCost;
  for (const complexity of [1, 2, 3] as const) {
    let chars = 0;
    const run = (from: number) => {
      for (let seed = from; seed < from + CHECKS; seed++) {
        chars += statementOf(generateCheck(seed, tables, complexity)).length;
        judge(answer);
      }
    };
    run(0); // warm-up
    chars = 0;
    const samples = Array.from({ length: REPETITIONS }, (_, r) => {
      const started = processCpuSec();
      run((r + 1) * CHECKS);
      return ((processCpuSec() - started) * 1e6) / CHECKS;
    });
    result[String(complexity) as "1"] = {
      cpuUsPerQuery: round(median(samples)),
      meanChars: Math.round(chars / (CHECKS * REPETITIONS)),
    };
  }
  return result;
}

if (import.meta.main) console.log(JSON.stringify(queryGenCost()));
