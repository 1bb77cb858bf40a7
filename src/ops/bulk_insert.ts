/** BulkInsert: a COPY of generated rows, HyperBinary by default. */
import { copyIn } from "../copy.ts";
import { generateBatch } from "../data_gen.ts";
import type { PlannedOp } from "../planner.ts";
import { Rng } from "../rng.ts";
import { columnList, quoteIdent } from "../schemas.ts";
import type { OpContext, OpOutcome } from "./context.ts";

/** Generates the planned rows, COPYs them in, and returns the rows the server reported. */
export async function bulkInsert(ctx: OpContext, op: PlannedOp): Promise<OpOutcome> {
  const { name, shape } = ctx.tables[op.table];
  const batch = generateBatch(shape, op.rows, new Rng(String(op.dataSeed)), op.firstId);
  const format = ctx.dataFormat === "arrow" ? "ARROWSTREAM" : "HYPERBINARY";
  const sql = `COPY ${quoteIdent(name)} (${columnList(shape)}) FROM STDIN WITH (FORMAT ${format})`;
  const chunks = ctx.dataFormat === "arrow" ? ctx.arrowEncoder(batch) : ctx.encoder.encode(batch);
  const inserted = await copyIn(ctx.conn, sql, chunks);
  return { rows: inserted, insertedRows: inserted };
}
