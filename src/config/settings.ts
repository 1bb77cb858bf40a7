/**
 * Every setting of hyperstress, in one zod schema with its flag, env variable, default and help,
 * and the one function that resolves them: replay file (for workload settings), flag, env, default.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { ConfigError } from "../errors.ts";
import { thresholdProblems } from "../results/thresholds.ts";

/** How a raw string from a flag or env variable becomes a value. */
type Kind = "int" | "number" | "string" | "list";

interface Setting<T extends z.ZodType> {
  /** Typed schema with the range; also validates values read from a replay file. */
  schema: T;
  kind: Kind;
  env: string;
  flag: string;
  /** Default value, or a function for defaults decided at start (a random seed). */
  default?: z.infer<T> | (() => z.infer<T>);
  /** What a valid value looks like, for error messages. */
  expects: string;
  help: string;
}

function setting<T extends z.ZodType>(s: Setting<T>): Setting<T> {
  return s;
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const atLeast = (min: number) => `an integer >= ${min}`;

/** The settings, in the order `--help` lists them. */
export const SETTINGS = {
  duration: setting({
    schema: int(1),
    kind: "int",
    env: "STRESS_DURATION",
    flag: "duration",
    default: 300,
    expects: atLeast(1),
    help: "How long the run lasts, in seconds.",
  }),
  databases: setting({
    schema: int(1, 64),
    kind: "int",
    env: "STRESS_DATABASES",
    flag: "databases",
    default: 3,
    expects: "an integer from 1 to 64",
    help: "Number of .hyper databases the users spread over.",
  }),
  inserterUsers: setting({
    schema: int(0, 1024),
    kind: "int",
    env: "STRESS_INSERTER_USERS",
    flag: "inserter-users",
    default: 4,
    expects: "an integer from 0 to 1024",
    help: "Users that mostly bulk insert.",
  }),
  queryUsers: setting({
    schema: int(0, 1024),
    kind: "int",
    env: "STRESS_QUERY_USERS",
    flag: "query-users",
    default: 3,
    expects: "an integer from 0 to 1024",
    help: "Users that mostly query.",
  }),
  mixedUsers: setting({
    schema: int(0, 1024),
    kind: "int",
    env: "STRESS_MIXED_USERS",
    flag: "mixed-users",
    default: 2,
    expects: "an integer from 0 to 1024",
    help: "Users with a balanced mix of writes and reads.",
  }),
  seed: setting({
    schema: int(0, 2 ** 32 - 1),
    kind: "int",
    env: "STRESS_SEED",
    flag: "seed",
    default: () => crypto.getRandomValues(new Uint32Array(1))[0],
    expects: "an integer from 0 to 4294967295",
    help: "Global seed; every user's sequence derives from it (random when unset).",
  }),
  maxMemoryMb: setting({
    schema: int(1),
    kind: "int",
    env: "STRESS_MAX_MEMORY_MB",
    flag: "max-memory-mb",
    default: 4096,
    expects: atLeast(1),
    help: "hyperd resident memory above which users pause (backpressure).",
  }),
  maxCpuPercent: setting({
    schema: z.number().gt(0).max(100),
    kind: "number",
    env: "STRESS_MAX_CPU_PERCENT",
    flag: "max-cpu-percent",
    default: 90,
    expects: "a number above 0 and at most 100",
    help: "hyperd CPU use above which users pause (backpressure).",
  }),
  maxDiskMb: setting({
    schema: int(1),
    kind: "int",
    env: "STRESS_MAX_DISK_MB",
    flag: "max-disk-mb",
    default: 2048,
    expects: atLeast(1),
    help: "Size of the run's .hyper files above which writes turn into reads.",
  }),
  maxBackpressureSec: setting({
    schema: int(1),
    kind: "int",
    env: "STRESS_MAX_BACKPRESSURE_SEC",
    flag: "max-backpressure-sec",
    default: 60,
    expects: atLeast(1),
    help: "Stop with ResourceLimit when backpressure or read-only mode lasts this long.",
  }),
  thinkMinMs: setting({
    schema: int(0),
    kind: "int",
    env: "STRESS_THINK_MIN_MS",
    flag: "think-min-ms",
    default: 10,
    expects: atLeast(0),
    help: "Shortest pause between a user's operations, in ms.",
  }),
  thinkMaxMs: setting({
    schema: int(0),
    kind: "int",
    env: "STRESS_THINK_MAX_MS",
    flag: "think-max-ms",
    default: 200,
    expects: atLeast(0),
    help: "Longest pause between a user's operations, in ms.",
  }),
  batchMin: setting({
    schema: int(1),
    kind: "int",
    env: "STRESS_BATCH_MIN",
    flag: "batch-min",
    default: 100,
    expects: atLeast(1),
    help: "Fewest rows in one bulk insert.",
  }),
  batchMax: setting({
    schema: int(1),
    kind: "int",
    env: "STRESS_BATCH_MAX",
    flag: "batch-max",
    default: 10000,
    expects: atLeast(1),
    help: "Most rows in one bulk insert.",
  }),
  queryComplexityMax: setting({
    schema: int(1, 3),
    kind: "int",
    env: "STRESS_QUERY_COMPLEXITY_MAX",
    flag: "query-complexity-max",
    default: 3,
    expects: "an integer from 1 to 3",
    help: "Highest join complexity: 1 two tables, 2 plus grouping, 3 three tables and a window.",
  }),
  preset: setting({
    schema: z.enum(["tcp-hyperbinary", "tcp-arrow", "grpc", "replay"]).optional(),
    kind: "string",
    env: "STRESS_PRESET",
    flag: "preset",
    expects: '"tcp-hyperbinary", "tcp-arrow", "grpc" or "replay"',
    help: "One of the seed tool's test modes; explicit transport and format settings win.",
  }),
  transport: setting({
    schema: z.enum(["tcp", "grpc"]),
    kind: "string",
    env: "STRESS_TRANSPORT",
    flag: "transport",
    default: "tcp",
    expects: '"tcp" or "grpc"',
    help: "tcp: everything over libpq; grpc: reads over gRPC, writes over libpq.",
  }),
  dataFormat: setting({
    schema: z.enum(["hyperbinary", "arrow"]),
    kind: "string",
    env: "STRESS_DATA_FORMAT",
    flag: "data-format",
    default: "hyperbinary",
    expects: '"hyperbinary" or "arrow"',
    help: "Wire format of bulk inserts (COPY).",
  }),
  logInterval: setting({
    schema: int(1, 3600),
    kind: "int",
    env: "STRESS_LOG_INTERVAL",
    flag: "log-interval",
    default: 5,
    expects: "an integer from 1 to 3600 (seconds)",
    help: "How often hyperd logs its resource use, in seconds.",
  }),
  logMode: setting({
    schema: int(0, 4095),
    kind: "int",
    env: "STRESS_LOG_MODE",
    flag: "log-mode",
    default: 2047,
    expects: "an integer from 0 to 4095 (a bit mask)",
    help: "hyperd's log_resource_usage_mode bit mask.",
  }),
  memoryLimit: setting({
    schema: z.string().regex(/^(\d+(\.\d+)?%|\d+[kmgtKMGT]?)$/),
    kind: "string",
    env: "STRESS_MEMORY_LIMIT",
    flag: "memory-limit",
    default: "80%",
    expects: 'a percentage like "80%" or a size like "4096m"',
    help: "hyperd's memory_limit.",
  }),
  outputDir: setting({
    schema: z.string().min(1).optional(),
    kind: "string",
    env: "STRESS_OUTPUT_DIR",
    flag: "output-dir",
    expects: "a writable directory path",
    help: "Where databases, logs and artifacts go (a new temp dir when unset).",
  }),
  replayFile: setting({
    schema: z.string().min(1).optional(),
    kind: "string",
    env: "STRESS_REPLAY_FILE",
    flag: "replay-file",
    expects: "the path of a replay.json written by an earlier run",
    help: "Replay the users and seeds of an earlier run.",
  }),
  planOps: setting({
    schema: int(1, 1_000_000),
    kind: "int",
    env: "STRESS_PLAN_OPS",
    flag: "plan-ops",
    default: 50,
    expects: "an integer from 1 to 1000000",
    help: "How many operations per user `plan` prints.",
  }),
  workers: setting({
    schema: int(0, 1024),
    kind: "int",
    env: "STRESS_WORKERS",
    flag: "workers",
    default: 0,
    expects: "an integer from 0 to 1024 (0 = automatic)",
    help: "Web Workers hosting the users (0: one per user, at most two per CPU core).",
  }),
  progressInterval: setting({
    schema: int(0, 3600),
    kind: "int",
    env: "STRESS_PROGRESS_INTERVAL",
    flag: "progress-interval",
    default: 5,
    expects: "an integer from 0 to 3600 (0 turns progress off)",
    help: "Seconds between progress lines on stderr.",
  }),
  startTimeoutSec: setting({
    schema: z.number().gt(0).max(600),
    kind: "number",
    env: "STRESS_START_TIMEOUT_SEC",
    flag: "start-timeout-sec",
    default: 30,
    expects: "a number above 0 and at most 600",
    help: "How long to wait for hyperd to call back after it starts.",
  }),
  thresholds: setting({
    schema: z.array(z.string()),
    kind: "list",
    env: "STRESS_THRESHOLDS",
    flag: "threshold",
    default: [],
    expects: 'expressions like "p99_ms<500" (comma-separated in the env variable)',
    help: "Pass/fail rule, e.g. p99_ms<500, failures==0, BulkInsert.p95_ms<200 (repeatable).",
  }),
  junit: setting({
    schema: z.string().min(1).optional(),
    kind: "string",
    env: "STRESS_JUNIT",
    flag: "junit",
    expects: "a file path",
    help: "Also write a JUnit XML result (thresholds, crash, integrity) to this file.",
  }),
  hyperdPath: setting({
    schema: z.string().min(1).optional(),
    kind: "string",
    env: "HYPERD_PATH",
    flag: "hyperd",
    expects: "the path of hyperd or of the folder holding it",
    help: "Use this hyperd instead of the cached or installed one.",
  }),
  cacheDir: setting({
    schema: z.string().min(1).optional(),
    kind: "string",
    env: "HYPERSTRESS_CACHE_DIR",
    flag: "cache-dir",
    expects: "a directory path",
    help: "Where hyperd is installed on first use (default: the user cache dir).",
  }),
} as const;

type Settings = typeof SETTINGS;
/** A setting's key, e.g. `batchMin`. */
export type SettingKey = keyof Settings;

/** What each preset sets; a setting given as a flag or env variable still wins. */
export const PRESETS: Record<string, Partial<Record<SettingKey, unknown>>> = {
  "tcp-hyperbinary": { transport: "tcp", dataFormat: "hyperbinary" },
  "tcp-arrow": { transport: "tcp", dataFormat: "arrow" },
  "grpc": { transport: "grpc", dataFormat: "hyperbinary" },
  "replay": {},
};

/** The typed configuration; every field validated, defaults filled in. */
export const ConfigSchema = z.object(
  Object.fromEntries(
    Object.entries(SETTINGS).map(([key, s]) => [key, s.schema]),
  ) as { [K in SettingKey]: Settings[K]["schema"] },
);

/** A fully resolved configuration. */
export type Config = z.infer<typeof ConfigSchema>;

/** A setting's value, where it came from as the user wrote it, and the raw text if any. */
type Source = { value: unknown; origin: string; raw?: string };

/** Flags that are not settings. */
const COMMAND_FLAGS = {
  help: { type: "boolean" },
  version: { type: "boolean" },
} as const;

/** Command-line words split into the positional command, plain flags and setting values. */
export interface ParsedArgs {
  positionals: string[];
  help: boolean;
  version: boolean;
  flags: Partial<Record<SettingKey, string>>;
}

/** Splits argv into flags and positionals; an unknown flag is a ConfigError. */
export function parseCommandLine(args: string[]): ParsedArgs {
  const options: Record<string, { type: "string" | "boolean" }> = {
    ...COMMAND_FLAGS,
  };
  for (const s of Object.values(SETTINGS)) {
    options[s.flag] = { type: "string", ...(s.kind === "list" ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ConfigError(
      `${(error as Error).message}; see --help for the settings`,
      {
        cause: error,
      },
    );
  }
  const flags: Partial<Record<SettingKey, string>> = {};
  for (const [key, s] of settingEntries()) {
    const value = parsed.values[s.flag];
    if (typeof value === "string") flags[key] = value;
    // A repeatable flag: each use is one item, as a comma would separate them.
    if (Array.isArray(value)) flags[key] = value.join(",");
  }
  return {
    positionals: parsed.positionals,
    help: parsed.values.help === true,
    version: parsed.values.version === true,
    flags,
  };
}

function fromString(kind: Kind, raw: string): unknown {
  const text = raw.trim();
  if (kind === "int") return /^[-+]?\d+$/.test(text) ? Number(text) : raw;
  if (kind === "number") {
    return text !== "" && Number.isFinite(Number(text)) ? Number(text) : raw;
  }
  if (kind === "list") {
    return text === "" ? [] : text.split(",").map((part) => part.trim());
  }
  return raw;
}

/**
 * Settings a replay file does not fix: where and how long to run, and how to operate the run.
 * Every other setting comes from the replay file, whatever flags or env say.
 */
export const OPERATOR_SETTINGS: ReadonlySet<SettingKey> = new Set<SettingKey>([
  "duration",
  "outputDir",
  "replayFile",
  "planOps",
  "workers",
  "progressInterval",
  "startTimeoutSec",
  "hyperdPath",
  "cacheDir",
  "thresholds",
  "junit",
  "preset",
]);

/**
 * Resolves every setting: flag, then env, then default. With `replayed` (a replay file's
 * config), every setting but the OPERATOR_SETTINGS comes from it.
 * Reports every bad setting in one ConfigError, naming the flag or env variable used.
 */
export function resolveConfig(
  flags: Partial<Record<SettingKey, string>>,
  env: Record<string, string | undefined>,
  replayed?: Record<string, unknown>,
): Config {
  const sources = new Map<SettingKey, Source>();
  const presetName = flags.preset ?? env[SETTINGS.preset.env];
  const preset = (presetName && Object.hasOwn(PRESETS, presetName)) ? PRESETS[presetName] : {};
  for (const [key, s] of settingEntries()) {
    const flag = flags[key];
    const fromEnv = env[s.env];
    if (replayed && !OPERATOR_SETTINGS.has(key) && replayed[key] !== undefined) {
      sources.set(key, { value: replayed[key], origin: `replay file ${key}` });
    } else if (flag !== undefined) {
      sources.set(key, { value: fromString(s.kind, flag), origin: `--${s.flag}`, raw: flag });
    } else if (fromEnv !== undefined && fromEnv !== "") {
      sources.set(key, { value: fromString(s.kind, fromEnv), origin: s.env, raw: fromEnv });
    } else if (preset[key] !== undefined) {
      sources.set(key, { value: preset[key], origin: `preset ${presetName}` });
    } else if (s.default !== undefined) {
      const value = typeof s.default === "function" ? s.default() : s.default;
      sources.set(key, { value, origin: `default ${key}` });
    }
  }

  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, s] of settingEntries()) {
    const source = sources.get(key);
    const result = s.schema.safeParse(source?.value);
    if (result.success) values[key] = result.data;
    else problems.push(`${source?.origin}: expected ${s.expects}, got ${show(source)}`);
  }
  problems.push(...crossChecks(values as Partial<Config>, sources));
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  return values as Config;
}

function settingEntries(): [SettingKey, Setting<z.ZodType>][] {
  return Object.entries(SETTINGS) as [SettingKey, Setting<z.ZodType>][];
}

function show(source: Source | undefined): string {
  if (source?.raw !== undefined) return JSON.stringify(source.raw);
  return typeof source?.value === "string" ? JSON.stringify(source.value) : String(source?.value);
}

/** Checks between settings, over the ones that are valid on their own. */
function crossChecks(config: Partial<Config>, sources: Map<SettingKey, Source>): string[] {
  const problems: string[] = [];
  const origin = (key: SettingKey) => sources.get(key)?.origin ?? key;
  const pairs: [SettingKey, SettingKey][] = [["thinkMinMs", "thinkMaxMs"], [
    "batchMin",
    "batchMax",
  ]];
  for (const [low, high] of pairs) {
    const [lowValue, highValue] = [config[low], config[high]];
    if (typeof lowValue === "number" && typeof highValue === "number" && lowValue > highValue) {
      problems.push(
        `${origin(low)}: expected at most ${origin(high)} (${highValue}), got ${lowValue}`,
      );
    }
  }
  if (config.preset === "replay" && !config.replayFile) {
    problems.push(
      `${
        origin("preset")
      }: expected STRESS_REPLAY_FILE or --replay-file with the replay preset, got none`,
    );
  }
  if (config.thresholds) {
    problems.push(...thresholdProblems(config.thresholds, origin("thresholds")));
  }
  if (config.inserterUsers === 0 && config.queryUsers === 0 && config.mixedUsers === 0) {
    const names = [origin("inserterUsers"), origin("queryUsers"), origin("mixedUsers")];
    problems.push(`${names.join(", ")}: expected at least one user in total, got 0`);
  }
  return problems;
}

/** The env variables hyperstress reads, for `--allow-env` and `--help`. */
export const ENV_NAMES: string[] = Object.values(SETTINGS).map((s) => s.env);

/** Settings whose value differs from the default, for the start-up lines. */
export function changedSettings(config: Config): Partial<Config> {
  const changed: Record<string, unknown> = {};
  for (const [key, s] of settingEntries()) {
    if (typeof s.default === "function") continue;
    const value = config[key];
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify(s.default)) {
      changed[key] = value;
    }
  }
  return changed as Partial<Config>;
}
