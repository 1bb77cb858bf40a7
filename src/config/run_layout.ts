/** Who runs on what: the users and databases of a run, from the config or from a replay file. */
import type { Config } from "./settings.ts";
import { type DatabaseSpec, databaseSpecs, type UserSpec, userSpecs } from "../workload/layout.ts";
import type { Replay } from "./replay.ts";

/** The users and databases of a run. */
export interface RunLayout {
  globalSeed: number;
  users: UserSpec[];
  databases: DatabaseSpec[];
}

/** A replay's users and databases as written, else the ones the config's seed derives. */
export function runLayout(config: Config, replay?: Replay): RunLayout {
  if (replay) {
    return { globalSeed: replay.globalSeed, users: replay.users, databases: replay.databases };
  }
  return {
    globalSeed: config.seed,
    users: userSpecs(
      config.seed,
      {
        inserter: config.inserterUsers,
        query: config.queryUsers,
        mixed: config.mixedUsers,
        ledger: config.ledgerUsers,
      },
      config.databases,
    ),
    databases: databaseSpecs(config.seed, config.databases),
  };
}
