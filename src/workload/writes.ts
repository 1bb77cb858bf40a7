/**
 * Inserts as the model knows them: each is a seed, a first id and a row count, from which its
 * rows are generated again, exactly as the user generated them, whenever they are checked.
 */
import { generateBatch } from "./data_gen.ts";
import { Rng } from "./rng.ts";
import type { RowBatch } from "./row_batch.ts";
import type { Shape } from "./table_shapes.ts";

/** Rows generated and encoded at a time: bounds a user's memory whatever the batch size. */
export const SUB_BATCH_ROWS = 4096;

/** One insert: `rows` rows with ids `firstId`, `firstId + 1`, ... drawn from `seed`. */
export interface WriteRecord {
  /** The seed of the insert's Rng (a planned operation's `dataSeed`, as a string). */
  seed: string;
  firstId: number;
  rows: number;
}

/**
 * The rows of `write` in sub-batches of at most SUB_BATCH_ROWS, generated into `reuse` when
 * given (each is valid until the next is generated).
 */
export function* writeBatches(
  shape: Shape,
  write: WriteRecord,
  reuse?: RowBatch,
): Generator<RowBatch> {
  const rng = new Rng(write.seed);
  for (let done = 0; done < write.rows; done += SUB_BATCH_ROWS) {
    const rows = Math.min(SUB_BATCH_ROWS, write.rows - done);
    yield generateBatch(shape, rows, rng, write.firstId + done, reuse);
  }
}

/** What the model regenerates a planned insert from: its seed, first id and row count. */
export function writeOf(op: { dataSeed: number; firstId: number; rows: number }): WriteRecord {
  return { seed: String(op.dataSeed), firstId: op.firstId, rows: op.rows };
}
