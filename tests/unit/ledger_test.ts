import assert from "node:assert/strict";
import { LedgerStats } from "../../src/stats/ledger_stats.ts";
import { OpStats } from "../../src/stats/op_stats.ts";
import { ledgerFindings } from "../../src/results/ledger_findings.ts";
import { EXIT, exitCodeOf } from "../../src/verdict_policy.ts";
import { reportHtml } from "../../src/results/report/page.ts";
import { summaryText } from "../../src/results/summary_text.ts";
import { summaryFixture } from "../helpers/summary_fixture.ts";
import { metricValues } from "../../src/results/thresholds.ts";
import {
  type BalanceRead,
  MAX_IN_DOUBT_EXACT,
  readProblems,
  reconcile,
  type TransferRecord,
} from "../../src/workload/ledger.ts";

function transfer(over: Partial<TransferRecord> = {}): TransferRecord {
  return {
    database: 0,
    user: 1,
    seq: 4,
    legs: [{ account: 0, delta: -30 }, { account: 1, delta: 30 }],
    outcome: "committed",
    startedAtSec: 1,
    endedAtSec: 1.2,
    ...over,
  };
}

function read(balances: number[], over: Partial<BalanceRead> = {}): BalanceRead {
  return {
    database: 0,
    user: 2,
    seq: 9,
    startedAtSec: 1.1,
    endedAtSec: 1.15,
    balances: balances.map((b, i) => [i, b]),
    expectedTotal: 1000 * balances.length,
    accounts: balances.length,
    ...over,
  };
}

Deno.test("readProblems() is silent on a read that holds the invariant and names each fault", () => {
  assert.deepEqual(readProblems(read([970, 1030, 1000])), []);
  assert.deepEqual(readProblems(read([970, 1000, 1000])), [
    "balances sum to 2970, expected 3000",
  ]);
  assert.deepEqual(readProblems(read([-10, 2010, 1000])), ["account 0 is negative (-10)"]);
  assert.deepEqual(readProblems(read([1500, 1500], { accounts: 3, expectedTotal: 3000 })), [
    "2 accounts read, expected 3",
  ]);
});

Deno.test("reconcile() is exact with the committed deltas, and tries in-doubt transfers both ways", () => {
  const committed = new Map([[0, -30], [1, 30]]);
  const balances = new Map([[0, 970], [1, 1030], [2, 1000]]);
  assert.equal(reconcile(3, balances, committed, []).exact, true);
  // An in-doubt transfer that did not apply, and one that did: both explained.
  const doubt = transfer({ legs: [{ account: 2, delta: -5 }, { account: 0, delta: 5 }] });
  assert.equal(reconcile(3, balances, committed, [doubt]).inDoubtApplied, 0);
  const applied = new Map([[0, 975], [1, 1030], [2, 995]]);
  const both = reconcile(3, applied, committed, [doubt]);
  assert.equal(both.exact, true);
  assert.equal(both.inDoubtApplied, 1);
});

Deno.test("reconcile() names the accounts a lost or doubled transfer leaves wrong", () => {
  const committed = new Map([[0, -30], [1, 30]]);
  const lost = reconcile(3, new Map([[0, 1000], [1, 1000], [2, 1000]]), committed, []);
  assert.equal(lost.exact, false);
  assert.equal(lost.total, 3000);
  assert.deepEqual(lost.mismatches, [
    { account: 0, expected: 970, actual: 1000 },
    { account: 1, expected: 1030, actual: 1000 },
  ]);
  const missing = reconcile(2, new Map([[0, 970]]), committed, []);
  assert.deepEqual(missing.mismatches, [{ account: 1, expected: 1030, actual: null }]);
  const many = Array.from({ length: MAX_IN_DOUBT_EXACT + 1 }, () => transfer());
  assert.equal(reconcile(2, new Map([[0, 970], [1, 1030]]), committed, many).searched, false);
});

Deno.test("LedgerStats keeps a violation with the transfers that overlapped it, whichever tick brings them", () => {
  const stats = new LedgerStats();
  const early = transfer({ seq: 1, startedAtSec: 1.0, endedAtSec: 1.12 });
  const before = transfer({ seq: 2, startedAtSec: 0.1, endedAtSec: 0.2 });
  const otherDb = transfer({ seq: 3, database: 1 });
  stats.add({
    transfers: [early, before, otherDb],
    reads: 2,
    violations: [{ ...read([900, 1000]), problems: ["balances sum to 1900, expected 2000"] }],
    violationsDropped: 0,
    rangeChecks: 0,
    rangeMismatches: [],
    faults: [],
  });
  const late = transfer({ seq: 5, user: 3, startedAtSec: 1.14, endedAtSec: 1.5 });
  stats.add({
    transfers: [late],
    reads: 0,
    violations: [],
    violationsDropped: 0,
    rangeChecks: 0,
    rangeMismatches: [],
    faults: [],
  });
  const totals = stats.totals();
  assert.equal(totals.reads, 2);
  assert.equal(totals.violations, 1);
  assert.equal(totals.firstViolations[0].total, 1900);
  assert.deepEqual(totals.firstViolations[0].inFlight.map((t) => t.seq), [1, 5]);
  assert.deepEqual(stats.committed(0), new Map([[0, -90], [1, 90]]));
  assert.equal(totals.transfers.committed, 4);
});

Deno.test("OpStats counts a 40001 abort in the kind's ops and aborted, never in failures", () => {
  const stats = new OpStats();
  stats.begin({
    user: 1,
    seq: 0,
    kind: "Transfer",
    table: "accounts",
    rows: 0,
    startedAtSec: 0,
    sql: "",
  });
  stats.recordAborted(1, "Transfer", 3);
  const tally = stats.tick();
  assert.equal(tally.byOp.Transfer.ops, 1);
  assert.equal(tally.byOp.Transfer.aborted, 1);
  assert.equal(tally.byOp.Transfer.failures, 0);
  assert.deepEqual(tally.users[1], { ops: 1, failures: 0 });
  assert.equal(tally.schedule[0].aborted, true);
  assert.deepEqual(tally.failures, []);
});

Deno.test("ledgerFindings() is silent on a clean ledger and fails the run on a broken one", () => {
  const clean = {
    accounts: 2,
    invariant: 2000,
    transfers: {
      committed: 1,
      "rolled-back": 0,
      declined: 0,
      aborted: 0,
      failed: 0,
      "in-doubt": 0,
    },
    reads: 3,
    violations: 0,
    firstViolations: [],
    inDoubt: [],
    rangeChecks: 0,
    rangeMismatchCount: 0,
    rangeMismatches: [],
    faults: [],
    check: {
      checked: true,
      skipped: null,
      databases: [{
        database: 0,
        expectedTotal: 2000,
        error: null,
        total: 2000,
        exact: true,
        inDoubtApplied: 0,
        inDoubt: 0,
        searched: true,
        mismatches: [],
      }],
    },
  };
  assert.deepEqual(ledgerFindings(clean, 10), []);
  const verdict = (findings: { kind: string }[]) =>
    exitCodeOf({
      stopReason: "DurationElapsed",
      integrity: { mismatches: 0 },
      thresholds: [],
      findings: findings as never,
    });
  assert.equal(verdict(ledgerFindings(clean, 10)), EXIT.ok);
  const off = structuredClone(clean);
  off.check.databases[0] = {
    ...off.check.databases[0],
    total: 2007,
    exact: false,
    mismatches: [{ account: 1, expected: 1000, actual: 1007 }] as never[],
  };
  const found = ledgerFindings(off, 10);
  assert.deepEqual(found.map((f) => f.kind), ["invariant-broken", "lost-update"]);
  assert.match(found[1].description, /account 1 holds 1,007, expected 1,000/);
  // Wrong data fails the run as lost writes, with or without --fail-on-findings.
  assert.equal(verdict(found), EXIT.dataIntegrity);
});

Deno.test("the report's ledger card and the text summary's ledger line, clean and broken; none without", () => {
  const clean = {
    accounts: 16,
    invariant: 16000,
    transfers: {
      committed: 354,
      "rolled-back": 45,
      declined: 0,
      aborted: 43,
      failed: 0,
      "in-doubt": 0,
    },
    reads: 248,
    violations: 0,
    firstViolations: [],
    inDoubt: [],
    rangeChecks: 0,
    rangeMismatchCount: 0,
    rangeMismatches: [],
    faults: [],
    check: { checked: true, skipped: null, databases: [] },
  };
  const none = summaryFixture();
  assert.doesNotMatch(reportHtml(none), /<h2>Ledger<\/h2>/);
  assert.doesNotMatch(summaryText(none), /Ledger:/);
  const html = reportHtml(summaryFixture({ ledger: clean }));
  assert.match(html, /<h2>Ledger<\/h2>/);
  assert.match(html, /invariant held in 248 reads/);
  assert.match(html, /9\.7%/, "aborted share of 442 transfers");
  assert.match(
    summaryText(summaryFixture({ ledger: clean })),
    /Ledger: +354 committed, 45 rolled back, 0 declined, 43 aborted \(9\.7%\), 0 failed, 0 in doubt; invariant held in 248 reads; final balances exact/,
  );
  const violation = {
    ...read([1000, 1007]),
    total: 2007,
    problems: ["balances sum to 2007, expected 2000"],
    inFlight: [transfer({ user: 5, seq: 12 })],
  };
  const broken = { ...clean, violations: 3, firstViolations: [violation] };
  const page = reportHtml(summaryFixture({ ledger: broken }));
  assert.match(page, /invariant broken in 3 of 248 reads/);
  assert.match(page, /First violation<\/h3><p>User 2, seq 9, database 0/);
  assert.match(page, /0 -30, 1 \+30/);
  assert.match(
    summaryText(summaryFixture({ ledger: broken })),
    /INVARIANT BROKEN in 3 of 248 reads/,
  );
});

Deno.test("a threshold can bound a kind's aborts: Transfer.aborted and Transfer.aborted_rate", () => {
  const summary = summaryFixture();
  summary.byOp.Transfer = { ...summary.byOp.Transfer, count: 200, aborted: 30 };
  const values = metricValues(summary);
  assert.equal(values["Transfer.aborted"], 30);
  assert.equal(values["Transfer.aborted_rate"], 0.15);
  assert.equal(values["ReadBalances.aborted_rate"], null, "no operation, no rate");
});
