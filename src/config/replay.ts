/** replay.json: the seeds and settings that reproduce every user's operation sequence. */
import { z } from "zod";
import { ConfigError } from "../errors.ts";
import { jsonErrorPosition } from "./json_position.ts";
import type { DatabaseSpec, UserSpec } from "../workload/layout.ts";
import { USER_CLASSES } from "../workload/op_table.ts";
import { deriveSeed } from "../workload/rng.ts";
import { type Config, type Setting, settingEntries } from "./settings.ts";

/** Version of the replay file layout. */
export const REPLAY_SCHEMA_VERSION = 1;

const SEED_MAX = 2 ** 32 - 1;

/** An integer in [min, max] whose every failure says what was expected. */
function integer(min: number, max: number, what = `an integer from ${min} to ${max}`) {
  const error = `expected ${what}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

const UserSchema = z.object({
  id: integer(0, Number.MAX_SAFE_INTEGER, "an integer >= 0"),
  class: z.enum(USER_CLASSES, {
    error: `expected one of ${USER_CLASSES.map((c) => JSON.stringify(c)).join(", ")}`,
  }),
  seed: z.string({ error: "expected a string" }).regex(/^\d+:user:\d+$/, {
    error: 'expected a seed "<globalSeed>:user:<id>"',
  }),
  database: integer(0, Number.MAX_SAFE_INTEGER, "an integer >= 0"),
  // Set by shrink: the user stops after this many operations, a prefix of its sequence.
  maxOps: integer(0, Number.MAX_SAFE_INTEGER, "an integer >= 0").optional(),
}).strict();

const DatabaseSchema = z.object({
  index: integer(0, Number.MAX_SAFE_INTEGER, "an integer >= 0"),
  schemaSeed: z.string({ error: "expected a string" }).regex(/^\d+:schema:\d+$/, {
    error: 'expected a seed "<globalSeed>:schema:<index>"',
  }),
  // A plain name only: the file is joined to the output dir, then dropped and recreated.
  file: z.string({ error: "expected a string" }).regex(/^db_\d+\.hyper$/, {
    error: 'expected a plain file name "db_<index>.hyper"',
  }),
}).strict();

const GlobalSeedSchema = integer(0, SEED_MAX);

const ReplaySchema = z.object({
  schemaVersion: z.literal(REPLAY_SCHEMA_VERSION, {
    error: `expected ${REPLAY_SCHEMA_VERSION} (the replay layout this hyperstress reads)`,
  }),
  globalSeed: GlobalSeedSchema,
  // Values are checked by the settings table when the config is resolved; keys here.
  config: z.record(z.string(), z.unknown(), { error: "expected an object of settings" }),
  users: z.array(UserSchema, { error: "expected a list of users" }).min(1, {
    error: "expected at least one user",
  }),
  databases: z.array(DatabaseSchema, { error: "expected a list of databases" }).min(1, {
    error: "expected at least one database",
  }),
  stopReason: z.string({ error: "expected a stop reason or null" }).nullable(),
}).strict();

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
  } catch (error) {
    throw new ConfigError(
      `${origin}: expected JSON in ${path}, got ${syntaxErrorText(text, error as Error)}; ` +
        "fix the file or use the replay.json of another run",
    );
  }
  return parseReplay(parsed, path, origin);
}

/** Where and how JSON text fails to parse: `a syntax error at line 3, column 7: "b" 2`. */
function syntaxErrorText(text: string, error: Error): string {
  const at = jsonErrorPosition(text);
  // Only a text JSON.parse rejects reaches here; V8's words stand if the two ever disagree.
  if (!at) return `text that does not parse (${error.message})`;
  if (text.trim() === "") return "an empty file";
  const where = `line ${at.line}, column ${at.column}`;
  if (at.offset >= text.length) return `text that ends before the JSON does (${where})`;
  const rest = text.slice(at.offset).split("\n")[0];
  const near = rest.length > 30 ? `${rest.slice(0, 30)}...` : rest;
  return `a syntax error at ${where}, at ${JSON.stringify(near)}`;
}

/**
 * Validates a replay file's parsed JSON: its shape, then that its seeds, ids, indices and file
 * names are the ones its global seed derives. Throws one ConfigError listing every problem.
 */
export function parseReplay(value: unknown, path: string, origin: string): Replay {
  const result = ReplaySchema.safeParse(value);
  const problems = result.success ? [] : result.error.issues.map((i) => issueText(i, value));
  problems.push(...consistencyProblems(value));
  if (problems.length > 0) {
    throw new ConfigError(
      `${origin}: ${path} is not a valid replay file; fix or regenerate it:\n  ${
        problems.join("\n  ")
      }`,
    );
  }
  return result.data!;
}

/** One zod issue as `path: expected ..., got ...`, with the value found in the file. */
function issueText(issue: z.core.$ZodIssue, root: unknown): string {
  const where = issue.path.length > 0 ? issue.path.join(".") : "(root)";
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(", ");
    return `${where}: expected only the keys a replay file has, got unknown ${keys}`;
  }
  const found = valueAt(root, issue.path);
  return `${where}: ${issue.message}, got ${found === undefined ? "none" : show(found)}`;
}

/**
 * Checks across fields, over every part that is valid on its own, so a file with several
 * problems gets them all at once.
 */
function consistencyProblems(value: unknown): string[] {
  if (!isObject(value)) return [];
  const seed = GlobalSeedSchema.safeParse(value.globalSeed);
  const config = isObject(value.config) ? value.config : undefined;
  const userList = Array.isArray(value.users) ? value.users : [];
  const databaseList = Array.isArray(value.databases) ? value.databases : [];
  const users = validItems(userList, UserSchema);
  const databases = validItems(databaseList, DatabaseSchema);
  const problems: string[] = [];
  let globalSeed = seed.success ? seed.data : undefined;
  // One edited globalSeed would otherwise show as a wrong seed on every user and database.
  const agreed = agreedSeed(config?.seed, [
    ...users.map(([, u]) => u.seed),
    ...databases.map(([, d]) => d.schemaSeed),
  ]);
  if (globalSeed !== undefined && agreed !== undefined && agreed !== globalSeed) {
    problems.push(
      `globalSeed: expected ${agreed} (config.seed and every user's and database's seed ` +
        `derive from it), got ${globalSeed}`,
    );
    globalSeed = agreed;
  }

  if (config) {
    const settings = new Map<string, Setting>(settingEntries());
    for (const [key, value] of Object.entries(config)) {
      const s = settings.get(key);
      if (!s) problems.push(`config.${key}: expected a setting name, got unknown key`);
      // Checked here too, so a bad value is named with the file and the flag that gave it.
      else if (!s.operator && !s.schema.safeParse(value).success) {
        problems.push(`config.${key}: expected ${s.expects}, got ${show(value)}`);
      }
    }
    if (globalSeed !== undefined && config.seed !== globalSeed) {
      const found = config.seed === undefined ? "none" : show(config.seed);
      problems.push(`config.seed: expected ${globalSeed} (the globalSeed), got ${found}`);
    }
  }

  // Indices and ids need not run 0..n-1: a shrunk replay keeps a subset under their own seeds.
  const indices = new Set<number>();
  for (const [i, db] of databases) {
    if (indices.has(db.index)) {
      problems.push(`databases.${i}.index: expected each index once, got ${db.index} again`);
    }
    indices.add(db.index);
    if (db.file !== `db_${db.index}.hyper`) {
      problems.push(
        `databases.${i}.file: expected "db_${db.index}.hyper" (from its index), got ${
          show(db.file)
        }`,
      );
    }
    const expected = globalSeed === undefined
      ? db.schemaSeed
      : deriveSeed(globalSeed, "schema", db.index);
    if (db.schemaSeed !== expected) {
      problems.push(
        `databases.${i}.schemaSeed: expected "${expected}" (globalSeed:schema:index), got ${
          show(db.schemaSeed)
        }`,
      );
    }
  }

  const ids = new Set<number>();
  // A user's database is checked only against a list that is valid throughout.
  const listed = databases.length === databaseList.length ? indices : undefined;
  for (const [i, user] of users) {
    if (ids.has(user.id)) {
      problems.push(`users.${i}.id: expected each id once, got ${user.id} again`);
    }
    ids.add(user.id);
    const expected = globalSeed === undefined ? user.seed : deriveSeed(globalSeed, "user", user.id);
    if (user.seed !== expected) {
      problems.push(
        `users.${i}.seed: expected "${expected}" (globalSeed:user:id), got ${show(user.seed)}`,
      );
    }
    if (listed && !listed.has(user.database)) {
      problems.push(
        `users.${i}.database: expected the index of a listed database (${
          [...listed].join(", ")
        }), got ${user.database}`,
      );
    }
  }

  // The config's counts describe the lists; a file where they disagree was edited by hand.
  if (config && typeof config.databases === "number" && config.databases !== databaseList.length) {
    problems.push(
      `config.databases: expected ${databaseList.length} (the databases listed), got ${config.databases}`,
    );
  }
  if (config && users.length === userList.length) {
    for (const userClass of USER_CLASSES) {
      const key = `${userClass}Users`;
      const count = users.filter(([, u]) => u.class === userClass).length;
      if (typeof config[key] === "number" && config[key] !== count) {
        problems.push(
          `config.${key}: expected ${count} (the ${userClass} users listed), got ${config[key]}`,
        );
      }
    }
  }
  return problems;
}

/** The global seed config.seed and every `<seed>:kind:<n>` agree on, or undefined if they differ. */
function agreedSeed(configSeed: unknown, seeds: string[]): number | undefined {
  if (!GlobalSeedSchema.safeParse(configSeed).success || seeds.length === 0) return undefined;
  const prefixes = new Set(seeds.map((s) => Number(s.split(":")[0])));
  return prefixes.size === 1 && prefixes.has(configSeed as number)
    ? configSeed as number
    : undefined;
}

/** The items of `list` that `schema` accepts, with their positions. */
function validItems<T>(list: unknown[], schema: z.ZodType<T>): [number, T][] {
  return list.flatMap((item, i): [number, T][] => {
    const parsed = schema.safeParse(item);
    return parsed.success ? [[i, parsed.data]] : [];
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let at = root;
  for (const key of path) {
    if (typeof at !== "object" || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
