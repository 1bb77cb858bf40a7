/**
 * Every setting of hyperstress in one table: its zod schema (type and range), the flag and env
 * variable that set it, its default, its help line, and whether a replay file fixes it.
 */
import { z } from "zod";
import { parseHostPort } from "./host_port.ts";
import { PRESET_NAMES } from "./presets.ts";
import { parseThreshold } from "./thresholds.ts";
import { METRICS_OUT_EXPECTS, parseMetricsOut } from "./metrics_out.ts";
import { ARRIVAL_PROCESSES } from "../workload/arrivals.ts";
import { isCheckableMix, OP_KINDS } from "../workload/op_table.ts";
import { parseStages, STAGES_EXPECTED } from "../workload/stages.ts";

/** How a raw string from a flag or env variable becomes a value. */
export type Kind = "int" | "number" | "string" | "list" | "bool";

/** One setting: everything about it in one place. */
export interface Setting<T extends z.ZodType = z.ZodType> {
  /** Typed schema with the range; also validates values read from a replay file. */
  schema: T;
  kind: Kind;
  env: string;
  flag: string;
  /** Default value, or a function for defaults decided at start (a random seed). */
  default?: z.input<T> | (() => z.input<T>);
  /** What a valid value looks like, for error messages; built from the range. */
  expects: string;
  help: string;
  /**
   * True for settings of how to operate a run (where, how long, what to report): a replay file
   * does not fix them. Every other setting comes from the replay file when there is one.
   */
  operator?: boolean;
}

function setting<T extends z.ZodType>(s: Setting<T>): Setting<T> {
  return s;
}

/** An integer in [min, max]; the expected text says the range (and what the number means). */
function integer(min: number, max?: number, note?: string) {
  const range = max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return {
    schema: z.number().int().min(min).max(max ?? Number.MAX_SAFE_INTEGER),
    kind: "int" as const,
    expects: note ? `${range} (${note})` : range,
  };
}

/** A number above 0 and at most `max`. */
function decimal(max: number) {
  return {
    schema: z.number().gt(0).max(max),
    kind: "number" as const,
    expects: `a number above 0 and at most ${max}`,
  };
}

/** One of `values`; the expected text lists them. */
function choice<const T extends readonly [string, ...string[]]>(values: T) {
  const quoted = values.map((v) => JSON.stringify(v));
  return {
    schema: z.enum(values),
    kind: "string" as const,
    expects: `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`,
  };
}

/** The same setting, but it may be left unset. */
function optional<T extends z.ZodType, R extends { schema: T }>(s: R) {
  return { ...s, schema: s.schema.optional() };
}

/** An on/off switch: a bare flag, or true/false (1/0) in its env variable. */
function toggle() {
  return { schema: z.boolean(), kind: "bool" as const, expects: "true or false (1 or 0)" };
}

/** Optional free text, such as a path. */
function text(expects: string) {
  return { schema: z.string().min(1).optional(), kind: "string" as const, expects };
}

/** HOST:PORT of a running hyperd, which may be left unset. */
function hostPort() {
  const expects = 'HOST:PORT, e.g. "127.0.0.1:7483" or "hyperd:7483"';
  return {
    schema: z.string().refine((s) => parseHostPort(s) !== null, { message: `expected ${expects}` })
      .optional(),
    kind: "string" as const,
    expects,
  };
}

/** A threshold expression parsed into a Threshold, or a zod issue saying what is wrong. */
function thresholdOrIssue(expr: string, ctx: z.RefinementCtx) {
  const parsed = parseThreshold(expr);
  if (typeof parsed !== "string") return parsed;
  ctx.addIssue({ code: "custom", message: parsed });
  return z.NEVER;
}

/** The settings, in the order `--help` lists them. */
export const SETTINGS = {
  duration: setting({
    operator: true,
    ...integer(1),
    env: "STRESS_DURATION",
    flag: "duration",
    default: 300,
    help: "How long the run lasts, in seconds.",
  }),
  databases: setting({
    ...integer(1, 64),
    env: "STRESS_DATABASES",
    flag: "databases",
    default: 3,
    help: "Number of .hyper databases the users spread over.",
  }),
  inserterUsers: setting({
    ...integer(0, 1024),
    env: "STRESS_INSERTER_USERS",
    flag: "inserter-users",
    default: 4,
    help: "Users that mostly bulk insert.",
  }),
  queryUsers: setting({
    ...integer(0, 1024),
    env: "STRESS_QUERY_USERS",
    flag: "query-users",
    default: 3,
    help: "Users that mostly query.",
  }),
  mixedUsers: setting({
    ...integer(0, 1024),
    env: "STRESS_MIXED_USERS",
    flag: "mixed-users",
    default: 2,
    help: "Users with a balanced mix of writes and reads.",
  }),
  seed: setting({
    ...integer(0, 2 ** 32 - 1),
    env: "STRESS_SEED",
    flag: "seed",
    default: () => crypto.getRandomValues(new Uint32Array(1))[0],
    help: "Global seed; every user's sequence derives from it (random when unset).",
  }),
  maxMemoryMb: setting({
    ...integer(1),
    env: "STRESS_MAX_MEMORY_MB",
    flag: "max-memory-mb",
    default: 4096,
    help: "hyperd's tracked memory (what memory_limit counts) above which users pause, in MB.",
  }),
  maxCpuPercent: setting({
    ...decimal(100),
    env: "STRESS_MAX_CPU_PERCENT",
    flag: "max-cpu-percent",
    default: 90,
    help: "hyperd CPU use above which users pause (backpressure).",
  }),
  maxDiskMb: setting({
    ...integer(1),
    env: "STRESS_MAX_DISK_MB",
    flag: "max-disk-mb",
    default: 2048,
    help: "Size of the run's .hyper files above which writes turn into reads.",
  }),
  maxBackpressureSec: setting({
    ...integer(1),
    env: "STRESS_MAX_BACKPRESSURE_SEC",
    flag: "max-backpressure-sec",
    default: 60,
    help: "Stop with ResourceLimit when backpressure or read-only mode lasts this long.",
  }),
  stallSec: setting({
    operator: true,
    ...integer(1, 86400),
    env: "STRESS_STALL_SEC",
    flag: "stall-sec",
    default: 60,
    help: "Stop with Stalled (exit 6) when users run but no operation completes for this long.",
  }),
  slowOpSec: setting({
    operator: true,
    ...decimal(86400),
    env: "STRESS_SLOW_OP_SEC",
    flag: "slow-op-sec",
    default: 10,
    help: "An operation that takes longer than this many seconds is a finding.",
  }),
  thinkMinMs: setting({
    ...integer(0),
    env: "STRESS_THINK_MIN_MS",
    flag: "think-min-ms",
    default: 10,
    help: "Shortest pause between a user's operations, in ms.",
  }),
  thinkMaxMs: setting({
    ...integer(0),
    env: "STRESS_THINK_MAX_MS",
    flag: "think-max-ms",
    default: 200,
    help: "Longest pause between a user's operations, in ms.",
  }),
  arrivalRate: setting({
    schema: z.number().min(0).max(100_000).optional(),
    kind: "number",
    expects: "a number from 0 to 100000 (operations per second)",
    env: "STRESS_ARRIVAL_RATE",
    flag: "arrival-rate",
    help: "Open model: operations arriving per second, whatever the latency (unset: closed loops).",
  }),
  arrivals: setting({
    ...choice(ARRIVAL_PROCESSES),
    env: "STRESS_ARRIVALS",
    flag: "arrivals",
    default: "poisson",
    help: "Open model: Poisson arrivals (random gaps from the seed) or constant (even gaps).",
  }),
  maxQueue: setting({
    ...optional(integer(0, 1_000_000)),
    env: "STRESS_MAX_QUEUE",
    flag: "max-queue",
    help: "Open model: arrivals waiting for a free user beyond which they drop (10 x users).",
  }),
  stages: setting({
    schema: z.string().refine((s) => typeof parseStages(s) !== "string", {
      message: `expected ${STAGES_EXPECTED}`,
    }).optional(),
    kind: "string",
    expects: STAGES_EXPECTED,
    env: "STRESS_STAGES",
    flag: "stages",
    help: 'Ramp the arrival rate (open) or active users (closed) linearly: "30s:50,60s:200".',
  }),
  warmupSec: setting({
    operator: true,
    ...integer(0, 86400),
    env: "STRESS_WARMUP_SEC",
    flag: "warmup-sec",
    default: 0,
    help: "Run the load but leave the first N seconds out of every statistic and threshold.",
  }),
  batchMin: setting({
    ...integer(1),
    env: "STRESS_BATCH_MIN",
    flag: "batch-min",
    default: 100,
    help: "Fewest rows in one bulk insert.",
  }),
  batchMax: setting({
    ...integer(1),
    env: "STRESS_BATCH_MAX",
    flag: "batch-max",
    default: 10000,
    help: "Most rows in one bulk insert.",
  }),
  queryComplexityMax: setting({
    ...integer(1, 3),
    env: "STRESS_QUERY_COMPLEXITY_MAX",
    flag: "query-complexity-max",
    default: 3,
    help: "Highest join complexity: 1 two tables, 2 plus grouping, 3 three tables and a window.",
  }),
  opKinds: setting({
    schema: z.array(z.enum(OP_KINDS)).min(1).refine(isCheckableMix, {
      message: "expected at least one insert (BulkInsert, SingleInsert) and one read " +
        "(SimpleSelect, Aggregate, ComplexJoin)",
    }),
    kind: "list",
    expects: `a comma-separated list of ${OP_KINDS.join(", ")}, with an insert and a read`,
    env: "STRESS_OPS",
    flag: "ops",
    default: [...OP_KINDS],
    help: "Operation kinds users roll (the others' probabilities go to zero, the rest rescale).",
  }),
  preset: setting({
    operator: true,
    ...optional(choice(PRESET_NAMES)),
    env: "STRESS_PRESET",
    flag: "preset",
    help: "One of the seed tool's test modes; explicit transport and format settings win.",
  }),
  transport: setting({
    ...choice(["tcp", "grpc"]),
    env: "STRESS_TRANSPORT",
    flag: "transport",
    default: "tcp",
    help: "tcp: everything over libpq; grpc: reads over gRPC, writes over libpq.",
  }),
  dataFormat: setting({
    ...choice(["hyperbinary", "arrow"]),
    env: "STRESS_DATA_FORMAT",
    flag: "data-format",
    default: "hyperbinary",
    help: "Wire format of bulk inserts (COPY).",
  }),
  logInterval: setting({
    ...integer(1, 3600, "seconds"),
    env: "STRESS_LOG_INTERVAL",
    flag: "log-interval",
    default: 5,
    help: "How often hyperd logs its resource use, in seconds.",
  }),
  logMode: setting({
    ...integer(0, 4095, "a bit mask"),
    env: "STRESS_LOG_MODE",
    flag: "log-mode",
    default: 2047,
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
    operator: true,
    ...text("a writable directory path"),
    env: "STRESS_OUTPUT_DIR",
    flag: "output-dir",
    help: "Where databases, logs and artifacts go (a new temp dir when unset).",
  }),
  replayFile: setting({
    operator: true,
    ...text("the path of a replay.json written by an earlier run"),
    env: "STRESS_REPLAY_FILE",
    flag: "replay-file",
    help: "Replay the users and seeds of an earlier run.",
  }),
  planOps: setting({
    operator: true,
    ...integer(1, 1_000_000),
    env: "STRESS_PLAN_OPS",
    flag: "plan-ops",
    default: 50,
    help: "How many operations per user `plan` prints.",
  }),
  workers: setting({
    operator: true,
    ...integer(0, 1024, "0 = automatic"),
    env: "STRESS_WORKERS",
    flag: "workers",
    default: 0,
    help: "Web Workers hosting the users (0: one per user, at most two per CPU core).",
  }),
  progressInterval: setting({
    operator: true,
    ...integer(0, 3600, "0 turns progress off"),
    env: "STRESS_PROGRESS_INTERVAL",
    flag: "progress-interval",
    default: 5,
    help: "Seconds between progress lines on stderr.",
  }),
  startTimeoutSec: setting({
    operator: true,
    ...decimal(600),
    env: "STRESS_START_TIMEOUT_SEC",
    flag: "start-timeout-sec",
    default: 30,
    help: "How long hyperd's start and the database set-up may take together, in seconds.",
  }),
  runs: setting({
    operator: true,
    ...integer(1, 100_000),
    env: "STRESS_SWEEP_RUNS",
    flag: "runs",
    default: 10,
    help: "sweep: how many runs, each with its own hyperd and seed.",
  }),
  parallel: setting({
    operator: true,
    ...integer(1, 64),
    env: "STRESS_SWEEP_PARALLEL",
    flag: "parallel",
    default: 1,
    help: "sweep: runs at the same time (each starts a hyperd of its own).",
  }),
  seeds: setting({
    operator: true,
    schema: z.array(z.coerce.number().int().min(0).max(2 ** 32 - 1)),
    kind: "list",
    expects: "comma-separated integers from 0 to 4294967295",
    env: "STRESS_SWEEP_SEEDS",
    flag: "seeds",
    default: [],
    help: "sweep: run these seeds (default: --runs seeds derived from --seed).",
  }),
  swarm: setting({
    operator: true,
    ...toggle(),
    env: "STRESS_SWEEP_SWARM",
    flag: "swarm",
    default: false,
    help: "sweep: each run draws its own op kinds, users, batch and think ranges from its seed.",
  }),
  shard: setting({
    operator: true,
    schema: z.string().regex(/^\d+\/\d+$/).refine((s) => {
      const [i, n] = s.split("/").map(Number);
      return n >= 1 && i < n;
    }, { message: 'expected a shard "i/n" with 0 <= i < n, e.g. "0/4"' }).optional(),
    kind: "string",
    expects: 'a shard "i/n" with 0 <= i < n, e.g. "0/4"',
    env: "STRESS_SWEEP_SHARD",
    flag: "shard",
    help: "sweep: run only shard i of n (run k belongs to shard k mod n).",
  }),
  collect: setting({
    operator: true,
    ...toggle(),
    env: "STRESS_SWEEP_COLLECT",
    flag: "collect",
    default: false,
    help: "sweep: merge the sweep.json of the shard dirs named after `sweep` instead of running.",
  }),
  replayTiming: setting({
    operator: true,
    ...choice(["natural", "recorded"]),
    env: "STRESS_REPLAY_TIMING",
    flag: "replay-timing",
    default: "natural",
    help: "With a replay file: recorded starts each operation when the original run did.",
  }),
  until: setting({
    operator: true,
    schema: z.string().regex(/^(crash|stall|failure:.+)$/).optional(),
    kind: "string",
    expects: '"crash", "stall" or "failure:<regex>"',
    env: "STRESS_SHRINK_UNTIL",
    flag: "until",
    help: "shrink: what a smaller replay must still do: crash, stall, or failure:<regex>.",
  }),
  tries: setting({
    operator: true,
    ...integer(1, 100),
    env: "STRESS_SHRINK_TRIES",
    flag: "tries",
    default: 3,
    help: "shrink: tries per attempt; it reproduces if any try does (timing-dependent bugs).",
  }),
  budgetMin: setting({
    operator: true,
    ...integer(1, 10_080),
    env: "STRESS_SHRINK_BUDGET_MIN",
    flag: "budget-min",
    default: 30,
    help: "shrink: minutes the whole search may take; it keeps the smallest found by then.",
  }),
  thresholds: setting({
    operator: true,
    schema: z.array(z.string().transform(thresholdOrIssue)),
    kind: "list",
    env: "STRESS_THRESHOLDS",
    flag: "threshold",
    default: [],
    expects: 'expressions like "p99_ms<500" (comma-separated in the env variable)',
    help: "Pass/fail rule, e.g. p99_ms<500, failures==0, BulkInsert.p95_ms<200 (repeatable).",
  }),
  failOnFindings: setting({
    operator: true,
    ...toggle(),
    env: "STRESS_FAIL_ON_FINDINGS",
    flag: "fail-on-findings",
    default: false,
    help: "Exit 7 instead of 0 when the run had findings (a slow operation, hyperd starvation).",
  }),
  junit: setting({
    operator: true,
    ...text("a file path"),
    env: "STRESS_JUNIT",
    flag: "junit",
    help: "Also write a JUnit XML result (thresholds, crash, integrity) to this file.",
  }),
  out: setting({
    operator: true,
    schema: z.array(
      z.string().superRefine((spec, ctx) => {
        const parsed = parseMetricsOut(spec);
        if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
      }),
    ),
    kind: "list",
    env: "STRESS_OUT",
    flag: "out",
    default: [],
    expects: `${METRICS_OUT_EXPECTS} (comma-separated in the env variable)`,
    help: "Stream one line of metrics a second to a file: jsonl=FILE or csv=FILE (repeatable).",
  }),
  maxRegression: setting({
    operator: true,
    // "10%" or 10: the percent sign is optional, as users write it either way.
    schema: z.preprocess(
      (v) => typeof v === "string" && /^\s*\d+(\.\d+)?\s*%?\s*$/.test(v) ? parseFloat(v) : v,
      z.number().gt(0).max(1000),
    ),
    kind: "string",
    expects: 'a percentage above 0 and at most 1000, e.g. "10%" or 10',
    env: "STRESS_MAX_REGRESSION",
    flag: "max-regression",
    default: 10,
    help: "compare: a significant change worse than this many percent fails (exit 3).",
  }),
  compareHtml: setting({
    operator: true,
    ...text("a file path"),
    env: "STRESS_COMPARE_HTML",
    flag: "html",
    help: "compare: also write the side-by-side comparison as HTML to this file.",
  }),
  hyperdPath: setting({
    operator: true,
    ...text("the path of hyperd or of the folder holding it"),
    env: "HYPERD_PATH",
    flag: "hyperd",
    help: "Use this hyperd instead of the cached or installed one.",
  }),
  cacheDir: setting({
    operator: true,
    ...text("a directory path"),
    env: "HYPERSTRESS_CACHE_DIR",
    flag: "cache-dir",
    help: "Where hyperd is installed on first use (default: the user cache dir).",
  }),
  endpoint: setting({
    operator: true,
    ...hostPort(),
    env: "STRESS_ENDPOINT",
    flag: "endpoint",
    help:
      "Load the hyperd running at HOST:PORT (libpq) instead of starting one; it is left running.",
  }),
  grpcEndpoint: setting({
    operator: true,
    ...hostPort(),
    env: "STRESS_GRPC_ENDPOINT",
    flag: "grpc-endpoint",
    help: "With --endpoint and --transport grpc: that hyperd's gRPC HOST:PORT, for reads.",
  }),
  databaseDir: setting({
    operator: true,
    ...text("an absolute directory path as the server sees it"),
    env: "STRESS_DATABASE_DIR",
    flag: "database-dir",
    help: "With --endpoint: where the server creates the databases (default: the output dir).",
  }),
  hyperdLog: setting({
    operator: true,
    ...text("the path of the server's hyperd.log"),
    env: "STRESS_HYPERD_LOG",
    flag: "hyperd-log",
    help: "With --endpoint: its hyperd.log, read from its end (without it the monitor is off).",
  }),
  segment: setting({
    operator: true,
    schema: z.string().regex(/^\d+\/\d+$/).refine((s) => {
      const [i, n] = s.split("/").map(Number);
      return n >= 1 && i < n;
    }, { message: 'expected a segment "i/n" with 0 <= i < n, e.g. "0/4"' }).optional(),
    kind: "string",
    expects: 'a segment "i/n" with 0 <= i < n, e.g. "0/4"',
    env: "STRESS_SEGMENT",
    flag: "segment",
    help: "Run only the users u with u mod n = i of the run (needs --endpoint); merge the parts.",
  }),
} as const;

type Settings = typeof SETTINGS;
/** A setting's key, e.g. `batchMin`. */
export type SettingKey = keyof Settings;

/** The typed configuration; every field validated, defaults filled in, thresholds parsed. */
export const ConfigSchema = z.object(
  Object.fromEntries(
    Object.entries(SETTINGS).map(([key, s]) => [key, s.schema]),
  ) as { [K in SettingKey]: Settings[K]["schema"] },
);

/** A fully resolved configuration. */
export type Config = z.infer<typeof ConfigSchema>;

/** Every setting with its key, in table order. */
export function settingEntries(): [SettingKey, Setting][] {
  return Object.entries(SETTINGS) as [SettingKey, Setting][];
}

/** The env variables hyperstress reads, for `--allow-env` and `--help`. */
export const ENV_NAMES: string[] = Object.values(SETTINGS).map((s) => s.env);
