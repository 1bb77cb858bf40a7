/**
 * GeneratedQuery: a query generated from the operation's seed, checked by a metamorphic oracle
 * in one statement (src/workload/query_gen/). Its outcome is data: passed, an error valid SQL may
 * raise, a generator bug, a wrong result or an internal error. Other errors (connection lost,
 * 40001, out of memory) fail the operation as any other.
 */
import type { PlannedOp } from "../../workload/planner.ts";
import type { TableSpec } from "../../workload/layout.ts";
import { generateCheck } from "../../workload/query_gen/generate.ts";
import {
  type Check,
  judge,
  type Judgement,
  sidesOf,
  statementOf,
} from "../../workload/query_gen/oracles.ts";
import { shrinkCheck } from "../../workload/query_gen/shrink_tree.ts";
import { classifyQueryError } from "../../workload/query_gen/error_class.ts";
import type { OracleEvent, ShrunkResult } from "../../stats/oracle_stats.ts";
import type { OpContext, OpOutcome } from "./context.ts";

/** The check `op` runs: its seed is the operation's data seed, its bound the op's complexity. */
export function generatedCheck(
  op: PlannedOp,
  tables: readonly TableSpec[],
  knownBugs = false,
): Check {
  return generateCheck(op.dataSeed, tables, op.complexity, { knownBugs });
}

/** The statement `op` sends. */
export function generatedQuerySql(
  op: PlannedOp,
  ctx: Pick<OpContext, "tables" | "queryKnownBugs">,
): string {
  return statementOf(generatedCheck(op, ctx.tables, ctx.queryKnownBugs));
}

/** Runs the check and reports what it found; only ordinary failures throw. */
export async function generatedQuery(
  ctx: OpContext,
  op: PlannedOp,
  database: number,
): Promise<OpOutcome> {
  const knownBugs = ctx.queryKnownBugs ?? false;
  const check = generatedCheck(op, ctx.tables, knownBugs);
  const statement = statementOf(check);
  const about = { seed: op.dataSeed, complexity: op.complexity, database, knownBugs };
  let rows: Record<string, unknown>[];
  try {
    rows = await ctx.conn.sql.unsafe(statement);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    const event = errorEvent(e.code, String(e.message ?? error), statement, about);
    if (!event) throw error;
    return { rows: 0, insertedRows: 0, oracle: event };
  }
  const judgement = judge(rows);
  if (judgement.ok) {
    return { rows: rows.length, insertedRows: 0, oracle: { kind: "passed", oracle: check.oracle } };
  }
  const { query, partitions } = sidesOf(check);
  const shrunk = await shrinkNow(ctx, check);
  return {
    rows: rows.length,
    insertedRows: 0,
    oracle: {
      kind: "wrong-result",
      result: {
        oracle: check.oracle,
        ...about,
        statement,
        query,
        partitions,
        whole: judgement.whole,
        parts: judgement.parts,
        differing: judgement.differing,
        shrunk,
      },
    },
  };
}

/** Candidates a wrong result's shrink tries at most: a few seconds of statements, once in a run. */
const SHRINK_ATTEMPTS = 300;

/** Shrinks `check` on the user's connection; the smallest check that still failed, if smaller. */
async function shrinkNow(ctx: OpContext, check: Check): Promise<ShrunkResult | null> {
  let last: Judgement | null = null;
  const fails = async (candidate: Check): Promise<boolean> => {
    try {
      const judgement = judge(await ctx.conn.sql.unsafe(statementOf(candidate)));
      if (!judgement.ok) last = judgement;
      return !judgement.ok;
    } catch {
      return false;
    }
  };
  const result = await shrinkCheck(check, fails, SHRINK_ATTEMPTS);
  const seen = last as Judgement | null;
  if (result.steps === 0 || !seen) return null;
  return {
    ...sidesOf(result.check),
    statement: statementOf(result.check),
    whole: seen.whole,
    parts: seen.parts,
    attempts: result.attempts,
    steps: result.steps,
  };
}

function errorEvent(
  sqlState: string | undefined,
  message: string,
  statement: string,
  about: { seed: number; complexity: number; database: number; knownBugs: boolean },
): OracleEvent | null {
  switch (classifyQueryError(sqlState)) {
    case "expected":
      return { kind: "expected", sqlState: sqlState! };
    case "generator":
      return { kind: "generator", sqlState: sqlState!, message, statement };
    case "internal":
      return { kind: "internal", error: { ...about, sqlState: sqlState!, message, statement } };
    case "other":
      return null;
  }
}
