/** No lost writes: each base table holds its seed rows plus every row the server acknowledged. */
import { connect, type Endpoint } from "../wire/connection.ts";
import { SEED_ROWS } from "../workload/layout.ts";
import { quoteIdent } from "../wire/sql.ts";

/** A database to count: where it is (as the server sees it) and its base tables' names. */
export interface CountedDatabase {
  index: number;
  path: string;
  tables: readonly { name: string }[];
}

/** One table's expected and counted rows. */
export interface TableCount {
  database: number;
  table: string;
  expected: number;
  actual: number | null;
  ok: boolean;
}

/** The integrity check's verdict. */
export interface Integrity {
  checked: boolean;
  /** Why the check did not run (hyperd crashed), else null. */
  skipped: string | null;
  tables: TableCount[];
  mismatches: number;
}

/** A check that could not run. */
export function integritySkipped(reason: string): Integrity {
  return { checked: false, skipped: reason, tables: [], mismatches: 0 };
}

/** Counts every base table and compares with the acknowledged inserts (`database/table` keys). */
export async function checkIntegrity(
  endpoint: Endpoint,
  databases: readonly CountedDatabase[],
  acknowledged: Record<string, number>,
): Promise<Integrity> {
  const tables: TableCount[] = [];
  for (const database of databases) {
    const { sql } = connect(endpoint, database.path);
    try {
      for (const table of database.tables) {
        const expected = SEED_ROWS + (acknowledged[`${database.index}/${table.name}`] ?? 0);
        let actual: number | null = null;
        try {
          const [row] = await sql.unsafe(`SELECT count(*) AS n FROM ${quoteIdent(table.name)}`);
          actual = Number(row.n);
        } catch { /* counted as a mismatch below */ }
        tables.push({
          database: database.index,
          table: table.name,
          expected,
          actual,
          ok: actual === expected,
        });
      }
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
  return { checked: true, skipped: null, tables, mismatches: tables.filter((t) => !t.ok).length };
}
