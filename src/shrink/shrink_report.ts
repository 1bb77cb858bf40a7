/**
 * What a shrink found, as a typed value (shrink.json) and as REPRO.md: the command that was
 * measured, how often it reproduced, what was cut and which server settings were changed. Pure.
 */
import { type Candidate, type ReplayTiming, totalOps } from "./candidate.ts";
import { databaseTables, opLimit } from "../workload/layout.ts";
import { planOps } from "../workload/planner.ts";
import type { InFlightOp } from "../stats/op_records.ts";

/** Version of shrink.json's layout. */
export const SHRINK_SCHEMA_VERSION = 2;

/** k reproductions in n tries. */
export interface Rate {
  k: number;
  n: number;
}

/** One candidate's measurement, as shrink.json lists it. */
export interface Attempt {
  n: number;
  step: string;
  candidate: string;
  users: number;
  ops: number | null;
  k: number;
  tries: number;
  accepted: boolean;
  signatures: (string | null)[];
  atMin: number;
}

/** shrink.json. */
export interface ShrinkReport {
  schemaVersion: typeof SHRINK_SCHEMA_VERSION;
  until: string;
  signature: string | null;
  /**
   * The rate the result had to meet afresh and where it came from, and the stricter rate the
   * search held each cut to (searchRate() of it).
   */
  minReproRate: { rate: number; from: "--min-repro-rate" | "original"; search: number };
  timing: ReplayTiming;
  original: {
    users: number;
    /** Operations the users had sent when the first reproducing try failed. */
    ops: number | null;
    rates: Partial<Record<ReplayTiming, Rate>>;
  };
  /** The smallest candidate that met the rate; null when none did. */
  result: {
    candidate: string;
    users: number;
    ops: number | null;
    replayFile: string;
    command: string;
    /** Measured after the search with fresh tries of exactly `command` (0 of 0: interrupted). */
    rate: Rate;
    /** What the search measured when it kept this candidate. */
    keptAt: Rate;
    /** Smaller candidates the search kept that reproduced below the rate when measured afresh. */
    smallerButRarer: { candidate: string; rate: Rate; keptAt: Rate }[];
    changes: string[];
  } | null;
  /** Why the search ended; "running" while it goes on. */
  stoppedBy: "running" | "done" | "time" | "interrupt";
  minutes: number;
  tries: number;
  attempts: Attempt[];
}

/** The `stress` arguments that replay `replayFile` the way the shrink measured it. */
export function reproArgs(replayFile: string, duration: number, timing: ReplayTiming): string[] {
  const timed = timing === "recorded" ? ["--replay-timing", "recorded"] : [];
  return ["--replay-file", replayFile, "--duration", String(duration), ...timed];
}

/** `args` as a shell command line, each argument quoted when the shell would split it. */
export function reproCommand(args: readonly string[]): string {
  const quote = (a: string) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`;
  return ["deno", "task", "stress", ...args].map(quote).join(" ");
}

/** What differs between the original and the result, in words, server settings first. */
export function changes(original: Candidate, result: Candidate): string[] {
  const said: string[] = [];
  const [a, b] = [original.config, result.config];
  if (a.memoryLimit !== b.memoryLimit) {
    said.push(
      `server setting memory_limit lowered from ${a.memoryLimit} to ${b.memoryLimit} ` +
        "(a lower limit makes the failure easier to hit)",
    );
  }
  if (a.batchMax !== b.batchMax || a.batchMin !== b.batchMin) {
    said.push(`batch sizes ${a.batchMin}..${a.batchMax} cut to ${b.batchMin}..${b.batchMax}`);
  }
  if (original.layout.users.length !== result.layout.users.length) {
    said.push(`users ${original.layout.users.length} cut to ${result.layout.users.length}`);
  }
  if (original.layout.databases.length !== result.layout.databases.length) {
    said.push(
      `databases ${original.layout.databases.length} cut to ${result.layout.databases.length}`,
    );
  }
  const [before, after] = [totalOps(original), totalOps(result)];
  if (before !== after) said.push(`operations ${before ?? "unlimited"} cut to ${after}`);
  return said;
}

/** Markdown inline code that holds backticks of its own (hyperd's messages quote with them). */
function code(text: string): string {
  return `\`\` ${text} \`\``;
}

/** Each user's kept operations: seq, kind, table and rows, as the planner rolls them. */
export function operationLines(candidate: Candidate): string[] {
  const tablesOf = new Map(
    candidate.layout.databases.map((d) => [d.index, databaseTables(d.schemaSeed)]),
  );
  return candidate.layout.users.flatMap((user) => {
    const tables = tablesOf.get(user.database)!;
    const ops = planOps(user, tables, candidate.config, opLimit(user) ?? 0);
    return ops.map((op) =>
      `- user ${user.id} (${user.class}, db_${user.database}), seq ${op.seq}: ${op.kind} on ` +
      `${tables[op.table].name}${op.rows > 0 ? `, ${op.rows} rows` : ""}`
    );
  });
}

/** REPRO.md: the measured command and rate first, then what was cut and what was in flight. */
export function reproText(
  report: ShrinkReport,
  result: Candidate,
  hyperdVersion: string,
  inFlight: readonly InFlightOp[],
): string {
  const r = report.result!;
  const rates = Object.entries(report.original.rates)
    .map(([timing, rate]) => `${rate.k} of ${rate.n} with ${timing} timing`).join(", ");
  const measured = r.rate.n === 0
    ? `Not measured again: the shrink was interrupted first. When the search kept it, it ` +
      `reproduced **${r.keptAt.k} of ${r.keptAt.n} times** with the command below:`
    : `Reproduces **${r.rate.k} of ${r.rate.n} times** with the command below (measured after ` +
      "the shrink, with fresh tries of exactly this command; the rate on another machine or " +
      `under another load will differ; when the search kept it: ${r.keptAt.k} of ${r.keptAt.n}):`;
  return [
    "# A minimal reproduction",
    "",
    measured,
    "",
    "```sh",
    r.command,
    "```",
    "",
    `- Until: ${code(report.until)}`,
    `- Signature: ${code(report.signature ?? "")}`,
    `- Result: ${r.candidate}.`,
    `- Original: ${report.original.users} users, ${report.original.ops ?? "?"} operations ` +
    `sent before it failed; reproduced ${rates}.`,
    `- Every cut was kept only when it reproduced at least ${
      rateWords(report.minReproRate.search)
    } of the time, by a sequential test over up to ${report.tries} tries; the result had to ` +
    `reproduce at least ${rateWords(report.minReproRate.rate)} of the time afresh ` +
    `(${report.minReproRate.from}).`,
    ...r.changes.map((c) => `- Changed: ${c}.`),
    ...r.smallerButRarer.map((m) =>
      `- Smaller, but rarer: ${m.candidate} was kept at ${m.keptAt.k} of ${m.keptAt.n} and ` +
      `reproduced ${m.rate.k} of ${m.rate.n} afresh: below the rate, so not this result.`
    ),
    `- Shrink: ${report.attempts.length} candidates in ${report.minutes.toFixed(1)} minutes ` +
    `(${report.stoppedBy === "done" ? "every step done" : `stopped by ${report.stoppedBy}`}).`,
    `- hyperd: ${hyperdVersion}`,
    "",
    "## The operations it sends",
    "",
    "Each keeps the seq and the parameters it had in the original run (`users[].ops` in the " +
    "replay file lists them).",
    "",
    ...operationLines(result),
    "",
    "## In flight when it happened",
    "",
    ...(inFlight.length === 0
      ? ["(none recorded)"]
      : inFlight.map((op) => `- user ${op.user}, seq ${op.seq}, ${op.kind}: ${code(op.sql)}`)),
    "",
  ].join("\n");
}

/** 1 as "1", 2/3 as "2/3", 0.5 as "1/2", else two decimals. */
export function rateWords(rate: number): string {
  if (rate === 1) return "1";
  for (let d = 2; d <= 10; d++) {
    const n = Math.round(rate * d);
    if (Math.abs(n / d - rate) < 1e-9) return `${n}/${d}`;
  }
  return rate.toFixed(2);
}
