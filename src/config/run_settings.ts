/** How a run is operated: hyperd's log and memory limit, the output dir, replay, progress. */
import { duration, integer, memorySize, setting, text, toggle } from "./setting_kinds.ts";

/** How a run is operated, in the order `--help` lists them. */
export const RUN_SETTINGS = {
  logInterval: setting({
    ...duration(1, 3600),
    env: "STRESS_LOG_INTERVAL",
    flag: "log-interval",
    default: 5,
    help:
      "How often hyperd logs its resource use, in seconds (an attached hyperd: read from its log).",
  }),
  logMode: setting({
    ...integer(0, 4095, "a bit mask"),
    env: "STRESS_LOG_MODE",
    flag: "log-mode",
    default: 2047,
    help: "hyperd's log_resource_usage_mode bit mask.",
  }),
  memoryLimit: setting({
    ...memorySize(),
    env: "STRESS_MEMORY_LIMIT",
    flag: "memory-limit",
    default: "80%",
    help: "hyperd's memory_limit.",
  }),
  outputDir: setting({
    operator: true,
    ...text("a writable directory path"),
    env: "STRESS_OUTPUT_DIR",
    flag: "output-dir",
    help: "Where databases, logs and artifacts go (a new temp dir when unset).",
  }),
  removeDatabases: setting({
    operator: true,
    ...toggle(),
    env: "STRESS_REMOVE_DATABASES",
    flag: "remove-databases",
    default: false,
    help: "After a run that passed, delete its .hyper databases; the reports and logs stay.",
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
  planJson: setting({
    operator: true,
    ...toggle(),
    env: "STRESS_PLAN_JSON",
    flag: "json",
    default: false,
    help: "`plan` prints JSON with every field of every operation instead of a table.",
  }),
  workers: setting({
    operator: true,
    ...integer(0, 1024, "0 = automatic"),
    env: "STRESS_WORKERS",
    flag: "workers",
    default: 0,
    help: "Web Workers hosting the users (0: one per user, at most one per two CPU cores).",
  }),
  progressInterval: setting({
    operator: true,
    ...duration(0, 3600, { note: "0 turns progress off" }),
    env: "STRESS_PROGRESS_INTERVAL",
    flag: "progress-interval",
    default: 5,
    help: "Seconds between progress lines on stderr.",
  }),
  startTimeoutSec: setting({
    operator: true,
    ...duration(0, 600, { whole: false }),
    env: "STRESS_START_TIMEOUT_SEC",
    flag: "start-timeout-sec",
    default: 30,
    help: "How long hyperd's start and the database set-up may take together, in seconds.",
  }),
} as const;
