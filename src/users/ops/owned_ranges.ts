/**
 * UpdateRange and DeleteRange: UPDATE and DELETE on a table the user owns alone. Each first reads
 * the table and checks it against the user's model (what the user's earlier changes left), then
 * changes a range and checks the row count the server reports. Any failure leaves the outcome
 * unknown: the next operation makes the table afresh instead of checking it.
 */
import type { PlannedOp } from "../../workload/planner.ts";
import { OWNED_ROWS, type OwnedDigest, ownedTable, type RangePlan } from "../../workload/ledger.ts";
import { OwnedModel } from "../../workload/owned_model.ts";
import { quoteIdent } from "../../wire/sql.ts";
import type { OpContext, OpOutcome } from "./context.ts";

/** The statements of a range operation, for the in-flight list and findings. */
export function rangeSql(op: PlannedOp, user: number): string {
  const t = quoteIdent(ownedTable(user));
  const { lo, hi, delta, parity } = op.range!;
  if (op.kind === "UpdateRange") {
    return `UPDATE ${t} SET "v" = "v" + ${delta} WHERE "id" BETWEEN ${lo} AND ${hi}`;
  }
  return `DELETE FROM ${t} WHERE "id" BETWEEN ${lo} AND ${hi}; ` + refillSql(t, op.range!, op.seq) +
    ` -- parity ${parity}`;
}

function refillSql(table: string, plan: RangePlan, seq: number): string {
  return `INSERT INTO ${table} ("id", "v") SELECT g, ${seq} FROM generate_series(${plan.lo}, ` +
    `${plan.hi}) AS s(g) WHERE g % 2 = ${plan.parity}`;
}

/** Runs the planned UpdateRange or DeleteRange after checking the table against the model. */
export async function rangeOp(ctx: OpContext, op: PlannedOp): Promise<OpOutcome> {
  const model = ctx.owned;
  const { sql } = ctx.conn;
  const table = quoteIdent(ownedTable(ctx.ledger.user));
  const plan = op.range!;
  const mismatch = (problem: string, actual: OwnedDigest | null) => {
    ctx.ledger.rangeMismatch({
      user: ctx.ledger.user,
      table: ownedTable(ctx.ledger.user),
      seq: op.seq,
      lastChangeSeq: model.lastChangeSeq,
      atSec: ctx.ledger.nowSec(),
      problem,
      expected: model.digest(),
      actual,
    });
    // Reported once: the table is made afresh rather than found wrong again and again.
    model.known = false;
  };
  try {
    if (!model.known) await makeTable(ctx, model, table);
    else {
      const actual = await readDigest(ctx, table);
      ctx.ledger.rangeChecked();
      const expected = model.digest();
      if (!sameDigest(actual, expected)) {
        mismatch("the table differs from the user's model", actual);
        return { rows: 0, insertedRows: 0 };
      }
    }
    const expectedRows = model.inRange(plan);
    if (op.kind === "UpdateRange") {
      const updated = await sql.unsafe(
        `UPDATE ${table} SET "v" = "v" + ${plan.delta} WHERE "id" BETWEEN ${plan.lo} AND ${plan.hi}`,
      );
      if (updated.count !== expectedRows) {
        mismatch(`UPDATE said ${updated.count} rows, expected ${expectedRows}`, null);
        return { rows: updated.count, insertedRows: 0 };
      }
      model.update(plan, op.seq);
      return { rows: updated.count, insertedRows: 0 };
    }
    await sql.unsafe("BEGIN");
    const deleted = await sql.unsafe(
      `DELETE FROM ${table} WHERE "id" BETWEEN ${plan.lo} AND ${plan.hi}`,
    );
    const refilled = await sql.unsafe(refillSql(table, plan, op.seq));
    await sql.unsafe("COMMIT");
    if (deleted.count !== expectedRows || refilled.count !== OwnedModel.refilled(plan)) {
      mismatch(
        `DELETE said ${deleted.count} rows, expected ${expectedRows}; INSERT said ` +
          `${refilled.count}, expected ${OwnedModel.refilled(plan)}`,
        null,
      );
      return { rows: deleted.count, insertedRows: 0 };
    }
    model.deleteAndRefill(plan, op.seq);
    return { rows: deleted.count, insertedRows: 0 };
  } catch (error) {
    // An answer that never came may or may not have changed the table.
    model.known = false;
    await sql.unsafe("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** Drops and makes the user's table with ids 0 to OWNED_ROWS - 1, all at value 0. */
async function makeTable(ctx: OpContext, model: OwnedModel, table: string): Promise<void> {
  const { sql } = ctx.conn;
  await sql.unsafe(`DROP TABLE IF EXISTS ${table}`);
  await sql.unsafe(`CREATE TABLE ${table} ("id" INT NOT NULL, "v" BIGINT NOT NULL)`);
  await sql.unsafe(
    `INSERT INTO ${table} ("id", "v") SELECT g, 0 FROM generate_series(0, ${
      OWNED_ROWS - 1
    }) AS s(g)`,
  );
  model.reset();
}

/** Row count, sum of values and sum of id × value, in one read. */
async function readDigest(ctx: OpContext, table: string): Promise<OwnedDigest> {
  const [row] = await ctx.conn.sql.unsafe(
    `SELECT count(*) AS "rows", coalesce(sum("v"), 0) AS "sum", ` +
      `coalesce(sum(CAST("id" AS BIGINT) * "v"), 0) AS "weighted" FROM ${table}`,
  );
  return { rows: Number(row.rows), sum: Number(row.sum), weighted: Number(row.weighted) };
}

function sameDigest(a: OwnedDigest, b: OwnedDigest): boolean {
  return a.rows === b.rows && a.sum === b.sum && a.weighted === b.weighted;
}
