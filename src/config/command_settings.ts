/** The verdict's settings (thresholds, findings, JUnit, metrics) and those of sweep, shrink and compare. */
import { z } from "zod";
import { EXIT } from "../verdict_policy.ts";
import { METRICS_OUT_EXPECTS, parseMetricsOut } from "./metrics_out.ts";
import { choice, duration, integer, setting, text, toggle } from "./setting_kinds.ts";
import { parseThreshold } from "./thresholds.ts";

/** A threshold expression parsed into a Threshold, or a zod issue saying what is wrong. */
function thresholdOrIssue(expr: string, ctx: z.RefinementCtx) {
  const parsed = parseThreshold(expr);
  if (typeof parsed !== "string") return parsed;
  ctx.addIssue({ code: "custom", message: parsed });
  return z.NEVER;
}

/** "2/3", "0.67" or "67%" as a number; anything else is left for the schema to reject. */
function parseRate(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const text = value.trim();
  const fraction = /^(\d+)\s*\/\s*(\d+)$/.exec(text);
  if (fraction) return Number(fraction[1]) / Number(fraction[2]);
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (percent) return Number(percent[1]) / 100;
  return /^\d*\.?\d+$/.test(text) ? Number(text) : value;
}

/** The verdict's and the other commands' settings, in the order `--help` lists them. */
export const COMMAND_SETTINGS = {
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
    help: "sweep and shrink: runs at the same time (each starts a hyperd of its own).",
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
    schema: z.string().regex(/^(crash|stall|wrong-result|query-error|failure:.+)$/).optional(),
    kind: "string",
    expects: '"crash", "stall", "wrong-result", "query-error" or "failure:<regex>"',
    env: "STRESS_SHRINK_UNTIL",
    flag: "until",
    help: "shrink: what a smaller replay must still do: crash, stall, or failure:<regex>; " +
      "wrong-result or query-error shrinks the run's generated query instead.",
  }),
  tries: setting({
    operator: true,
    ...integer(1, 100),
    env: "STRESS_SHRINK_TRIES",
    flag: "tries",
    default: 6,
    help: "shrink: tries that measure the original's and the result's rate; most a candidate gets.",
  }),
  minReproRate: setting({
    operator: true,
    // "2/3", "0.67" or "67%": people write a rate all three ways.
    schema: z.preprocess(parseRate, z.number().gt(0).max(1)).optional(),
    kind: "string",
    expects: 'a rate above 0 and at most 1: "2/3", "0.67" or "67%"',
    env: "STRESS_SHRINK_MIN_REPRO_RATE",
    flag: "min-repro-rate",
    help:
      "shrink: the result must reproduce at least this often (default: original's, at most 2/3); each cut, halfway from it to always.",
  }),
  maxMinutes: setting({
    operator: true,
    ...duration(1, 10_080, { unit: "minutes" }),
    env: "STRESS_SHRINK_MAX_MINUTES",
    flag: "max-minutes",
    default: 30,
    help: "shrink: minutes the search may take; it ends with the smallest that met the rate.",
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
    help:
      `Exit ${EXIT.findings} instead of ${EXIT.ok} when the run had findings (a slow operation, hyperd starvation).`,
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
    help:
      `compare: a significant change worse than this many percent fails (exit ${EXIT.thresholdFailed}).`,
  }),
  compareHtml: setting({
    operator: true,
    ...text("a file path"),
    env: "STRESS_COMPARE_HTML",
    flag: "html",
    help: "compare: also write the side-by-side comparison as HTML to this file.",
  }),
} as const;
