/**
 * Per-row cost of COPY data, HyperBinary and Arrow, for each table shape: encoding rows already
 * in arrays (`encodeNsPerRow`), and generating plus encoding them the way a bulk insert does
 * (`genEncodeNsPerRow`). Times are the process's CPU time, so a busy machine inflates them less
 * than wall time would; GC threads count.
 */
import { processCpuSec } from "../src/run/client_cpu.ts";
import { ArrowEncoder } from "../src/encode/arrow_stream.ts";
import { type CopyEncoder, streamBatches } from "../src/encode/copy_encoder.ts";
import { HyperBinaryEncoder } from "../src/encode/hyper_binary.ts";
import { SUB_BATCH_ROWS, writeBatches } from "../src/workload/writes.ts";
import { generateBatch } from "../src/workload/data_gen.ts";
import { Rng } from "../src/workload/rng.ts";
import { allocateBatch } from "../src/workload/row_batch.ts";
import { type Shape, SHAPES } from "../src/workload/table_shapes.ts";
import { median, round } from "./measure.ts";

const ROWS = 20_000;
const WARMUP = 10;
const REPETITIONS = 15;
/** Rows per generate-and-encode repetition: one large bulk insert. */
const INSERT_ROWS = 50_000;

/** ns/row per format and shape. */
export type NsPerRow = Record<"hyperbinary" | "arrow", Record<Shape["name"], number>>;

const cpuMs = () => processCpuSec() * 1000;

/** The median ns/row of `body`, which handles `rows` rows, over REPETITIONS after a warm-up. */
function nsPerRow(rows: number, body: () => void): number {
  for (let i = 0; i < WARMUP; i++) body();
  const samples = Array.from({ length: REPETITIONS }, () => {
    const started = cpuMs();
    body();
    return ((cpuMs() - started) * 1e6) / rows;
  });
  return round(median(samples));
}

function encoders(): Record<"hyperbinary" | "arrow", CopyEncoder> {
  return { hyperbinary: new HyperBinaryEncoder(), arrow: new ArrowEncoder() };
}

/** Encoding alone: rows already in arrays (read once before timing), encoded whole. */
export function encodeNsPerRow(): NsPerRow {
  const result = { hyperbinary: {}, arrow: {} } as NsPerRow;
  for (const [format, encoder] of Object.entries(encoders())) {
    for (const shape of SHAPES) {
      const batch = generateBatch(shape, ROWS, new Rng(`bench-${shape.name}`));
      void batch.values; // the arrays exist: what is timed is the encoding
      result[format as keyof NsPerRow][shape.name] = nsPerRow(ROWS, () => {
        sendAll(encoder, streamBatches(encoder, shape, [batch]));
      });
    }
  }
  return result;
}

/**
 * Generation and encoding as a bulk insert does them: INSERT_ROWS rows from one data seed, in
 * sub-batches generated into one reused batch, each encoded before the next is generated.
 */
export function genEncodeNsPerRow(): NsPerRow {
  const result = { hyperbinary: {}, arrow: {} } as NsPerRow;
  for (const [format, encoder] of Object.entries(encoders())) {
    for (const shape of SHAPES) {
      const reuse = allocateBatch(shape, SUB_BATCH_ROWS);
      let seed = 0;
      result[format as keyof NsPerRow][shape.name] = nsPerRow(INSERT_ROWS, () => {
        // As a bulk insert generates its rows (workload/writes.ts).
        const write = { seed: String(seed++), firstId: 1, rows: INSERT_ROWS };
        const batches = writeBatches(shape, write, reuse);
        sendAll(encoder, streamBatches(encoder, shape, batches));
      });
    }
  }
  return result;
}

/** Consumes a stream and hands each chunk back, as a COPY does once the chunk is sent. */
function sendAll(encoder: CopyEncoder, chunks: Iterable<Uint8Array>): void {
  for (const chunk of chunks) encoder.recycle(chunk);
}
