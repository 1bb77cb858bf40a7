/** The run's verdict in one line, the last line of the text summary: `PASSED` or what failed. */
import {
  type Cause,
  causesOf,
  EXIT,
  exitMeaning,
  outcomeWord,
  stoppedEarly,
} from "../verdict_policy.ts";
import { formatNumber, plural } from "./format.ts";
import type { Summary } from "./summary.ts";

/** What the verdict reads of a summary; a summary saved before findings existed has none. */
export type VerdictInput =
  & Pick<Summary, "exitCode" | "stopReason" | "thresholds" | "integrity">
  & Partial<Pick<Summary, "findings" | "stopDetail">>;

/** Findings the verdict line names; the rest are counted. */
const FINDINGS_NAMED = 5;

/**
 * `PASSED`, or `FAILED: <what failed> (exit N)` naming every cause in the order the exit code
 * ranks them, e.g. `FAILED: hyperd crashed, 1 of 3 thresholds (exit N)`. An interrupted run says
 * `INTERRUPTED`: it did not fail, it was not allowed to finish. Findings follow, e.g.
 * `PASSED with 1 finding: an operation took 50.0 s (COPY "t1_medium" …, user 3, seq 120)`.
 */
export function verdictLine(summary: VerdictInput): string {
  return verdictHead(summary) + findingsTail(summary.findings ?? []);
}

/** ` with N findings: <description>; ...`, or nothing without findings. */
function findingsTail(
  findings: readonly { description: string; knownBug?: string | null }[],
): string {
  if (findings.length === 0) return "";
  // A known Hyper bug says so (known_bugs.ts): a reader looks first at what is new.
  const named = findings.slice(0, FINDINGS_NAMED).map((f) =>
    f.knownBug ? `${f.description} [known bug: ${f.knownBug}]` : f.description
  );
  if (findings.length > named.length) {
    named.push(`${formatNumber(findings.length - named.length)} more in summary.json`);
  }
  return ` with ${plural(findings.length, "finding")}: ${named.join("; ")}`;
}

function verdictHead(summary: VerdictInput): string {
  const word = outcomeWord(summary.exitCode);
  if (word === "passed") {
    // A pass is not mistaken for a full run: one stopped early, or whose data went unchecked
    // (the end check had no answer, a segment), says so.
    const notes: string[] = [];
    if (stoppedEarly(summary.stopReason)) {
      const why = summary.stopDetail ? `: ${summary.stopDetail}` : "";
      notes.push(`stopped early: ${summary.stopReason}${why}`);
    }
    const { integrity } = summary;
    if (!integrity.checked && integrity.skipped) {
      notes.push(`integrity not checked: ${integrity.skipped}`);
    }
    return notes.length === 0 ? "PASSED" : `PASSED (${notes.join("; ")})`;
  }
  // The causes the policy finds, in its order; --fail-on-findings only when it decided the code.
  const causes = causesOf(summary, summary.exitCode === EXIT.findings)
    .map((cause) => causeWords(cause, summary))
    .filter((words): words is string => words !== null);
  const exit = `(exit ${summary.exitCode})`;
  if (word === "interrupted") {
    return causes.length > 0 ? `INTERRUPTED: ${causes.join(", ")} ${exit}` : `INTERRUPTED ${exit}`;
  }
  // An exit code with no cause above (an internal error) still says what it means.
  if (causes.length === 0) causes.push(exitMeaning(summary.exitCode));
  return `FAILED: ${causes.join(", ")} ${exit}`;
}

/** How the verdict line names one cause, or null when another cause (or the code) says it. */
function causeWords(cause: Cause, summary: VerdictInput): string | null {
  switch (cause.from) {
    case "stop":
      return cause.words;
    case "ownFault":
      return null;
    case "integrity":
      return `data integrity in ${formatNumber(cause.mismatches)} of ${
        plural(summary.integrity.tables.length, "table")
      }`;
    case "thresholds":
      return `${formatNumber(cause.failed)} of ${plural(summary.thresholds.length, "threshold")}`;
    case "finding":
      return cause.words === null ? null : plural(cause.count, cause.words);
    case "failOnFindings":
      return "--fail-on-findings";
  }
}
