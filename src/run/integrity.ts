/**
 * Data integrity: each base table holds exactly its seed rows and every row the server
 * acknowledged, by content. The server's fingerprint of each table (one statement) is compared
 * with the model's; a table that differs is narrowed to its first wrong rows. An insert whose
 * outcome is unknown (in doubt) is accepted as wholly applied or wholly absent; partly present,
 * it is torn.
 */
import type postgres from "postgres";
import { connect, type Endpoint } from "../wire/connection.ts";
import { processCpuSec } from "./client_cpu.ts";
import {
  type Fingerprint,
  fingerprintDiff,
  fingerprintOfRow,
  fingerprintSql,
} from "./fingerprint.ts";
import { modelFingerprint, type ModelWrite } from "./model.ts";
import { ModelThread } from "./model_thread.ts";
import { narrow } from "./narrow.ts";
import type { IntegrityKind, RowProblem } from "./row_diff.ts";
import { type InDoubtOutcome, type InDoubtWrite, resolveInDoubt } from "./in_doubt.ts";
import type { Shape } from "../workload/table_shapes.ts";
import type { WriteRecord } from "../workload/writes.ts";
import { seedRowsWrite } from "../workload/layout.ts";

export type { InDoubtOutcome, InDoubtWrite } from "./in_doubt.ts";
export type { IntegrityKind, RowProblem } from "./row_diff.ts";

/** A table to check: where it is and what must be in it. */
export interface CheckedTable {
  database: number;
  /** The database's path as the server sees it. */
  path: string;
  name: string;
  shape: Shape;
  /** Its seed rows and every acknowledged insert. */
  writes: readonly WriteRecord[];
  /** Inserts into it whose outcome is unknown. */
  inDoubt?: readonly InDoubtWrite[];
}

/** One table's check: the model's and the server's figures. */
export interface TableCheck {
  database: number;
  table: string;
  /** Rows the model expects (with the in-doubt inserts found applied). */
  expected: number;
  /** Rows the server holds; null when its fingerprint query failed. */
  actual: number | null;
  ok: boolean;
  /** What differs: `rows`, column names (their non-NULL count or sum), `rowHash`. */
  differs?: string[];
  model?: Fingerprint | null;
  server?: Fingerprint | null;
  /** Id buckets that differ, and the first wrong rows beside the model's. */
  wrongBuckets?: number;
  problems?: RowProblem[];
  /** The server's error, when a query failed. */
  error?: string | null;
}

/** A finding of the check: one kind of fault in one table. */
export interface IntegrityFinding {
  kind: IntegrityKind;
  database: number;
  table: string;
  /** Corrupted: the columns that differ (in the rows shown, else in the fingerprint). */
  columns: string[];
  /** Rows of this kind among those narrowed to (torn: rows of the insert present). */
  rows: number;
  /** The model's and the server's row counts. */
  modelRows: number;
  serverRows: number | null;
  /** Up to three wrong rows, the model's beside the server's. */
  examples: RowProblem[];
  /** Torn: the insert that is partly present. */
  write?: InDoubtOutcome;
}

/** The integrity check's verdict. */
export interface Integrity {
  checked: boolean;
  /** Why the check did not run (hyperd crashed), else null. */
  skipped: string | null;
  tables: TableCheck[];
  /** Tables with anything wrong. */
  mismatches: number;
  /** What is wrong (absent in summaries from before content checks, as are the next two). */
  findings?: IntegrityFinding[];
  /** Every in-doubt insert and what became of it. */
  inDoubt?: InDoubtOutcome[];
  /** Seconds the check took, and the CPU seconds this process spent on it (the model). */
  seconds?: number;
  cpuSec?: number;
  /** `--verify-every`: the checks during the run. */
  checkpoints?: Checkpoint[];
  /**
   * `--verify-after-crash`: the check of the files a crashed hyperd left, by a hyperd restarted
   * on them. A measurement of what survived, not a verdict: Hyper documents no promise.
   */
  afterCrash?: AfterCrash;
}

/** What a hyperd restarted on a crashed one's files found. */
export interface AfterCrash {
  /** Why it could not be checked, else null. */
  skipped: string | null;
  /** Acknowledged rows (with the in-doubt ones found applied) and those present, over tables. */
  expectedRows: number;
  presentRows: number;
  /** Tables whose content differs from the model, and what the check would name in each. */
  tables: { database: number; table: string; differs: string[]; kinds: string[] }[];
  inDoubt: InDoubtOutcome[];
}

/** One checkpoint of `--verify-every`: when users paused, for how long, what it found. */
export interface Checkpoint {
  atSec: number;
  /** From the pause to the resume, in seconds. */
  pauseSec: number;
  /** Why the tables were not checked (an operation never ended), else null. */
  skipped: string | null;
  mismatches: number;
  findings: IntegrityFinding[];
}

/**
 * The end-of-run check with the checkpoints': a fault a checkpoint saw counts even when the end
 * no longer shows it (a transient one), once per kind, table and columns.
 */
export function withCheckpoints(final: Integrity, checkpoints: readonly Checkpoint[]): Integrity {
  if (checkpoints.length === 0) return final;
  const key = (f: IntegrityFinding) => `${f.kind}|${f.database}|${f.table}|${f.columns.join(",")}`;
  const findings = [...(final.findings ?? [])];
  const seen = new Set(findings.map(key));
  for (const finding of checkpoints.flatMap((c) => c.findings)) {
    if (seen.has(key(finding))) continue;
    seen.add(key(finding));
    findings.push(finding);
  }
  const mismatches = Math.max(final.mismatches, ...checkpoints.map((c) => c.mismatches));
  return { ...final, mismatches, findings, checkpoints: [...checkpoints] };
}

/** A check that could not run. */
export function integritySkipped(reason: string): Integrity {
  return {
    checked: false,
    skipped: reason,
    tables: [],
    mismatches: 0,
    findings: [],
    inDoubt: [],
    seconds: 0,
  };
}

const EXAMPLES = 3;

/** A database as the run knows it: its path, its schema seed and its base tables. */
export interface DatabaseToCheck {
  index: number;
  path: string;
  schemaSeed: string;
  tables: readonly { name: string; shape: Shape }[];
}

/**
 * Every base table with what must be in it: its seed rows, the acknowledged inserts (per
 * `database/table`) and the in-doubt ones.
 */
export function tablesToCheck(
  databases: readonly DatabaseToCheck[],
  writes: Readonly<Record<string, readonly WriteRecord[]>>,
  inDoubt: readonly (InDoubtWrite & { key: string })[],
): CheckedTable[] {
  return databases.flatMap((database) =>
    database.tables.map((table, i) => {
      const key = `${database.index}/${table.name}`;
      return {
        database: database.index,
        path: database.path,
        name: table.name,
        shape: table.shape,
        writes: [seedRowsWrite(database.schemaSeed, i), ...(writes[key] ?? [])],
        inDoubt: inDoubt.filter((w) => w.key === key).map(({ key: _, ...w }) => w),
      };
    })
  );
}

/**
 * Checks every table against the model. The server's fingerprint statements and the model (in
 * its own thread, `model`, else one for this check) run as two pipelines that meet per table: up
 * to TABLES_AT_ONCE statements at a time, each on its own connection, largest table first, while
 * the model works through the tables in the same order.
 */
export async function checkIntegrity(
  endpoint: Endpoint,
  tables: readonly CheckedTable[],
  model?: ModelThread,
): Promise<Integrity> {
  const started = performance.now();
  const startedCpu = processCpuSec();
  const thread = model ?? new ModelThread();
  const order = tables.map((table, index) => ({ table, index, rows: rowsOf(table) }))
    .sort((a, b) => b.rows - a.rows);
  const prints = atMost(TABLES_AT_ONCE, order, ({ table }) => serverFingerprint(endpoint, table));
  const models = order.map(({ table }) => {
    const print = thread.fingerprint(`${table.database}/${table.name}`, table.shape, table.writes);
    print.catch(() => {}); // awaited in turn
    return print;
  });
  const results = new Array<Awaited<ReturnType<typeof checkTable>>>(tables.length);
  try {
    for (const [i, { table, index }] of order.entries()) {
      results[index] = await checkTable(endpoint, table, models[i], prints[i]);
    }
  } finally {
    if (!model) thread.close();
  }
  const checks = results.map((r) => r.check);
  return {
    checked: true,
    skipped: null,
    tables: checks,
    mismatches: checks.filter((t) => !t.ok).length,
    findings: results.flatMap((r) => r.findings),
    inDoubt: results.flatMap((r) => r.inDoubt),
    seconds: (performance.now() - started) / 1000,
    // This thread's CPU and the model's: the whole process.
    cpuSec: processCpuSec() - startedCpu,
  };
}

/** Tables whose fingerprint statements run at once. */
const TABLES_AT_ONCE = 4;

function rowsOf(table: CheckedTable): number {
  return table.writes.reduce((n, w) => n + w.rows, 0);
}

/** `run` on each item, at most `limit` at a time, started in order; one promise per item. */
function atMost<T, R>(limit: number, items: readonly T[], run: (item: T) => Promise<R>) {
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = () => {
    if (running < limit) {
      running++;
      return Promise.resolve();
    }
    // The slot passes straight from the one released to the next waiting.
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return items.map((item) => {
    const result = slot().then(() => run(item)).finally(release);
    // Awaited later, in turn; a failure meanwhile must not count as unhandled.
    result.catch(() => {});
    return result;
  });
}

/** `table`'s fingerprint statement, on a connection of its own for its time. */
async function serverFingerprint(
  endpoint: Endpoint,
  table: CheckedTable,
): Promise<readonly Record<string, unknown>[]> {
  const { sql } = connect(endpoint, table.path);
  try {
    return await sql.unsafe(fingerprintSql(table.name, table.shape));
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Compares `table`'s fingerprint (`pending` on the server) with the model's (`acknowledged`, its
 * acknowledged writes'). A connection of its own resolves the in-doubt inserts and narrows a
 * mismatch.
 */
async function checkTable(
  endpoint: Endpoint,
  table: CheckedTable,
  acknowledged: Promise<Fingerprint>,
  pending: Promise<readonly Record<string, unknown>[]>,
): Promise<{ check: TableCheck; findings: IntegrityFinding[]; inDoubt: InDoubtOutcome[] }> {
  const opened: { sql?: postgres.Sql } = {};
  const sql = () => opened.sql ??= connect(endpoint, table.path).sql;
  try {
    return await compareTable(sql, table, acknowledged, pending);
  } finally {
    await opened.sql?.end({ timeout: 5 });
  }
}

async function compareTable(
  sql: () => postgres.Sql,
  table: CheckedTable,
  acknowledged: Promise<Fingerprint>,
  pending: Promise<readonly Record<string, unknown>[]>,
): Promise<{ check: TableCheck; findings: IntegrityFinding[]; inDoubt: InDoubtOutcome[] }> {
  const { shape, name, database } = table;
  const findings: IntegrityFinding[] = [];
  let error: string | null = null;
  let writes: ModelWrite[] = [...table.writes];
  let present: ModelWrite[] = [];
  let inDoubt: InDoubtOutcome[] = [];
  try {
    if (table.inDoubt?.length) {
      const resolved = await resolveInDoubt(sql(), name, shape, table.writes, table.inDoubt);
      inDoubt = resolved.outcomes.map((o) => ({ ...o, database, table: name }));
      present = resolved.present;
      writes = [...writes, ...present];
    }
  } catch (e) {
    error = (e as Error).message;
  }
  // In-doubt inserts found present are added here, uncached: the next check decides them anew.
  const model = modelFingerprint(shape, present, undefined, await acknowledged);
  let server: Fingerprint | null = null;
  try {
    const [row] = await pending;
    server = fingerprintOfRow(shape, row);
  } catch (e) {
    error ??= (e as Error).message;
  }
  const differs = server ? fingerprintDiff(shape, model, server) : ["rows"];
  let problems: RowProblem[] = [];
  let wrongBuckets = 0;
  if (server && differs.length > 0) {
    try {
      ({ problems, wrongBuckets } = await narrow(sql(), name, shape, writes));
    } catch (e) {
      error ??= (e as Error).message;
    }
  }
  const check: Required<TableCheck> = {
    database,
    table: name,
    expected: model.rows,
    actual: server?.rows ?? null,
    ok: differs.length === 0 && error === null && inDoubt.every((o) => o.outcome !== "torn"),
    differs,
    model,
    server,
    wrongBuckets,
    problems,
    error,
  };
  for (const torn of inDoubt.filter((o) => o.outcome === "torn")) {
    findings.push({
      kind: "torn",
      database,
      table: name,
      columns: [],
      rows: torn.presentRows,
      modelRows: model.rows,
      serverRows: server?.rows ?? null,
      examples: [],
      write: torn,
    });
  }
  // Without the server's figures (its query failed) nothing can be named: the table's error says
  // why, and it counts as a mismatch.
  if (server && differs.length > 0) findings.push(...rowFindings(check, shape));
  return { check, findings, inDoubt };
}

/** One finding per kind of wrong row; without rows to show, one named by the figures. */
function rowFindings(check: Required<TableCheck>, shape: Shape): IntegrityFinding[] {
  const base = {
    database: check.database,
    table: check.table,
    modelRows: check.expected,
    serverRows: check.actual,
  };
  const kinds: Exclude<IntegrityKind, "torn">[] = ["corrupted", "duplicated", "lost", "extra"];
  const found = kinds.flatMap((kind) => {
    const rows = check.problems.filter((p) => p.kind === kind);
    if (rows.length === 0) return [];
    const columns = kind === "corrupted"
      ? shape.columns.map((c) => c.name).filter((c) => rows.some((p) => p.columns.includes(c)))
      : [];
    return [{ kind, ...base, columns, rows: rows.length, examples: rows.slice(0, EXAMPLES) }];
  });
  if (found.length > 0) return found;
  const actual = check.actual ?? check.expected;
  const kind = actual < check.expected ? "lost" : actual > check.expected ? "extra" : "corrupted";
  const columns = check.differs.filter((d) => d !== "rows" && d !== "rowHash");
  return [{ kind, ...base, columns, rows: Math.abs(actual - check.expected), examples: [] }];
}
