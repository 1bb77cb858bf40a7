/**
 * A self-contained reproduction of a wrong result, runnable with psql against a fresh hyperd:
 * the tables the statement reads, only the rows inside its id windows, the two sides, the oracle
 * statement, and the answers seen. Pure: the rows are read by the caller (`windowsOf` says which).
 */
import type { FromItem } from "../workload/query_gen/ast.ts";
import { type Check, sidesOf, statementOf } from "../workload/query_gen/oracles.ts";
import type { Shape } from "../workload/table_shapes.ts";

/** The id windows each table is read through, by table name. */
export function windowsOf(check: Check): Map<string, [number, number][]> {
  const windows = new Map<string, [number, number][]>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== "object") return;
    const f = node as FromItem;
    if (f.k === "table") {
      const list = windows.get(f.table) ?? [];
      list.push([f.idFrom, f.idTo]);
      windows.set(f.table, list);
    }
    Object.values(node).forEach(visit);
  };
  visit(check);
  return windows;
}

/** `SELECT * FROM t WHERE id in any of its windows`, every column as text but doubles. */
export function rowsSql(table: string, shape: Shape, windows: [number, number][]): string {
  const columns = shape.columns.map((c) =>
    c.type === "DOUBLE PRECISION" ? `"${c.name}"` : `CAST("${c.name}" AS TEXT) AS "${c.name}"`
  );
  const where = windows.map(([a, b]) => `"id" BETWEEN ${a} AND ${b}`).join(" OR ");
  return `SELECT ${columns.join(", ")} FROM "${table}" WHERE ${where}`;
}

/** One table of the reproduction with the rows it needs (as `rowsSql` read them). */
export interface ReproTable {
  name: string;
  shape: Shape;
  rows: Record<string, unknown>[];
}

/** The reproduction script. */
export function reproScript(options: {
  check: Check;
  tables: ReproTable[];
  whole: string | null;
  parts: string | null;
  note: string;
}): string {
  const { check, tables } = options;
  const { query, partitions } = sidesOf(check);
  const lines = [
    `-- hyperstress: a wrong result (oracle ${check.oracle}), shrunk to one statement.`,
    `-- ${options.note}`,
    "-- Run it against a fresh hyperd:",
    `--   psql "host=127.0.0.1 port=PORT user=tableau_internal_user" -c 'CREATE DATABASE "/tmp/repro.hyper"'`,
    `--   psql "host=127.0.0.1 port=PORT user=tableau_internal_user dbname=/tmp/repro.hyper" -f repro.sql`,
    "",
  ];
  for (const t of tables) {
    const columns = t.shape.columns.map((c) =>
      `"${c.name}" ${c.type}${c.nullable ? "" : " NOT NULL"}`
    );
    lines.push(`CREATE TABLE "${t.name}" (${columns.join(", ")});`);
    if (t.rows.length > 0) {
      const values = t.rows.map((r) =>
        `(${t.shape.columns.map((c) => literal(r[c.name], c.type)).join(", ")})`
      );
      lines.push(`INSERT INTO "${t.name}" VALUES\n  ${values.join(",\n  ")};`);
    }
  }
  lines.push(
    "",
    "-- The query:",
    `${query};`,
    "-- Its partitions (the same rows, split by the predicate, then put together again):",
    `${partitions};`,
    "-- Both in one statement: `whole` and `parts` must be equal (and no row may differ).",
    `-- Seen: whole ${options.whole ?? "NULL"}, parts ${options.parts ?? "NULL"}.`,
    `${statementOf(check)};`,
    "",
  );
  return lines.join("\n");
}

/** A value as a SQL literal of the column's type. */
function literal(value: unknown, type: string): string {
  if (value === null || value === undefined) return "NULL";
  if (type === "DOUBLE PRECISION") return `CAST('${String(value)}' AS DOUBLE PRECISION)`;
  return `CAST('${String(value).replaceAll("'", "''")}' AS ${type})`;
}
