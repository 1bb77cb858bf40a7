/**
 * The verdict policy: every outcome a run, a merge, a sweep or a comparison can end with, how
 * grave it is and the exit code it gives. The one place exit codes are defined and ranked:
 * summary, merge, sweep, compare, errors, JUnit and the report ask it, and the docs' exit-code
 * table is generated from it (`exitCodeRows`).
 *
 * Adding a finding kind takes one entry in FINDING_KINDS (its verdict and the words the verdict
 * line counts it with); adding a stop reason, one entry in STOP_REASONS. Nothing else decides.
 */

/** One verdict: its exit code and what that code means to a user. */
interface VerdictRow {
  code: number;
  meaning: string;
}

/**
 * The verdicts, gravest first: when several apply, the first one's code is the exit code. A
 * crash or a stall is what hyperstress exists to find, so it outranks hyperstress's own failure
 * in another segment; an interrupted run did not finish, so what it counted is not a verdict.
 */
const VERDICTS = {
  crashed: { code: 4, meaning: "hyperd crashed, or an attached hyperd stopped answering" },
  stalled: { code: 6, meaning: "hyperd stalled: no operation completed for --stall-sec seconds" },
  usage: { code: 2, meaning: "bad configuration, usage or a missing permission" },
  internal: { code: 1, meaning: "internal error: a bug in hyperstress" },
  environment: {
    code: 8,
    meaning: "the environment failed: hyperd could not be found, started or reached, " +
      "segment 0 never made the databases ready, or shrink could not reproduce the failure",
  },
  interrupted: { code: 130, meaning: "interrupted (SIGINT or SIGTERM)" },
  dataIntegrity: {
    code: 5,
    meaning: "data integrity: acknowledged rows lost, extra, duplicated, corrupted or torn, " +
      "or the ledger's balances or a user's own table wrong",
  },
  wrongAnswer: {
    code: 9,
    meaning: "a wrong answer: a generated query failed its oracle, or hyperd failed a valid " +
      "query with an internal error",
  },
  thresholdFailed: {
    code: 3,
    meaning: "a threshold failed, a sweep run failed, or compare found a significant regression",
  },
  findings: { code: 7, meaning: "the run passed but had findings, with --fail-on-findings" },
  ok: { code: 0, meaning: "the run completed and every threshold held" },
} as const satisfies Record<string, VerdictRow>;

/** A verdict's name, e.g. `crashed`. */
export type VerdictName = keyof typeof VERDICTS;

/** The exit code of each verdict by name: `EXIT.crashed` is 4. */
export const EXIT: { readonly [K in VerdictName]: (typeof VERDICTS)[K]["code"] } = Object
  .fromEntries(Object.entries(VERDICTS).map(([name, row]) => [name, row.code])) as {
    [K in VerdictName]: (typeof VERDICTS)[K]["code"];
  };

/** One exit code. */
export type ExitCode = typeof EXIT[VerdictName];

/** How a stop reason counts: its verdict, and how the verdict line names it (null: it does not). */
interface StopRow {
  verdict: VerdictName;
  cause: string | null;
}

/**
 * Why a run ended, in the order a merge picks the one that speaks for all segments (within one
 * verdict). WorkerFailed is a fault of hyperstress itself, not of Hyper. ServerUnreachable is an
 * attached hyperd (--endpoint) that stopped accepting connections: hyperstress cannot see its
 * exit, only that it is gone.
 */
const STOP_REASONS = {
  CrashDetected: { verdict: "crashed", cause: "hyperd crashed" },
  ServerUnreachable: { verdict: "crashed", cause: "hyperd unreachable" },
  Stalled: { verdict: "stalled", cause: "hyperd stalled" },
  WorkerFailed: { verdict: "internal", cause: null },
  Interrupted: { verdict: "interrupted", cause: null },
  ResourceLimit: { verdict: "ok", cause: null },
  UsersFinished: { verdict: "ok", cause: null },
  DurationElapsed: { verdict: "ok", cause: null },
} as const satisfies Record<string, StopRow>;

/** Why a run ended. */
export type StopReason = keyof typeof STOP_REASONS;

/** The stop reasons, in the table's order (for the docs). */
export const STOP_REASON_NAMES = Object.keys(STOP_REASONS) as StopReason[];

/**
 * How a kind of finding counts. `verdict` "findings" fails the run only with --fail-on-findings;
 * any other verdict fails it always. `counted` is what the verdict line counts (`2 torn writes`),
 * or null when the stop reason already names it.
 */
interface FindingRow {
  verdict: VerdictName;
  counted: string | null;
}

/** Every kind of finding and how it counts: one entry per kind. */
const FINDING_KINDS = {
  crash: { verdict: "crashed", counted: null },
  stall: { verdict: "stalled", counted: null },
  "slow-operation": { verdict: "findings", counted: null },
  starvation: { verdict: "findings", counted: null },
  // A generated query's two sides disagreed (an oracle), or hyperd failed it internally (XX000).
  "wrong-result": { verdict: "wrongAnswer", counted: "wrong results" },
  "query-error": { verdict: "wrongAnswer", counted: "internal query errors" },
  "blind-monitor": { verdict: "findings", counted: null },
  // The integrity check's kinds (docs/findings-integrity.md): the integrity cause names them.
  lost: { verdict: "dataIntegrity", counted: null },
  extra: { verdict: "dataIntegrity", counted: null },
  duplicated: { verdict: "dataIntegrity", counted: null },
  corrupted: { verdict: "dataIntegrity", counted: null },
  torn: { verdict: "dataIntegrity", counted: null },
  // The ledger (docs/ledger-and-faults.md): wrong data, so lost writes whatever the flags.
  "invariant-broken": { verdict: "dataIntegrity", counted: "broken ledger invariant" },
  "lost-update": { verdict: "dataIntegrity", counted: "ledger with lost updates" },
  "model-mismatch": { verdict: "dataIntegrity", counted: "own table off its model" },
  // Client-side faults (the nemesis): hyperd misbehaving, not data lost.
  "cancel-ignored": { verdict: "findings", counted: null },
  "abandoned-copy-hang": { verdict: "findings", counted: null },
} as const satisfies Record<string, FindingRow>;

/** A kind of finding, e.g. `slow-operation`. */
export type FindingKind = keyof typeof FINDING_KINDS;

/** The finding kinds, in the table's order. */
export const FINDING_KIND_NAMES = Object.keys(FINDING_KINDS) as FindingKind[];

/** What a verdict is drawn from: a summary, or a merged one, or an old one without findings. */
export interface VerdictInput {
  stopReason: StopReason;
  integrity: { mismatches: number };
  thresholds: readonly { ok: boolean }[];
  findings?: readonly { kind: FindingKind }[];
  /** hyperstress's own failure beside its stop reason (a worker without a permission: usage). */
  ownFault?: "usage" | "internal" | null;
}

/** One reason a verdict applies, and what in the outcome gave it. */
export type Cause =
  | { verdict: VerdictName; from: "stop"; stopReason: StopReason; words: string | null }
  | { verdict: VerdictName; from: "ownFault" }
  | { verdict: "dataIntegrity"; from: "integrity"; mismatches: number }
  | { verdict: "thresholdFailed"; from: "thresholds"; failed: number }
  | {
    verdict: VerdictName;
    from: "finding";
    kind: FindingKind;
    count: number;
    words: string | null;
  }
  | { verdict: "findings"; from: "failOnFindings"; count: number };

/** Rank of a verdict: 0 is the gravest. */
function rankOf(verdict: VerdictName): number {
  return Object.keys(VERDICTS).indexOf(verdict);
}

/** The verdict an exit code stands for; an unknown code counts as an internal error. */
export function verdictOfCode(code: number): VerdictName {
  const found = (Object.keys(VERDICTS) as VerdictName[]).find((v) => VERDICTS[v].code === code);
  return found ?? "internal";
}

/**
 * Every cause that applies to `input`, gravest first: the stop reason, hyperstress's own fault,
 * data integrity, failed thresholds, the findings by kind; findings that only count with
 * --fail-on-findings are one cause, and only with it.
 */
export function causesOf(input: VerdictInput, failOnFindings = false): Cause[] {
  const causes: Cause[] = [];
  const stop: StopRow = STOP_REASONS[input.stopReason];
  if (stop.verdict !== "ok") {
    causes.push({
      verdict: stop.verdict,
      from: "stop",
      stopReason: input.stopReason,
      words: stop.cause,
    });
  }
  if (input.ownFault) causes.push({ verdict: input.ownFault, from: "ownFault" });
  if (input.integrity.mismatches > 0) {
    causes.push({
      verdict: "dataIntegrity",
      from: "integrity",
      mismatches: input.integrity.mismatches,
    });
  }
  const failed = input.thresholds.filter((t) => !t.ok).length;
  if (failed > 0) causes.push({ verdict: "thresholdFailed", from: "thresholds", failed });
  let gated = 0;
  for (const kind of FINDING_KIND_NAMES) {
    // An unknown kind (a summary from a newer hyperstress) is only a finding.
    const count = (input.findings ?? []).filter((f) => f.kind === kind).length;
    if (count === 0) continue;
    const row: FindingRow = FINDING_KINDS[kind];
    if (row.verdict === "findings") gated += count;
    else causes.push({ verdict: row.verdict, from: "finding", kind, count, words: row.counted });
  }
  const unknown = (input.findings ?? []).filter((f) => !Object.hasOwn(FINDING_KINDS, f.kind));
  gated += unknown.length;
  if (failOnFindings && gated > 0) {
    causes.push({ verdict: "findings", from: "failOnFindings", count: gated });
  }
  return causes.sort((a, b) => rankOf(a.verdict) - rankOf(b.verdict));
}

/** The exit code of a run: its gravest cause's, or 0. */
export function exitCodeOf(input: VerdictInput, failOnFindings = false): ExitCode {
  return VERDICTS[causesOf(input, failOnFindings)[0]?.verdict ?? "ok"].code;
}

/** The gravest of several exit codes (segments, sweep runs); 0 for none. */
export function gravestCode(codes: readonly number[]): ExitCode {
  const verdicts = codes.map(verdictOfCode).sort((a, b) => rankOf(a) - rankOf(b));
  return VERDICTS[verdicts[0] ?? "ok"].code;
}

/** The stop reason that speaks for several (a merge's segments): the gravest, in table order. */
export function gravestStopReason(reasons: readonly StopReason[]): StopReason {
  const order = Object.keys(STOP_REASONS) as StopReason[];
  const rank = (r: StopReason) => rankOf(STOP_REASONS[r].verdict) * order.length + order.indexOf(r);
  return [...reasons].sort((a, b) => rank(a) - rank(b))[0] ?? "DurationElapsed";
}

/** The verdict a finding of `kind` counts toward; null for a kind the policy does not know. */
export function findingVerdict(kind: string): VerdictName | null {
  return Object.hasOwn(FINDING_KINDS, kind) ? FINDING_KINDS[kind as FindingKind].verdict : null;
}

/** Whether a finding of `kind` fails the run (always, or only with --fail-on-findings). */
export function findingFails(kind: string, failOnFindings: boolean): boolean {
  const row: FindingRow | undefined = Object.hasOwn(FINDING_KINDS, kind)
    ? FINDING_KINDS[kind as FindingKind]
    : undefined;
  return row === undefined || row.verdict === "findings" ? failOnFindings : row.verdict !== "ok";
}

/**
 * A sweep's exit code: the gravest of its runs'. A run that ended 0 but has a signature (an
 * operation failed) fails the sweep as a failed threshold would: a failed operation is a finding
 * about Hyper. An interrupted sweep counts as one more interrupted run.
 */
export function sweepExitCode(
  runs: readonly { exitCode: number; signature: string | null }[],
  interrupted = false,
): ExitCode {
  return gravestCode([
    ...runs.map((r) =>
      r.signature !== null ? gravestCode([r.exitCode, EXIT.thresholdFailed]) : r.exitCode
    ),
    ...(interrupted ? [EXIT.interrupted] : []),
  ]);
}

/** compare's exit code: 3 (as a failed threshold) with a significant regression, else 0. */
export function comparisonExitCode(regressions: number): ExitCode {
  return regressions > 0 ? EXIT.thresholdFailed : EXIT.ok;
}

/**
 * True for a stop reason that ends a run before its duration without failing it (a limit held
 * too long): the verdict says so, `PASSED (stopped early: ...)`, so a pass is not mistaken for a
 * full run. The duration's end and a replay's users all done are the run's own ends.
 */
export function stoppedEarly(reason: StopReason): boolean {
  return STOP_REASONS[reason].verdict === "ok" && reason !== "DurationElapsed" &&
    reason !== "UsersFinished";
}

/** True for the exit code of a run that passed. */
export function passed(code: number): boolean {
  return code === EXIT.ok;
}

/**
 * The one word for how a run with exit `code` ended, as the verdict line and the report head it:
 * an interrupted run did not fail, it was not allowed to finish.
 */
export function outcomeWord(code: number): "passed" | "interrupted" | "failed" {
  return passed(code) ? "passed" : code === EXIT.interrupted ? "interrupted" : "failed";
}

/** The meaning of `code`, or a plain description for a code hyperstress does not define. */
export function exitMeaning(code: number): string {
  const found = (Object.keys(VERDICTS) as VerdictName[]).find((v) => VERDICTS[v].code === code);
  return found ? VERDICTS[found].meaning : `exit code ${code}`;
}

/** One row of the exit-code table in `--help` and the docs. */
export interface ExitCodeRow {
  code: ExitCode;
  name: VerdictName;
  meaning: string;
}

/** Every exit code and its meaning, by code: what `--help` and the docs list. */
export function exitCodeRows(): ExitCodeRow[] {
  return (Object.keys(VERDICTS) as VerdictName[])
    .map((name) => ({ code: VERDICTS[name].code, name, meaning: VERDICTS[name].meaning }))
    .sort((a, b) => a.code - b.code);
}

/** The exit-code table as Markdown, for the generated docs. */
export function exitCodeMarkdown(): string {
  return [
    "| Code | Meaning |",
    "| --- | --- |",
    ...exitCodeRows().map((row) => `| ${row.code} | ${row.meaning} |`),
  ].join("\n");
}
