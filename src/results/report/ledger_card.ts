/**
 * The report's ledger card (docs/ledger-and-faults.md): transfers by outcome, the reads that
 * checked the invariant, the end check, and the first violation with its evidence. No card when
 * no ledger operation ran.
 */
import type { LedgerOutcome } from "../../run/run_outcome.ts";
import { TRANSFER_OUTCOMES } from "../../workload/ledger.ts";
import { formatNumber, formatPercent, formatSeconds, plural } from "../format.ts";
import type { Summary } from "../summary.ts";
import { card, esc, htmlTable, pill } from "./html.ts";

/** Balances shown of a violating read; the rest are in summary.json. */
const BALANCES_SHOWN = 32;

/** The ledger card, or nothing for a run without the ledger. */
export function ledgerCard(summary: Pick<Summary, "ledger">): string {
  const ledger = summary.ledger;
  if (!ledger) return "";
  const transfers = TRANSFER_OUTCOMES.reduce((n, o) => n + ledger.transfers[o], 0);
  const outcomes = htmlTable(
    ["transfers", ...TRANSFER_OUTCOMES, "aborted (%)"],
    [[
      formatNumber(transfers),
      ...TRANSFER_OUTCOMES.map((o) => formatNumber(ledger.transfers[o])),
      formatPercent(transfers > 0 ? (ledger.transfers.aborted / transfers) * 100 : null, 1),
    ]],
    Array(TRANSFER_OUTCOMES.length + 2).fill(true),
  );
  return card(
    "Ledger",
    `<p>${pill(ledger.violations === 0, invariantWords(ledger))} ${esc(endWords(ledger))}</p>` +
      `<p class="muted">${formatNumber(ledger.accounts)} accounts per database; every read of ` +
      `all balances must sum to ${formatNumber(ledger.invariant)}. 40001 conflicts count as ` +
      `aborted, not failed.${ownTables(ledger)}</p>` + outcomes + violationHtml(ledger),
    true,
  );
}

/** `invariant held in 248 reads` or `invariant broken in 3 of 248 reads`. */
function invariantWords(ledger: LedgerOutcome): string {
  return ledger.violations === 0
    ? `invariant held in ${plural(ledger.reads, "read")}`
    : `invariant broken in ${formatNumber(ledger.violations)} of ${plural(ledger.reads, "read")}`;
}

/** What the end check found, in one sentence. */
function endWords(ledger: LedgerOutcome): string {
  const { check } = ledger;
  if (!check.checked) return `Final balances not checked (${check.skipped}).`;
  const wrong = check.databases.filter((d) => !d.exact);
  if (wrong.length === 0) {
    return `Final balances exact in ${plural(check.databases.length, "database")}.`;
  }
  const accounts = wrong.reduce((n, d) => n + d.mismatches.length, 0);
  return `Final balances wrong in ${formatNumber(wrong.length)} of ` +
    `${plural(check.databases.length, "database")} (${plural(accounts, "account")}).`;
}

/** The first violating read: what was wrong, its balances, the transfers in flight. */
function violationHtml(ledger: LedgerOutcome): string {
  const read = ledger.firstViolations[0];
  if (!read) return "";
  const balances = read.balances.slice(0, BALANCES_SHOWN)
    .map(([account, balance]) => `${account}: ${formatNumber(balance)}`).join(", ");
  const inFlight = read.inFlight.length === 0
    ? `<p class="muted">No transfer on that database ran while it read.</p>`
    : htmlTable(
      ["user", "seq", "outcome", "legs", "from (s)", "to (s)"],
      read.inFlight.map((t) => [
        formatNumber(t.user),
        formatNumber(t.seq),
        esc(t.outcome),
        esc(t.legs.map((l) => `${l.account} ${l.delta > 0 ? "+" : ""}${l.delta}`).join(", ")),
        formatSeconds(t.startedAtSec, 3).replace(" s", ""),
        formatSeconds(t.endedAtSec, 3).replace(" s", ""),
      ]),
      [true, true, false, false, true, true],
    );
  return `<h3>First violation</h3><p>User ${read.user}, seq ${read.seq}, database ` +
    `${read.database}, at ${formatSeconds(read.startedAtSec, 3)}: ${
      esc(read.problems.join("; "))
    }` +
    ` (total ${formatNumber(read.total)}).</p><p class="muted">Balances: ${esc(balances)}` +
    `${read.balances.length > BALANCES_SHOWN ? " …" : ""}</p>${inFlight}`;
}

/** The users' own tables (UpdateRange, DeleteRange): checks against their models. */
function ownTables(ledger: LedgerOutcome): string {
  const checks = ledger.rangeChecks ?? 0;
  if (checks === 0) return "";
  const wrong = ledger.rangeMismatchCount ?? 0;
  return ` Users' own tables were checked against their models ${plural(checks, "time")}` +
    (wrong > 0 ? `; ${formatNumber(wrong)} differed (see the findings).` : ", always right.");
}
