/**
 * What is wrong with a handful of rows: the model's rows of some ids against the server's, as
 * multisets by row hash. A row the server lacks is lost, one it has and nobody wrote is extra,
 * one it has more often than written is duplicated; a lost row and an extra one of the same id
 * are one corrupted row, with the columns that differ. Pure.
 */
import type { Shape } from "../workload/table_shapes.ts";
import type { CheckedRow } from "./model.ts";

/** The integrity findings' kinds. */
export type IntegrityKind = "lost" | "extra" | "duplicated" | "corrupted" | "torn";

/** One wrong row: the model's row beside the server's (either may be missing). */
export interface RowProblem {
  kind: Exclude<IntegrityKind, "torn">;
  id: number | null;
  /** Corrupted: the columns whose values differ. */
  columns: string[];
  model: CheckedRow | null;
  server: CheckedRow | null;
}

function idOf(row: CheckedRow): number | null {
  return typeof row.values[0] === "number" ? row.values[0] : null;
}

function byHash(rows: readonly CheckedRow[]): Map<string, CheckedRow[]> {
  const map = new Map<string, CheckedRow[]>();
  for (const row of rows) {
    const list = map.get(row.hash);
    if (list) list.push(row);
    else map.set(row.hash, [row]);
  }
  return map;
}

/** The wrong rows among `model` and `server` (the same ids' rows on each side). */
export function diffRows(
  shape: Shape,
  model: readonly CheckedRow[],
  server: readonly CheckedRow[],
): RowProblem[] {
  const modelByHash = byHash(model);
  const serverByHash = byHash(server);
  const missing: CheckedRow[] = [];
  const unexpected: CheckedRow[] = [];
  const problems: RowProblem[] = [];
  for (const [hash, rows] of modelByHash) {
    const there = serverByHash.get(hash)?.length ?? 0;
    missing.push(...rows.slice(there));
  }
  for (const [hash, rows] of serverByHash) {
    const written = modelByHash.get(hash) ?? [];
    if (written.length === 0) {
      unexpected.push(...rows);
      continue;
    }
    for (const row of rows.slice(written.length)) {
      problems.push({
        kind: "duplicated",
        id: idOf(row),
        columns: [],
        model: written[0],
        server: row,
      });
    }
  }
  // A missing row and an unexpected one of the same id: one row changed, closest pairs first.
  for (const lost of missing) {
    let best = -1, bestColumns: string[] = [];
    unexpected.forEach((row, i) => {
      if (idOf(row) !== idOf(lost)) return;
      const columns = differingColumns(shape, lost, row);
      if (best < 0 || columns.length < bestColumns.length) [best, bestColumns] = [i, columns];
    });
    if (best < 0) {
      problems.push({ kind: "lost", id: idOf(lost), columns: [], model: lost, server: null });
      continue;
    }
    const [row] = unexpected.splice(best, 1);
    problems.push({
      kind: "corrupted",
      id: idOf(lost),
      columns: bestColumns,
      model: lost,
      server: row,
    });
  }
  for (const row of unexpected) {
    problems.push({ kind: "extra", id: idOf(row), columns: [], model: null, server: row });
  }
  return problems;
}

/** The names of the columns where two rows differ. */
export function differingColumns(shape: Shape, a: CheckedRow, b: CheckedRow): string[] {
  return shape.columns.filter((_, c) => a.values[c] !== b.values[c]).map((c) => c.name);
}
