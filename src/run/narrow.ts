/**
 * Narrows a table whose fingerprint differs from the model's down to its first wrong rows: the
 * same fingerprint query grouped by id bucket, then by id inside the first wrong buckets, then
 * the rows of the first wrong ids, each side beside the other. Three queries whatever the size.
 */
import type postgres from "postgres";
import type { Shape } from "../workload/table_shapes.ts";
import { decimal, fingerprintSql, groupsOfRows, rowsSql } from "./fingerprint.ts";
import {
  type CheckedRow,
  type GroupPrint,
  modelGroups,
  modelRows,
  type ModelWrite,
} from "./model.ts";
import { diffRows, type RowProblem } from "./row_diff.ts";

/** Ids per bucket of the first round. */
export const BUCKET_IDS = 1024;
/** Wrong buckets looked into, and wrong ids whose rows are shown. */
const BUCKETS_LOOKED_INTO = 3;
const IDS_SHOWN = 5;

/** What narrowing found. */
export interface Narrowed {
  /** Id buckets (of BUCKET_IDS ids) whose rows differ: at least this many places are wrong. */
  wrongBuckets: number;
  /** The first wrong rows, the model's beside the server's. */
  problems: RowProblem[];
}

/** `id / BUCKET_IDS` as SQL's integer division computes it (toward zero). */
function bucketOf(id: number): number {
  return Math.trunc(id / BUCKET_IDS);
}

/** Keys whose groups differ between the two sides, ascending. */
function wrongKeys(a: Map<number, GroupPrint>, b: Map<number, GroupPrint>): number[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => {
    const x = a.get(k), y = b.get(k);
    return x?.rows !== y?.rows || (x?.rowHash ?? "0") !== (y?.rowHash ?? "0");
  }).sort((x, y) => x - y);
}

/** A server row of `rowsSql` as the model writes one: folds as numbers, TEXT as text. */
function serverRow(shape: Shape, row: Record<string, unknown>): CheckedRow {
  return {
    values: shape.columns.map((column, c) => {
      const v = row[`f${c}`];
      if (v === null || v === undefined) return null;
      return column.type === "TEXT" ? String(v) : Number(v);
    }),
    hash: decimal(row.hs),
  };
}

/** Narrows `table` of `shape` against the rows `writes` put there. */
export async function narrow(
  sql: postgres.Sql,
  table: string,
  shape: Shape,
  writes: readonly ModelWrite[],
): Promise<Narrowed> {
  const id = `"id"`;
  const buckets = groupsOfRows(
    await sql.unsafe(fingerprintSql(table, shape, "", `${id} / ${BUCKET_IDS}`)),
  );
  const wrong = wrongKeys(modelGroups(shape, writes, bucketOf), buckets);
  if (wrong.length === 0) return { wrongBuckets: 0, problems: [] };
  const looked = new Set(wrong.slice(0, BUCKETS_LOOKED_INTO));
  const inLooked = `${id} / ${BUCKET_IDS} IN (${[...looked].join(", ")})`;
  const serverIds = groupsOfRows(await sql.unsafe(fingerprintSql(table, shape, inLooked, id)));
  const overlaps = (from: number, to: number) =>
    [...looked].some((b) => from <= (b + 1) * BUCKET_IDS && to >= (b - 1) * BUCKET_IDS);
  const modelIds = modelGroups(
    shape,
    writes,
    (i) => looked.has(bucketOf(i)) ? i : null,
    overlaps,
  );
  const ids = wrongKeys(modelIds, serverIds).slice(0, IDS_SHOWN);
  if (ids.length === 0) return { wrongBuckets: wrong.length, problems: [] };
  const server = (await sql.unsafe(rowsSql(table, shape, `${id} IN (${ids.join(", ")})`)))
    .map((row) => serverRow(shape, row));
  const model = modelRows(shape, writes, new Set(ids));
  return { wrongBuckets: wrong.length, problems: diffRows(shape, model, server) };
}
