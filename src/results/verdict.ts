/** The run's verdict in one line, the last line of the text summary: `PASSED` or what failed. */
import { EXIT, exitMeaning } from "../exit_codes.ts";
import { formatNumber, plural } from "./format.ts";
import type { Summary } from "./summary.ts";
import { ledgerBroken } from "./ledger_findings.ts";

/** What the verdict reads of a summary; a summary saved before findings existed has none. */
export type VerdictInput =
  & Pick<Summary, "exitCode" | "stopReason" | "thresholds" | "integrity" | "ledger">
  & Partial<Pick<Summary, "findings">>;

/** Findings the verdict line names; the rest are counted. */
const FINDINGS_NAMED = 5;

/**
 * `PASSED`, or `FAILED: <what failed> (exit N)` naming every cause in the order the exit code
 * ranks them, e.g. `FAILED: hyperd crashed, 1 of 3 thresholds (exit 4)`. An interrupted run says
 * `INTERRUPTED`: it did not fail, it was not allowed to finish. Findings follow, e.g.
 * `PASSED with 1 finding: an operation took 50.0 s (COPY "t1_medium" …, user 3, seq 120)`.
 */
export function verdictLine(summary: VerdictInput): string {
  return verdictHead(summary) + findingsTail(summary.findings ?? []);
}

/** ` with N findings: <description>; ...`, or nothing without findings. */
function findingsTail(findings: readonly { description: string }[]): string {
  if (findings.length === 0) return "";
  const named = findings.slice(0, FINDINGS_NAMED).map((f) => f.description);
  if (findings.length > named.length) {
    named.push(`${formatNumber(findings.length - named.length)} more in summary.json`);
  }
  return ` with ${plural(findings.length, "finding")}: ${named.join("; ")}`;
}

function verdictHead(summary: VerdictInput): string {
  if (summary.exitCode === EXIT.ok) return "PASSED";
  const causes: string[] = [];
  if (summary.stopReason === "CrashDetected") causes.push("hyperd crashed");
  if (summary.stopReason === "ServerUnreachable") causes.push("hyperd unreachable");
  if (summary.stopReason === "Stalled") causes.push("hyperd stalled");
  const { integrity } = summary;
  if (integrity.mismatches > 0) {
    causes.push(
      `lost writes in ${formatNumber(integrity.mismatches)} of ${
        plural(integrity.tables.length, "table")
      }`,
    );
  }
  if (ledgerBroken(summary.ledger)) causes.push("the ledger broke");
  const failed = summary.thresholds.filter((t) => !t.ok).length;
  if (failed > 0) {
    causes.push(
      `${formatNumber(failed)} of ${plural(summary.thresholds.length, "threshold")}`,
    );
  }
  if (summary.exitCode === EXIT.findings) causes.push("--fail-on-findings");
  const exit = `(exit ${summary.exitCode})`;
  if (summary.exitCode === EXIT.interrupted) {
    return causes.length > 0 ? `INTERRUPTED: ${causes.join(", ")} ${exit}` : `INTERRUPTED ${exit}`;
  }
  // An exit code with no cause above (an internal error) still says what it means.
  if (causes.length === 0) causes.push(exitMeaning(summary.exitCode));
  return `FAILED: ${causes.join(", ")} ${exit}`;
}
