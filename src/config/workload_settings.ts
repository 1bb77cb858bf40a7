/** The workload's settings: how long, which users doing what, how fast, within which limits. */
import { z } from "zod";
import { EXIT } from "../verdict_policy.ts";
import { PRESET_NAMES } from "./presets.ts";
import { choice, decimal, duration, integer, optional, setting, toggle } from "./setting_kinds.ts";
import { ARRIVAL_PROCESSES } from "../workload/arrivals.ts";
import { DEFAULT_OP_KINDS, isCheckableMix, OP_KINDS } from "../workload/op_table.ts";
import { parseStages, STAGES_EXPECTED } from "../workload/stages.ts";

/** The workload's settings, in the order `--help` lists them. */
export const WORKLOAD_SETTINGS = {
  duration: setting({
    operator: true,
    ...duration(1, undefined),
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
  ledgerUsers: setting({
    ...integer(0, 1024),
    env: "STRESS_LEDGER_USERS",
    flag: "ledger-users",
    default: 0,
    help: "Users that transfer money between accounts and read every balance (the ledger).",
  }),
  accounts: setting({
    ...integer(2, 100_000),
    env: "STRESS_ACCOUNTS",
    flag: "accounts",
    default: 16,
    help: "Accounts in each database's ledger; their balances always sum to 1000 per account.",
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
  stopOnDiskBudget: setting({
    operator: true,
    ...toggle(),
    env: "STRESS_STOP_ON_DISK_BUDGET",
    flag: "stop-on-disk-budget",
    default: false,
    help: "Stop (ResourceLimit) once the disk budget stays spent for --max-backpressure-sec.",
  }),
  maxBackpressureSec: setting({
    ...duration(1, undefined),
    env: "STRESS_MAX_BACKPRESSURE_SEC",
    flag: "max-backpressure-sec",
    default: 60,
    help: "Stop with ResourceLimit when backpressure lasts this long.",
  }),
  stallSec: setting({
    operator: true,
    ...duration(1, 86400),
    env: "STRESS_STALL_SEC",
    flag: "stall-sec",
    default: 60,
    help:
      `Stop with Stalled (exit ${EXIT.stalled}) when users run but no operation completes for this long.`,
  }),
  stopGraceSec: setting({
    operator: true,
    ...duration(0, 3600, { whole: false }),
    env: "STRESS_STOP_GRACE_SEC",
    flag: "stop-grace-sec",
    default: 30,
    help: "After the stop, how long users get to finish their last operation; a write still " +
      "unanswered then is in doubt, and the end check says whether it applied.",
  }),
  checkBoundSec: setting({
    operator: true,
    ...optional(duration(1, 86400)),
    env: "STRESS_CHECK_BOUND_SEC",
    flag: "check-bound-sec",
    help: "How long the end-of-run integrity check may take before it counts as hung " +
      "(unset: a minute plus 20 s per million rows).",
  }),
  slowOpSec: setting({
    operator: true,
    ...duration(0, 86400, { whole: false }),
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
    ...duration(0, 86400),
    env: "STRESS_WARMUP_SEC",
    flag: "warmup-sec",
    default: 0,
    help: "Run the load but leave the first N seconds out of every statistic and threshold.",
  }),
  verifyEverySec: setting({
    ...optional(duration(1, 86400)),
    env: "STRESS_VERIFY_EVERY",
    flag: "verify-every",
    help: "Pause users every N seconds and check every table by content (closed model only).",
  }),
  verifyAfterCrash: setting({
    ...toggle(),
    env: "STRESS_VERIFY_AFTER_CRASH",
    flag: "verify-after-crash",
    default: false,
    help: "After a crash, restart hyperd on the same files and measure which rows survived.",
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
  queryKnownBugs: setting({
    ...toggle(),
    env: "STRESS_QUERY_KNOWN_BUGS",
    flag: "query-known-bugs",
    default: false,
    help: "GeneratedQuery may hit Hyper's known wrong results (NOT IN over NULLs): to see if a " +
      "build still has them.",
  }),
  opKinds: setting({
    schema: z.array(z.enum(OP_KINDS)).min(1).refine(isCheckableMix, {
      message: "expected at least one insert (BulkInsert, SingleInsert) and one read " +
        "(SimpleSelect, Aggregate, ComplexJoin, GeneratedQuery), Transfer and ReadBalances, or a " +
        "range kind (UpdateRange, DeleteRange)",
    }),
    kind: "list",
    choices: OP_KINDS,
    expects: `a comma-separated list of ${OP_KINDS.join(", ")}, with an insert and a read, ` +
      "Transfer and ReadBalances, or a range kind",
    env: "STRESS_OPS",
    flag: "ops",
    default: [...DEFAULT_OP_KINDS],
    help: "Operation kinds users roll (others' go to zero, the rest rescale); while it is the " +
      "seed's six, ledger users roll Transfer and ReadBalances.",
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
} as const;
