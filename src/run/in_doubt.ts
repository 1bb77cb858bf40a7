/**
 * Inserts whose outcome is unknown: the connection broke, hyperd crashed or the stop grace ran
 * out while they were in flight. Each is looked up id by id in its own id range: what the server
 * holds there, less what the acknowledged inserts put there, is either the insert's row (present)
 * or nothing (absent). All present: applied; none: absent; some: torn.
 */
import type postgres from "postgres";
import type { Shape } from "../workload/table_shapes.ts";
import type { WriteRecord } from "../workload/writes.ts";
import { fingerprintSql, groupsOfRows } from "./fingerprint.ts";
import { modelGroups, type ModelWrite } from "./model.ts";

/** An insert in doubt: its rows and why its outcome is unknown. */
export interface InDoubtWrite extends WriteRecord {
  user: number;
  seq: number;
  /** `connection lost`, `in flight at the stop`, ... */
  why: string;
}

/** What became of an in-doubt insert. */
export interface InDoubtOutcome extends InDoubtWrite {
  database: number;
  table: string;
  /** `unknown`: its ids hold rows neither it nor an acknowledged insert accounts for. */
  outcome: "applied" | "absent" | "torn" | "unknown";
  /** Its rows the server holds. */
  presentRows: number;
}

/**
 * Decides each in-doubt insert into `table`; returns the outcomes (without database and table)
 * and the writes the model must add: applied ones whole, torn ones with their present ids.
 */
export async function resolveInDoubt(
  sql: postgres.Sql,
  table: string,
  shape: Shape,
  acknowledged: readonly WriteRecord[],
  inDoubt: readonly InDoubtWrite[],
): Promise<{ outcomes: Omit<InDoubtOutcome, "database" | "table">[]; present: ModelWrite[] }> {
  const outcomes: Omit<InDoubtOutcome, "database" | "table">[] = [];
  const present: ModelWrite[] = [];
  for (const write of inDoubt) {
    if (write.rows === 0) continue;
    const from = write.firstId, to = write.firstId + write.rows - 1;
    const inRange = (id: number) => id >= from && id <= to ? id : null;
    const overlaps = (a: number, b: number) => a <= to && b >= from;
    const rows = await sql.unsafe(
      fingerprintSql(table, shape, `"id" BETWEEN ${from} AND ${to}`, `"id"`),
    );
    const server = groupsOfRows(rows);
    const known = modelGroups(shape, acknowledged, inRange, overlaps);
    const mine = modelGroups(shape, [write], inRange);
    const presentIds = new Set<number>();
    let unexplained = 0;
    for (let id = from; id <= to; id++) {
      const there = server.get(id), before = known.get(id), row = mine.get(id)!;
      const extraRows = (there?.rows ?? 0) - (before?.rows ?? 0);
      const extraHash = BigInt(there?.rowHash ?? "0") - BigInt(before?.rowHash ?? "0");
      if (extraRows === 0 && extraHash === 0n) continue;
      if (extraRows === 1 && extraHash === BigInt(row.rowHash)) presentIds.add(id);
      else unexplained++;
    }
    const outcome = unexplained > 0
      ? "unknown"
      : presentIds.size === write.rows
      ? "applied"
      : presentIds.size === 0
      ? "absent"
      : "torn";
    outcomes.push({ ...write, outcome, presentRows: presentIds.size });
    if (outcome === "applied") present.push(write);
    else if (presentIds.size > 0) present.push({ ...write, onlyIds: presentIds });
  }
  return { outcomes, present };
}
