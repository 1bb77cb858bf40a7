/** replay.json: the seeds and settings that reproduce every user's operation sequence. */
import { z } from "zod";
import { ConfigError } from "../errors.ts";
import type { DatabaseSpec, UserSpec } from "../workload/layout.ts";
import { USER_CLASSES } from "../workload/op_table.ts";
import type { Config } from "./settings.ts";

/** Version of the replay file layout. */
export const REPLAY_SCHEMA_VERSION = 1;

const ReplaySchema = z.object({
  schemaVersion: z.literal(REPLAY_SCHEMA_VERSION),
  globalSeed: z.number().int(),
  config: z.record(z.string(), z.unknown()),
  users: z.array(z.object({
    id: z.number().int().min(0),
    class: z.enum(USER_CLASSES),
    seed: z.string(),
    database: z.number().int().min(0),
  })).min(1),
  databases: z.array(z.object({
    index: z.number().int().min(0),
    schemaSeed: z.string(),
    file: z.string(),
  })).min(1),
  stopReason: z.string().nullable(),
});

/** A replay file's content. */
export type Replay = z.infer<typeof ReplaySchema>;

/** Builds the replay file of a run. */
export function buildReplay(
  config: Config,
  users: UserSpec[],
  databases: DatabaseSpec[],
  stopReason: string | null,
): Replay {
  return {
    schemaVersion: REPLAY_SCHEMA_VERSION,
    globalSeed: config.seed,
    config: { ...config },
    users,
    databases,
    stopReason,
  };
}

/** Reads and validates a replay file; a missing or malformed one is a ConfigError. */
export async function readReplay(path: string, origin = "STRESS_REPLAY_FILE"): Promise<Replay> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new ConfigError(
      `${origin}: expected the path of a replay.json written by an earlier run, got ${
        JSON.stringify(path)
      } (${(error as Error).message})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`${origin}: expected JSON in ${path}, got text that does not parse`);
  }
  const result = ReplaySchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((i) =>
      `${i.path.join(".") || "(root)"}: ${i.message}`
    );
    throw new ConfigError(`${origin}: ${path} is not a replay file: ${problems.join("; ")}`);
  }
  const replay = result.data;
  for (const user of replay.users) {
    if (!replay.databases.some((d) => d.index === user.database)) {
      throw new ConfigError(
        `${origin}: user ${user.id} names database ${user.database}, which ${path} does not list`,
      );
    }
  }
  return replay;
}
