/**
 * What the end-of-run integrity check costs per million rows of each shape: the server's
 * fingerprint statement alone, the model's regeneration and fingerprint alone (this process's
 * CPU), and the whole check (both at once, as a run does). Standalone:
 * `deno run -A bench/integrity_cost.ts [rows]`.
 */
import { join } from "node:path";
import { cpuUsage } from "node:process";
import { HyperBinaryEncoder } from "../src/encode/hyper_binary.ts";
import { Hyperd } from "../src/hyperd/process.ts";
import { fingerprintSql } from "../src/run/fingerprint.ts";
import { checkIntegrity } from "../src/run/integrity.ts";
import { modelFingerprint } from "../src/run/model.ts";
import { connect, createDatabase, type Endpoint } from "../src/wire/connection.ts";
import { copyIn } from "../src/wire/copy.ts";
import { copyInSql, createTableSql } from "../src/wire/sql.ts";
import { SHAPES } from "../src/workload/table_shapes.ts";
import { writeBatches, type WriteRecord } from "../src/workload/writes.ts";
import { benchHyperd } from "./bench_run.ts";
import { median, round } from "./measure.ts";

const INSERT_ROWS = 10_000;
const REPETITIONS = 3;

/** Seconds per million rows of one shape. */
export interface IntegrityCostFigures {
  serverSecPerMRows: number;
  modelSecPerMRows: number;
  checkSecPerMRows: number;
}

/** Fills one table per shape with `rows` rows and times the check's parts on each. */
export async function integrityCost(
  endpoint: Endpoint,
  dir: string,
  rows: number,
): Promise<Record<string, IntegrityCostFigures>> {
  const path = join(dir, "integrity.hyper");
  await createDatabase(endpoint, path);
  const conn = connect(endpoint, path);
  const encoder = new HyperBinaryEncoder();
  const result: Record<string, IntegrityCostFigures> = {};
  try {
    for (const shape of SHAPES) {
      const table = `t_${shape.name}`;
      await conn.sql.unsafe(createTableSql(table, shape));
      const writes: WriteRecord[] = [];
      for (let done = 0; done < rows; done += INSERT_ROWS) {
        const write = { seed: `bench-${done}`, firstId: 1 + (done % 1_000_000), rows: INSERT_ROWS };
        writes.push(write);
        const stream = [encoder.header()];
        for (const batch of writeBatches(shape, write)) stream.push(...encoder.rows(batch));
        await copyIn(conn, copyInSql(table, shape, encoder.sqlFormat), stream);
      }
      const perM = (sec: number) => round((sec * 1_000_000) / rows, 3);
      const server: number[] = [], model: number[] = [], check: number[] = [];
      for (let rep = 0; rep < REPETITIONS; rep++) {
        let started = performance.now();
        await conn.sql.unsafe(fingerprintSql(table, shape));
        server.push((performance.now() - started) / 1000);
        const cpu = cpuUsage();
        modelFingerprint(shape, writes);
        const used = cpuUsage(cpu);
        model.push((used.user + used.system) / 1e6);
        started = performance.now();
        const integrity = await checkIntegrity(endpoint, [
          { database: 0, path, name: table, shape, writes },
        ]);
        check.push((performance.now() - started) / 1000);
        if (integrity.mismatches > 0) throw new Error(`bench table ${table} does not check clean`);
      }
      result[shape.name] = {
        serverSecPerMRows: perM(median(server)),
        modelSecPerMRows: perM(median(model)),
        checkSecPerMRows: perM(median(check)),
      };
    }
  } finally {
    await conn.sql.end({ timeout: 5 });
  }
  return result;
}

if (import.meta.main) {
  const rows = Number(Deno.args[0] ?? 500_000);
  const dir = await Deno.makeTempDir({ prefix: "hyperstress-bench-" });
  const binary = await benchHyperd();
  const hyperd = await Hyperd.start({ binary: binary.path, logDir: join(dir, "log") });
  try {
    console.log(JSON.stringify(await integrityCost(hyperd, dir, rows)));
  } finally {
    await hyperd.stop();
    await Deno.remove(dir, { recursive: true });
  }
}
