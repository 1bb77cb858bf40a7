/** BulkInsert: a COPY of generated rows, streamed in bounded sub-batches. */
import { copyIn } from "../../wire/copy.ts";
import { copyInSql } from "../../wire/sql.ts";
import { streamBatches } from "../../encode/copy_encoder.ts";
import type { PlannedOp } from "../../workload/planner.ts";
import { SUB_BATCH_ROWS, writeBatches, writeOf } from "../../workload/writes.ts";
import { allocateBatch, type RowBatch } from "../../workload/row_batch.ts";
import type { Shape } from "../../workload/table_shapes.ts";
import type { OpContext, OpOutcome } from "./context.ts";

/** Generates the planned rows, COPYs them in, and returns the rows the server reported. */
export async function bulkInsert(ctx: OpContext, op: PlannedOp): Promise<OpOutcome> {
  const { name, shape } = ctx.tables[op.table];
  const encoder = ctx.copyEncoder;
  const sql = copyInSql(name, shape, encoder.sqlFormat);
  const stream = streamBatches(encoder, shape, subBatches(ctx, shape, op));
  const inserted = await copyIn(ctx.conn, sql, stream, { owner: encoder });
  return { rows: inserted, insertedRows: inserted };
}

/**
 * The planned rows in sub-batches, generated into the worker's reusable batch of the shape.
 * Users of one worker can share it: each sub-batch is encoded before the next is generated.
 */
function subBatches(ctx: OpContext, shape: Shape, op: PlannedOp): Generator<RowBatch> {
  let reusable = ctx.batches.get(shape);
  if (!reusable) {
    reusable = allocateBatch(shape, SUB_BATCH_ROWS);
    ctx.batches.set(shape, reusable);
  }
  return writeBatches(shape, writeOf(op), reusable);
}
