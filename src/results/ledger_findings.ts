/**
 * The ledger's findings: `invariant-broken` (a read of every balance, or the final one, that did
 * not sum to the invariant or saw a negative balance) and `lost-update` (final balances that no
 * account of the committed and in-doubt transfers explains). Pure.
 */
import type { LedgerOutcome } from "../run/run_outcome.ts";
import type { LedgerDatabaseCheck } from "../run/ledger_check.ts";
import type { LedgerViolation } from "../stats/ledger_stats.ts";
import { formatNumber, formatSeconds, plural } from "./format.ts";
import { signatureOf } from "./signature.ts";
import type { FaultEvent, FaultFindingKind, RangeMismatch } from "../workload/ledger.ts";

/** Accounts named in one description; the rest are in the evidence. */
const ACCOUNTS_NAMED = 3;

/** A ledger finding, shaped like every other finding. */
export type LedgerFinding =
  | {
    kind: "invariant-broken";
    description: string;
    evidence: {
      /** The first read that broke it (null: only the final check did). */
      read: LedgerViolation | null;
      /** Reads that broke it in all. */
      reads: number;
      /** The final check of the database, when its total was wrong. */
      final: LedgerDatabaseCheck | null;
    };
    atSec: number;
    signature: string;
  }
  | {
    kind: "lost-update";
    description: string;
    evidence: LedgerDatabaseCheck;
    atSec: number;
    signature: string;
  }
  | {
    kind: FaultFindingKind;
    description: string;
    evidence: FaultEvent;
    atSec: number;
    signature: string;
  }
  | {
    kind: "model-mismatch";
    description: string;
    evidence: RangeMismatch;
    atSec: number;
    signature: string;
  };

/** The findings of a run's ledger; none without one. */
export function ledgerFindings(
  ledger: LedgerOutcome | null | undefined,
  durationSec: number,
): LedgerFinding[] {
  if (!ledger) return [];
  const findings: LedgerFinding[] = [];
  const first = ledger.firstViolations[0];
  if (first) {
    const others = ledger.violations > 1 ? `; ${plural(ledger.violations, "read")} broke it` : "";
    findings.push({
      kind: "invariant-broken",
      description: `a read of every balance in database ${first.database} at ` +
        `${formatSeconds(first.startedAtSec)} saw ${first.problems.join(", ")} ` +
        `(user ${first.user}, seq ${first.seq}, ` +
        `${plural(first.inFlight.length, "transfer")} in flight)${others}`,
      evidence: { read: first, reads: ledger.violations, final: null },
      atSec: first.startedAtSec,
      signature: signatureOf(["invariant-broken", "ReadBalances"]),
    });
  }
  for (const check of ledger.check.databases) {
    if (check.error === null && check.total !== check.expectedTotal) {
      findings.push({
        kind: "invariant-broken",
        description: `the final balances of database ${check.database} sum to ` +
          `${formatNumber(check.total)}, expected ${formatNumber(check.expectedTotal)}`,
        evidence: { read: null, reads: ledger.violations, final: check },
        atSec: durationSec,
        signature: signatureOf(["invariant-broken", "final"]),
      });
    }
    if (check.error !== null || !check.exact) {
      findings.push({
        kind: "lost-update",
        description: lostUpdateText(check),
        evidence: check,
        atSec: durationSec,
        signature: signatureOf(["lost-update", "Transfer"]),
      });
    }
  }
  // Older summaries have no faults.
  for (const fault of ledger.faults ?? []) {
    findings.push({
      kind: fault.kind,
      description:
        `${fault.kind === "cancel-ignored" ? "a cancel was ignored" : "a cut COPY hung"}` +
        ` (user ${fault.user}, seq ${fault.seq}): ${fault.detail}`,
      evidence: fault,
      atSec: fault.atSec,
      signature: signatureOf([fault.kind]),
    });
  }
  // Older summaries have no range checks.
  for (const m of ledger.rangeMismatches ?? []) {
    const found = m.actual
      ? `${plural(m.actual.rows, "row")} summing to ${formatNumber(m.actual.sum)}, expected ` +
        `${formatNumber(m.expected.rows)} summing to ${formatNumber(m.expected.sum)}`
      : m.problem;
    findings.push({
      kind: "model-mismatch",
      description: `user ${m.user}'s own table ${m.table} at seq ${m.seq} (last changed by seq ` +
        `${m.lastChangeSeq ?? "none"}): ${found}`,
      evidence: m,
      atSec: m.atSec,
      signature: signatureOf(["model-mismatch", m.actual ? "read" : "row count"]),
    });
  }
  return findings;
}

/** `database 0: account 3 holds 960, expected 1000; account 5 ...; (2 in-doubt transfers)`. */
function lostUpdateText(check: LedgerDatabaseCheck): string {
  if (check.error !== null) {
    return `the final balances of database ${check.database} could not be read: ${check.error}`;
  }
  const named = check.mismatches.slice(0, ACCOUNTS_NAMED).map((m) =>
    m.actual === null
      ? `account ${m.account} is missing`
      : `account ${m.account} holds ${formatNumber(m.actual)}, expected ${formatNumber(m.expected)}`
  );
  const more = check.mismatches.length > named.length
    ? `, ${formatNumber(check.mismatches.length - named.length)} more`
    : "";
  const doubt = check.inDoubt > 0
    ? ` (${plural(check.inDoubt, "in-doubt transfer")} tried either way${
      check.searched ? "" : ": too many to try every subset"
    })`
    : "";
  return `the final balances of database ${check.database} miss the committed transfers: ` +
    `${named.join("; ")}${more}${doubt}`;
}
