/** Encoding cost per row, HyperBinary and Arrow, for each table shape. */
import { ArrowEncoder } from "../src/encode/arrow_stream.ts";
import { generateBatch } from "../src/workload/data_gen.ts";
import { HyperBinaryEncoder } from "../src/encode/hyper_binary.ts";
import { Rng } from "../src/workload/rng.ts";
import { SHAPES } from "../src/workload/table_shapes.ts";
import { median, round } from "./measure.ts";

const ROWS = 20_000;
const WARMUP = 10;
const REPETITIONS = 15;

/** ns/row per format and shape: the median of REPETITIONS timed encodes after a warm-up. */
export function encodeNsPerRow(): Record<"hyperbinary" | "arrow", Record<string, number>> {
  const encoders = {
    hyperbinary: new HyperBinaryEncoder(),
    arrow: new ArrowEncoder(),
  };
  const result = { hyperbinary: {} as Record<string, number>, arrow: {} as Record<string, number> };
  for (const shape of SHAPES) {
    const batch = generateBatch(shape, ROWS, new Rng(`bench-${shape.name}`));
    for (const format of ["hyperbinary", "arrow"] as const) {
      const encoder = encoders[format];
      for (let i = 0; i < WARMUP; i++) encoder.encode(batch);
      const samples = Array.from({ length: REPETITIONS }, () => {
        const started = performance.now();
        encoder.encode(batch);
        return ((performance.now() - started) * 1e6) / ROWS;
      });
      result[format][shape.name] = round(median(samples));
    }
  }
  return result;
}
