/**
 * How `help COMMAND` shows each setting: its group, the placeholder of its value and a brief
 * meaning that fits one 80-column line. The full text (env variable, range, default) stays in
 * SETTINGS and the generated docs/configuration.md; a setting missing here does not compile.
 */
import type { SettingKey } from "../config/settings.ts";
import { EXIT } from "../verdict_policy.ts";

/** The groups a command's flags are listed in, in this order. */
export const HELP_GROUPS = [
  "load",
  "workload",
  "server",
  "limits and stop",
  "output",
  "CI",
  "sweep",
  "shrink",
  "plan",
  "compare",
] as const;

/** One group of flags. */
export type HelpGroup = typeof HELP_GROUPS[number];

/** One setting's help line: its group, the value's placeholder (none for a switch), its brief. */
export type HelpLine = [group: HelpGroup, value: string, brief: string];

/** Every setting's help line; briefs are at most 46 characters so every line fits 80 columns. */
export const HELP_LINES: Record<SettingKey, HelpLine> = {
  duration: ["load", "DURATION", "how long the run lasts (90s, 5m, 1h)"],
  databases: ["load", "N", ".hyper databases the users share"],
  inserterUsers: ["load", "N", "users that mostly bulk insert"],
  queryUsers: ["load", "N", "users that mostly query"],
  mixedUsers: ["load", "N", "users that write and read"],
  ledgerUsers: ["load", "N", "users that transfer money (the ledger)"],
  seed: ["load", "N", "global seed; random when unset"],
  thinkMinMs: ["load", "MS", "shortest pause between operations"],
  thinkMaxMs: ["load", "MS", "longest pause between operations"],
  arrivalRate: ["load", "PER_SEC", "open model: operations arriving a second"],
  arrivals: ["load", "poisson|constant", "open model: random or even gaps"],
  maxQueue: ["load", "N", "open model: waiting arrivals before drops"],
  stages: ["load", "STAGES", 'ramp the load, e.g. "30s:50,60s:200"'],
  warmupSec: ["load", "DURATION", "run but leave out of every figure"],
  workers: ["load", "N", "Web Workers for the users (0: automatic)"],
  accounts: ["workload", "N", "accounts in each database's ledger"],
  verifyEverySec: ["limits and stop", "DURATION", "pause users and check every table this often"],
  verifyAfterCrash: ["limits and stop", "", "after a crash, restart hyperd and check"],
  batchMin: ["workload", "ROWS", "fewest rows in one bulk insert"],
  batchMax: ["workload", "ROWS", "most rows in one bulk insert"],
  queryComplexityMax: ["workload", "1|2|3", "highest join complexity of queries"],
  queryKnownBugs: ["workload", "", "let generated queries hit known Hyper bugs"],
  opKinds: ["workload", "KINDS", "operation kinds users roll, comma-separated"],
  preset: ["workload", "NAME", "tcp-hyperbinary, tcp-arrow, grpc or replay"],
  transport: ["workload", "tcp|grpc", "how reads reach hyperd"],
  dataFormat: ["workload", "hyperbinary|arrow", "wire format of bulk inserts"],
  replayFile: ["workload", "FILE", "replay the users and seeds of a replay.json"],
  replayTiming: ["workload", "natural|recorded", "replay at the recorded times"],
  hyperdPath: ["server", "PATH", "this hyperd instead of the cached one"],
  cacheDir: ["server", "DIR", "where hyperd is installed on first use"],
  endpoint: ["server", "HOST:PORT", "load a running hyperd instead of starting one"],
  grpcEndpoint: ["server", "HOST:PORT", "that hyperd's gRPC endpoint, for reads"],
  databaseDir: ["server", "DIR", "where an attached hyperd makes the databases"],
  hyperdLog: ["server", "FILE", "an attached hyperd's log, for the monitor"],
  segment: ["server", "I/N", "run part i of n of the users (with --endpoint)"],
  memoryLimit: ["server", "SIZE", "hyperd's memory_limit (80%, 8g, 4096m)"],
  logInterval: ["server", "DURATION", "how often hyperd logs its resource use"],
  logMode: ["server", "MASK", "hyperd's log_resource_usage_mode"],
  startTimeoutSec: ["server", "DURATION", "time for hyperd's start and set-up"],
  maxMemoryMb: ["limits and stop", "MB", "hyperd memory above which users pause"],
  maxCpuPercent: ["limits and stop", "PERCENT", "hyperd CPU above which users pause"],
  maxDiskMb: ["limits and stop", "MB", "databases' size above which writes read"],
  stopOnDiskBudget: ["limits and stop", "", "stop once the disk budget stays spent"],
  maxBackpressureSec: ["limits and stop", "DURATION", "stop when users pause this long"],
  stallSec: [
    "limits and stop",
    "DURATION",
    `exit ${EXIT.stalled} when nothing completes this long`,
  ],
  stopGraceSec: ["limits and stop", "DURATION", "time users get to end their last operation"],
  checkBoundSec: ["limits and stop", "DURATION", "end check taking longer counts as hung"],
  slowOpSec: ["limits and stop", "DURATION", "an operation slower is a finding"],
  outputDir: ["output", "DIR", "where everything goes (default: a temp dir)"],
  removeDatabases: ["output", "", "after a pass, delete the .hyper files"],
  progressInterval: ["output", "DURATION", "time between progress lines (0: none)"],
  out: ["output", "jsonl=FILE", "metrics once a second (also csv=FILE)"],
  compareHtml: ["compare", "FILE", "also write the comparison as HTML"],
  thresholds: ["CI", "EXPR", 'pass/fail rule, e.g. "p99_ms<500" (repeat)'],
  failOnFindings: ["CI", "", `exit ${EXIT.findings} when the run had findings`],
  junit: ["CI", "FILE", "also write a JUnit XML result"],
  maxRegression: [
    "compare",
    "PERCENT",
    `a worse change beyond this fails (exit ${EXIT.thresholdFailed})`,
  ],
  runs: ["sweep", "N", "how many runs"],
  parallel: ["sweep", "N", "runs (shrink: tries) at the same time"],
  seeds: ["sweep", "SEEDS", "run these seeds, comma-separated"],
  swarm: ["sweep", "", "each run draws its own mix from its seed"],
  shard: ["sweep", "I/N", "run only shard i of n"],
  collect: ["sweep", "", "join the sweep.json of DIRs instead"],
  until: ["shrink", "WHAT", "crash, stall, wrong-result, failure:REGEX"],
  tries: ["shrink", "N", "tries that measure a rate; most per candidate"],
  minReproRate: ["shrink", "RATE", "the result reproduces this often (2/3, 67%)"],
  maxMinutes: ["shrink", "DURATION", "how long the shrink may take (30m, 2h)"],
  planOps: ["plan", "N", "operations per user to show"],
  planJson: ["plan", "", "print JSON with every field instead"],
};

/** Settings a command reads beyond its groups' (merge and hyperd take a few of several groups). */
export const ONLY_SETTINGS: Partial<Record<string, readonly SettingKey[]>> = {
  merge: ["outputDir", "thresholds", "failOnFindings", "junit", "out"],
  hyperd: ["hyperdPath", "cacheDir"],
};
