/**
 * The model's side of the integrity check: what a table must hold, regenerated from the seeds
 * of its seed rows and of every acknowledged insert, as one fingerprint, as fingerprints per id
 * bucket (to narrow a mismatch) and as the rows of a few ids (to show them). CPU only.
 */
import { allocateBatch, type RowBatch, type TextColumn } from "../workload/row_batch.ts";
import type { Shape } from "../workload/table_shapes.ts";
import { SUB_BATCH_ROWS, writeBatches, type WriteRecord } from "../workload/writes.ts";
import type { Fingerprint } from "./fingerprint.ts";
import { FingerprintSum, foldAt, rowHashOf } from "./fingerprint_sum.ts";

/** A write as the model counts it: whole, or (a torn one) only the rows with `onlyIds`. */
export interface ModelWrite extends WriteRecord {
  onlyIds?: ReadonlySet<number>;
}

/** The rows of every write in turn, generated into one reused batch. */
function* modelBatches(
  shape: Shape,
  writes: readonly ModelWrite[],
  overlaps: (from: number, to: number) => boolean = () => true,
): Generator<[RowBatch, ModelWrite]> {
  const reuse = allocateBatch(shape, SUB_BATCH_ROWS);
  for (const write of writes) {
    if (!overlaps(write.firstId, write.firstId + write.rows - 1)) continue;
    for (const batch of writeBatches(shape, write, reuse)) yield [batch, write];
  }
}

function keepOf(write: ModelWrite, keep?: (id: number) => boolean) {
  const only = write.onlyIds;
  if (!only) return keep;
  return keep ? (id: number) => only.has(id) && keep(id) : (id: number) => only.has(id);
}

/**
 * The fingerprint of the rows `writes` put in a table (those with `keep(id)`, if given), added to
 * `from` when given.
 */
export function modelFingerprint(
  shape: Shape,
  writes: readonly ModelWrite[],
  keep?: (id: number) => boolean,
  from?: Fingerprint,
): Fingerprint {
  const sum = new FingerprintSum(shape, from);
  for (const [batch, write] of modelBatches(shape, writes)) sum.add(batch, keepOf(write, keep));
  return sum.result();
}

/**
 * The model's fingerprint of each table as of the writes it last saw, so a later check (the next
 * checkpoint, the end of the run) regenerates only the writes acknowledged since: a table's list
 * of writes only grows at its end, and fingerprints add up.
 */
export class ModelCache {
  readonly #byTable = new Map<string, { writes: number; print: Fingerprint }>();

  /** The fingerprint of `writes` into table `key`, adding to what was computed before. */
  fingerprint(key: string, shape: Shape, writes: readonly ModelWrite[]): Fingerprint {
    const cached = this.#byTable.get(key);
    const from = cached && cached.writes <= writes.length ? cached : undefined;
    const print = modelFingerprint(shape, writes.slice(from?.writes ?? 0), undefined, from?.print);
    this.#byTable.set(key, { writes: writes.length, print });
    return print;
  }
}

/** Rows and row hash of a group of rows: what narrowing compares. */
export interface GroupPrint {
  rows: number;
  rowHash: string;
}

/** Rows and row hash per group of ids: `groupOf(id)` names the group, null leaves it out. */
export function modelGroups(
  shape: Shape,
  writes: readonly ModelWrite[],
  groupOf: (id: number) => number | null,
  overlaps?: (from: number, to: number) => boolean,
): Map<number, GroupPrint> {
  const groups = new Map<number, { rows: number; hash: bigint }>();
  const hasher = new FingerprintSum(shape);
  for (const [batch, write] of modelBatches(shape, writes, overlaps)) {
    const ids = batch.values[0] as Int32Array;
    const keep = keepOf(write, (id) => groupOf(id) !== null)!;
    hasher.hashRows(batch, (r, hash) => {
      const group = groupOf(ids[r])!;
      const sum = groups.get(group);
      if (sum) {
        sum.rows++;
        sum.hash += hash;
      } else groups.set(group, { rows: 1, hash });
    }, keep);
  }
  return new Map(
    [...groups].map(([group, s]) => [group, { rows: s.rows, rowHash: String(s.hash) }]),
  );
}

/** One row as the check shows it: each column's fold (TEXT: the text), and its row hash. */
export interface CheckedRow {
  values: (number | string | null)[];
  hash: string;
}

/** The model's rows with an id in `ids`. */
export function modelRows(
  shape: Shape,
  writes: readonly ModelWrite[],
  ids: ReadonlySet<number>,
): CheckedRow[] {
  const lowest = Math.min(...ids), highest = Math.max(...ids);
  const rows: CheckedRow[] = [];
  const overlaps = (from: number, to: number) => from <= highest && to >= lowest;
  for (const [batch, write] of modelBatches(shape, writes, overlaps)) {
    const batchIds = batch.values[0] as Int32Array;
    for (let r = 0; r < batch.rowCount; r++) {
      const id = batchIds[r];
      if (!ids.has(id) || (write.onlyIds && !write.onlyIds.has(id))) continue;
      rows.push({
        values: shape.columns.map((column, c) =>
          column.type === "TEXT" && !batch.nulls[c]?.[r]
            ? textOf(batch.values[c] as TextColumn, r)
            : foldAt(batch, c, r)
        ),
        hash: rowHashOf(batch, r),
      });
    }
  }
  return rows;
}

const utf8 = new TextDecoder();

function textOf(column: TextColumn, r: number): string {
  return utf8.decode(column.bytes.subarray(column.offsets[r], column.offsets[r + 1]));
}
