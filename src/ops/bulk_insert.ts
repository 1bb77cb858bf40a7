/** BulkInsert: a COPY of generated rows, streamed in bounded sub-batches. */
import { copyIn } from "../copy.ts";
import { generateBatch } from "../data_gen.ts";
import type { PlannedOp } from "../planner.ts";
import { Rng } from "../rng.ts";
import { allocateBatch } from "../row_batch.ts";
import { columnList, quoteIdent, type Shape } from "../schemas.ts";
import type { OpContext, OpOutcome } from "./context.ts";

/** Rows generated and encoded at a time: bounds a user's memory whatever the batch size. */
export const SUB_BATCH_ROWS = 4096;

/** Generates the planned rows, COPYs them in, and returns the rows the server reported. */
export async function bulkInsert(ctx: OpContext, op: PlannedOp): Promise<OpOutcome> {
  const { name, shape } = ctx.tables[op.table];
  const sql = `COPY ${quoteIdent(name)} (${
    columnList(shape)
  }) FROM STDIN WITH (FORMAT ${ctx.copyEncoder.sqlFormat})`;
  const inserted = await copyIn(ctx.conn, sql, copyStream(ctx, shape, op));
  return { rows: inserted, insertedRows: inserted };
}

/**
 * The COPY stream, produced as it is sent. Each sub-batch is generated and encoded without a
 * pause, so users of one worker can share its reusable batch.
 */
function* copyStream(ctx: OpContext, shape: Shape, op: PlannedOp): Generator<Uint8Array> {
  const encoder = ctx.copyEncoder;
  const rng = new Rng(String(op.dataSeed));
  let reusable = ctx.batches.get(shape);
  if (!reusable) {
    reusable = allocateBatch(shape, SUB_BATCH_ROWS);
    ctx.batches.set(shape, reusable);
  }
  yield encoder.header(shape);
  for (let done = 0; done < op.rows; done += SUB_BATCH_ROWS) {
    const rows = Math.min(SUB_BATCH_ROWS, op.rows - done);
    yield* encoder.rows(generateBatch(shape, rows, rng, op.firstId + done, reusable));
  }
  const trailer = encoder.trailer();
  if (trailer.length > 0) yield trailer;
}
