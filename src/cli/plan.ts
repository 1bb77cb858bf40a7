/** `plan`: the first operations each user will roll, without starting hyperd. */
import type { Config } from "../config/settings.ts";
import { databaseTables } from "../workload/layout.ts";
import { type PlannedOp, planOps } from "../workload/planner.ts";
import type { RunLayout } from "../config/run_layout.ts";

/** The plan as printed: `{users: [{id, class, ops}]}`. */
export interface Plan {
  globalSeed: number;
  users: { id: number; class: string; database: number; ops: PlannedOp[] }[];
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
