/** `plan`: the first operations each user will roll, without starting hyperd. */
import type { Config } from "../config/settings.ts";
import { databaseTables } from "../workload/layout.ts";
import { type PlannedOp, planOps } from "../workload/planner.ts";
import type { RunLayout } from "../config/run_layout.ts";
import { formatNumber, textTable } from "../results/format.ts";
import { statementText, tableOf } from "../users/ops/execute.ts";

/** The plan as printed: `{users: [{id, class, ops}]}`. */
export interface Plan {
  globalSeed: number;
  users: { id: number; class: string; database: number; ops: PlannedOp[] }[];
}

/**
 * The plan as a person reads it: one row per operation with its user, seq, kind, table, rows and
 * the SQL it sends. `--json` gives every field instead.
 */
export function planTable(config: Config, layout: RunLayout): string {
  const plan = buildPlan(config, layout);
  const tablesOf = new Map(layout.databases.map((d) => [d.index, databaseTables(d.schemaSeed)]));
  const format = config.dataFormat === "arrow" ? "ARROWSTREAM" : "HYPERBINARY";
  const rows = plan.users.flatMap((user) => {
    const tables = tablesOf.get(user.database)!;
    return user.ops.map((op) => [
      `${user.id} ${user.class}`,
      String(op.seq),
      op.kind,
      `db_${user.database}.${tableOf({ tables }, op, user.id)}`,
      op.rows > 0 ? formatNumber(op.rows) : "",
      statementText(op, tables, format, config.queryKnownBugs, {
        user: user.id,
        databasePath: `db_${user.database}.hyper`,
      }),
    ]);
  });
  const head = ["user", "seq", "kind", "table", "rows", "SQL"];
  return `seed ${plan.globalSeed}, ${config.planOps} operations per user (--plan-ops; --json ` +
    `for every field)\n\n${
      textTable(head, rows, ["left", "right", "left", "left", "right", "left"])
    }`;
}

/** Rolls `config.planOps` operations for every user of the layout. */
export function buildPlan(config: Config, layout: RunLayout): Plan {
  const tablesOf = new Map(layout.databases.map((d) => [d.index, databaseTables(d.schemaSeed)]));
  return {
    globalSeed: layout.globalSeed,
    users: layout.users.map((user) => ({
      id: user.id,
      class: user.class,
      database: user.database,
      ops: planOps(user, tablesOf.get(user.database)!, config, config.planOps),
    })),
  };
}
