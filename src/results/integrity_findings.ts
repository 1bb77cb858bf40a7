/**
 * The integrity check's findings as people read them: one line per kind and table naming the
 * rows and columns, the model's value beside the server's, and a signature that is the same for
 * the same fault across seeds (`integrity | corrupted | medium | price`). Pure.
 */
import type { IntegrityFinding } from "../run/integrity.ts";
import type { CheckedRow } from "../run/model.ts";
import { SHAPES } from "../workload/table_shapes.ts";
import { formatNumber, plural } from "./format.ts";
import { signatureOf, tableShape } from "./signature.ts";

/** The column types of a workload table, by its name's shape suffix (`t1_medium`). */
function columnsOf(table: string) {
  return SHAPES.find((s) => s.name === tableShape(table))?.columns ?? [];
}

/** A folded value as its column shows it: DOUBLE from millionths, TIMESTAMP from µs. */
export function displayValue(type: string, value: number | string | null): string {
  if (value === null) return "NULL";
  if (typeof value === "string") return JSON.stringify(value);
  switch (type) {
    case "DOUBLE PRECISION":
      return value === -1 ? "(out of range)" : String(value / 1_000_000);
    case "TIMESTAMP":
      return new Date(Math.floor(value / 1000)).toISOString().slice(0, 19).replace("T", " ") +
        `.${String(((value % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, "0")}`;
    case "BOOL":
      return value === 1 ? "true" : "false";
    default:
      return String(value);
  }
}

/** `price: model 123.45, server 123.451` for each differing column of a corrupted row. */
function changes(table: string, columns: string[], model: CheckedRow, server: CheckedRow): string {
  const all = columnsOf(table);
  return columns.map((name) => {
    const c = all.findIndex((col) => col.name === name);
    const type = all[c]?.type ?? "";
    return `${name}: model ${displayValue(type, model.values[c])}, server ${
      displayValue(type, server.values[c])
    }`;
  }).join("; ");
}

function ids(finding: IntegrityFinding): string {
  const shown = finding.examples.map((p) => p.id).filter((id) => id !== null);
  if (shown.length === 0) return "";
  return ` (id ${shown.join(", ")}${finding.rows > shown.length ? ", ..." : ""})`;
}

/** A wrong row's values as its columns show them, `id=7, name="name_7", ...`; `-` for none. */
export function rowText(table: string, row: CheckedRow | null): string {
  if (!row) return "-";
  const columns = columnsOf(table);
  return row.values.map((v, c) =>
    `${columns[c]?.name ?? c}=${displayValue(columns[c]?.type ?? "", v)}`
  )
    .join(", ");
}

/** One line for people. */
export function describeIntegrity(f: IntegrityFinding): string {
  const where = `${f.table} (db ${f.database})`;
  const counts = `; ${formatNumber(f.modelRows)} rows expected, ` +
    `${f.serverRows === null ? "?" : formatNumber(f.serverRows)} found`;
  switch (f.kind) {
    case "corrupted": {
      const first = f.examples.find((p) => p.model && p.server);
      const detail = first
        ? `: id ${first.id}, ${changes(f.table, first.columns, first.model!, first.server!)}`
        : ` (fingerprint of ${f.columns.join(", ") || "the rows"} differs)`;
      return `corrupted: ${plural(f.rows, "row")} of ${where} ${
        f.rows === 1 ? "differs" : "differ"
      } in ` +
        `${f.columns.join(", ") || "content"}${detail}`;
    }
    case "duplicated":
      return `duplicated: ${plural(f.rows, "row")} of ${where} stored more often than ` +
        `written${ids(f)}${counts}`;
    case "lost":
      return `lost: ${plural(f.rows, "acknowledged row")} of ${where} missing${ids(f)}${counts}`;
    case "extra":
      return `extra: ${plural(f.rows, "row")} in ${where} that no acknowledged insert ` +
        `wrote${ids(f)}${counts}`;
    case "torn": {
      const w = f.write!;
      return `torn: an in-doubt insert of ${plural(w.rows, "row")} into ${where} ` +
        `(user ${w.user}, seq ${w.seq}, ${w.why}) is partly there: ${
          formatNumber(w.presentRows)
        } ` +
        `of ${formatNumber(w.rows)} rows`;
    }
  }
}

/** The same for the same fault across seeds: kind, table shape and columns. */
export function integritySignature(f: IntegrityFinding): string {
  return signatureOf(["integrity", f.kind, tableShape(f.table), [...f.columns].sort().join(",")]);
}
