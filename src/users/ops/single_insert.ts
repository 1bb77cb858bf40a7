/** SingleInsert: one INSERT of one generated row, with typed parameters. */
import { generateBatch } from "../../workload/data_gen.ts";
import type { PlannedOp } from "../../workload/planner.ts";
import { Rng } from "../../workload/rng.ts";
import { numberAt, type RowBatch, textAt, type TextColumn } from "../../workload/row_batch.ts";
import { columnList, quoteIdent } from "../../wire/sql.ts";
import type { Shape } from "../../workload/table_shapes.ts";
import type { OpContext, OpOutcome } from "./context.ts";

/** `INSERT INTO t (...) VALUES (CAST($1 AS INT), ...)`: casts make the parameter types exact. */
export function insertSql(table: string, shape: Shape): string {
  const values = shape.columns.map((c, i) => `CAST($${i + 1} AS ${c.type})`);
  return `INSERT INTO ${quoteIdent(table)} (${columnList(shape)}) VALUES (${values.join(", ")})`;
}

/** Row r as parameters: BIGINT and TIMESTAMP as exact text, NULL as null. */
export function insertParams(batch: RowBatch, r: number): (string | number | boolean | null)[] {
  return batch.shape.columns.map((c, i) => {
    if (batch.nulls[i]?.[r]) return null;
    if (c.type === "TEXT") return textAt(batch.values[i] as TextColumn, r);
    const v = numberAt(batch, i, r);
    if (c.type === "BIGINT") return String(v);
    if (c.type === "BOOL") return v === 1;
    if (c.type === "TIMESTAMP") return timestampText(v);
    return v;
  });
}

/** µs since the Unix epoch as `YYYY-MM-DD HH:MM:SS.ffffff`. */
export function timestampText(us: number): string {
  const iso = new Date(Math.floor(us / 1000)).toISOString();
  const micros = String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, "0");
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${micros}`;
}

/** Inserts the planned row and returns the rows the server reported. */
export async function singleInsert(ctx: OpContext, op: PlannedOp): Promise<OpOutcome> {
  const { name, shape } = ctx.tables[op.table];
  const batch = generateBatch(shape, 1, new Rng(String(op.dataSeed)), op.firstId);
  const result = await ctx.conn.sql.unsafe(insertSql(name, shape), insertParams(batch, 0));
  return { rows: result.count, insertedRows: result.count };
}
