/**
 * One-connection ingest: COPY rows generated and encoded right before sending, as a bulk insert
 * does, against the same rows sent as bytes encoded beforehand. The ratio shows whether
 * generating and encoding slow ingest down.
 */
import { ArrowEncoder } from "../src/encode/arrow_stream.ts";
import { connect, createDatabase, type Endpoint } from "../src/wire/connection.ts";
import { copyIn } from "../src/wire/copy.ts";
import { generateBatch } from "../src/workload/data_gen.ts";
import { HyperBinaryEncoder } from "../src/encode/hyper_binary.ts";
import { type CopyEncoder, streamBatches } from "../src/encode/copy_encoder.ts";
import { SUB_BATCH_ROWS } from "../src/workload/writes.ts";
import { Rng } from "../src/workload/rng.ts";
import { allocateBatch, type RowBatch } from "../src/workload/row_batch.ts";
import { copyInSql, createTableSql } from "../src/wire/sql.ts";
import { MEDIUM } from "../src/workload/table_shapes.ts";
import { median, round } from "./measure.ts";

const BATCHES = 10;
const ROWS_PER_BATCH = 50_000;
const REPETITIONS = 5;

/** Rows per second live and pre-encoded, and their ratio, for one format. */
export interface IngestFigures {
  liveRowsPerSec: number;
  preencodedRowsPerSec: number;
  ratio: number;
}

/**
 * Batch `i` as the tool sends it: generated and encoded sub-batch by sub-batch, into one reused
 * batch, while earlier sub-batches are on the wire.
 */
function streamed(encoder: CopyEncoder, i: number, reuse: RowBatch): Iterable<Uint8Array> {
  const subBatches = function* () {
    const rng = new Rng(`ingest-${i}`);
    for (let done = 0; done < ROWS_PER_BATCH; done += SUB_BATCH_ROWS) {
      const rows = Math.min(SUB_BATCH_ROWS, ROWS_PER_BATCH - done);
      yield generateBatch(MEDIUM, rows, rng, i * ROWS_PER_BATCH + done, reuse);
    }
  };
  return streamBatches(encoder, MEDIUM, subBatches());
}

/** Measures both formats side by side, alternating live and pre-encoded runs. */
export async function ingest(
  endpoint: Endpoint,
  dir: string,
): Promise<Record<"hyperbinary" | "arrow", IngestFigures>> {
  const path = `${dir}/ingest.hyper`;
  await createDatabase(endpoint, path);
  const conn = connect(endpoint, path);
  const reuse = allocateBatch(MEDIUM, SUB_BATCH_ROWS);
  const totalRows = BATCHES * ROWS_PER_BATCH;
  const formats: Record<"hyperbinary" | "arrow", CopyEncoder> = {
    hyperbinary: new HyperBinaryEncoder(),
    arrow: new ArrowEncoder(),
  };
  const result = {} as Record<"hyperbinary" | "arrow", IngestFigures>;
  try {
    for (const [name, encoder] of Object.entries(formats)) {
      const copySql = copyInSql("ingest", MEDIUM, encoder.sqlFormat);
      const live: number[] = [];
      const preencoded: number[] = [];
      for (let rep = 0; rep < REPETITIONS; rep++) {
        // A fresh table each time, so both paths insert into a table of the same size.
        for (const mode of ["live", "preencoded"] as const) {
          await conn.sql.unsafe(`DROP TABLE IF EXISTS "ingest"`);
          await conn.sql.unsafe(createTableSql("ingest", MEDIUM));
          const encoded = mode === "preencoded"
            ? Array.from({ length: BATCHES }, (_, i) => [...streamed(encoder, i, reuse)])
            : null;
          const started = performance.now();
          for (let i = 0; i < BATCHES; i++) {
            await copyIn(
              conn,
              copySql,
              encoded ? encoded[i] : streamed(encoder, i, reuse),
              { owner: encoder }, // as a bulk insert does
            );
          }
          const seconds = (performance.now() - started) / 1000;
          (mode === "live" ? live : preencoded).push(totalRows / seconds);
        }
      }
      const liveRate = median(live);
      const preRate = median(preencoded);
      result[name as "hyperbinary" | "arrow"] = {
        liveRowsPerSec: Math.round(liveRate),
        preencodedRowsPerSec: Math.round(preRate),
        ratio: round(liveRate / preRate, 3),
      };
    }
  } finally {
    await conn.sql.end();
  }
  return result;
}
