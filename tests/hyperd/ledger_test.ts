/**
 * The ledger on a real hyperd: a clean run holds the invariant in every read and at the end with
 * 40001 conflicts counted as aborts; and the checks name each fault made on purpose (a balance
 * changed behind the tool's back, a committed transfer undone, a transfer applied twice).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readReplay } from "../../src/config/replay.ts";
import { setUpDatabases } from "../../src/run/database_setup.ts";
import { checkLedger } from "../../src/run/ledger_check.ts";
import { ledgerFindings } from "../../src/results/ledger_findings.ts";
import { LedgerStats } from "../../src/stats/ledger_stats.ts";
import { OpStats } from "../../src/stats/op_stats.ts";
import { SharedFlags } from "../../src/users/shared_flags.ts";
import { runUser } from "../../src/users/user_loop.ts";
import { connect, type HyperConnection } from "../../src/wire/connection.ts";
import { HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import { databaseTables } from "../../src/workload/layout.ts";
import { invariantTotal, type TransferRecord } from "../../src/workload/ledger.ts";
import { planOps, SequenceDigest } from "../../src/workload/planner.ts";
import { OwnedModel } from "../../src/workload/owned_model.ts";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { withHyperd } from "../helpers/hyperd.ts";
import { LiveRun } from "../helpers/live_run.ts";
import { readSummary } from "../helpers/quick_run.ts";
import { withStandaloneHyperd } from "../helpers/standalone_hyperd.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

/** Eight ledger users on one database of 16 accounts, with little think time: many conflicts. */
const LEDGER_RUN = [
  "--seed=30",
  "--databases=1",
  "--inserter-users=0",
  "--query-users=0",
  "--mixed-users=0",
  "--ledger-users=8",
  "--accounts=16",
  "--think-min-ms=0",
  "--think-max-ms=20",
  "--progress-interval=1",
];

Deno.test("a ledger run counts 40001 as aborts, fails nothing, holds the invariant and ends exact; a replay follows every user's plan", async () => {
  await withTempDir(async (dir) => {
    const first = join(dir, "first");
    const run = await runCli(
      ["stress", "--duration=15", `--output-dir=${first}`, ...LEDGER_RUN],
      hyperdEnv(),
    );
    assert.equal(run.code, 0, run.stderr);
    const summary = await readSummary(first);
    const ledger = summary.ledger!;
    assert.equal(summary.totals.failures, 0, JSON.stringify(summary.errors.slice(0, 3)));
    assert.deepEqual(summary.findings, []);
    // Conflicts happen at this load (hundreds in 15 s on a 2-core machine); each is an abort.
    assert.ok((summary.byOp.Transfer.aborted ?? 0) > 0, "no 40001 conflict in 15 s");
    assert.equal(summary.byOp.Transfer.aborted, ledger.transfers.aborted);
    assert.equal(summary.byOp.Transfer.failures, 0);
    assert.ok(ledger.transfers.committed > 0 && ledger.transfers["rolled-back"] > 0);
    const transfers = Object.values(ledger.transfers).reduce((a, b) => a + b, 0);
    assert.equal(transfers, summary.byOp.Transfer.count);
    assert.equal(ledger.reads, summary.byOp.ReadBalances.count);
    assert.ok(ledger.reads > 0);
    assert.equal(ledger.violations, 0);
    assert.equal(ledger.invariant, invariantTotal(16));
    assert.equal(ledger.check.checked, true);
    for (const db of ledger.check.databases) {
      assert.equal(db.exact, true, JSON.stringify(db));
      assert.equal(db.total, 16_000);
    }
    assert.match(run.stdout + run.stderr, /aborted/);

    // The replay rolls the same operations: each user's digest is that of its plan.
    const second = join(dir, "second");
    const replayFile = join(first, "replay.json");
    const again = await runCli(
      ["stress", `--replay-file=${replayFile}`, "--duration=4", `--output-dir=${second}`],
      hyperdEnv(),
    );
    assert.equal(again.code, 0, again.stderr);
    const replayed = await readSummary(second);
    const replay = await readReplay(replayFile);
    assert.equal(replayed.users.length, 8);
    for (const user of replayed.users) {
      const spec = replay.users.find((u) => u.id === user.id)!;
      assert.equal(spec.class, "ledger");
      const tables = databaseTables(replay.databases[spec.database].schemaSeed);
      const digest = new SequenceDigest();
      const ops = planOps(spec, tables, replayed.config, user.ops);
      for (const op of ops) digest.add(op);
      assert.ok(ops.some((op) => op.kind === "Transfer" && op.transfer!.legs.length >= 2));
      assert.equal(user.sequenceDigest, digest.hex(), `user ${user.id} strayed from its plan`);
    }
    const plan = await runCli(
      ["plan", `--replay-file=${replayFile}`, "--plan-ops=5", "--json"],
      {},
    );
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /"kind": "Transfer"[\s\S]*"legs"/);
    // The table plan prints names the transfer's statements.
    const table = await runCli(["plan", `--replay-file=${replayFile}`, "--plan-ops=5"], {});
    assert.match(table.stdout, /Transfer +db_0\.accounts +BEGIN; UPDATE "accounts"/);
  });
});

Deno.test("a balance changed behind the tool's back is invariant-broken, with the read and the transfers in flight", async () => {
  await withStandaloneHyperd(async (hyperd, dir) => {
    const out = join(dir, "out");
    const run = new LiveRun([
      "stress",
      `--endpoint=${hyperd.endpoint}`,
      "--duration=10",
      `--output-dir=${out}`,
      ...LEDGER_RUN.map((a) => a === "--ledger-users=8" ? "--ledger-users=4" : a),
    ]);
    // Once users run (a progress line with operations), and well before the end.
    await run.waitFor(/\[\d\/10s\]\s+[1-9]/);
    // Money from nowhere, committed on its own; a transfer holding the row makes it retry.
    const conn = connect({ host: "127.0.0.1", port: hyperd.port }, join(out, "db_0.hyper"));
    try {
      for (let tries = 0;; tries++) {
        try {
          await conn.sql.unsafe(`UPDATE "accounts" SET "balance" = "balance" + 7 WHERE "id" = 3`);
          break;
        } catch (error) {
          if ((error as { code?: string }).code !== "40001" || tries > 100) throw error;
        }
      }
    } finally {
      await conn.sql.end();
    }
    assert.equal(await run.code(), 5, run.stderr);
    const summary = await readSummary(out);
    const ledger = summary.ledger!;
    assert.ok(ledger.violations > 0, "no read saw the extra money");
    const read = ledger.firstViolations[0];
    assert.equal(read.total, 16_007);
    assert.ok(read.problems.includes("balances sum to 16007, expected 16000"), read.problems[0]);
    assert.equal(read.balances.length, 16);
    assert.ok(Array.isArray(read.inFlight));
    const kinds = summary.findings.map((f) => f.kind);
    assert.ok(kinds.includes("invariant-broken"), kinds.join());
    assert.ok(kinds.includes("lost-update"), kinds.join());
    const final = ledger.check.databases[0];
    assert.equal(final.total, 16_007);
    assert.deepEqual(final.mismatches.map((m) => [m.account, m.actual! - m.expected]), [[3, 7]]);
    assert.match(
      run.stdout,
      /FAILED: 2 broken ledger invariants, 1 ledger with lost updates \(exit 5\)/,
    );
  });
});

Deno.test("the end check names a committed transfer undone by hand, and one applied twice; a clean ledger passes", async () => {
  await withHyperd(async (hyperd, dir) => {
    const [database] = await setUpDatabases(hyperd, dir, [{
      index: 0,
      schemaSeed: "ledger",
      file: "db_0.hyper",
    }], 8);
    const flags = new SharedFlags();
    const stats = new OpStats();
    const settings = {
      batchMin: 1,
      batchMax: 1,
      thinkMinMs: 0,
      thinkMaxMs: 5,
      queryComplexityMax: 1,
      accounts: 8,
    };
    const runStartMs = performance.timeOrigin + performance.now();
    const users = [0, 1, 2].map((id) =>
      runUser({ id, class: "ledger", seed: `30:user:${id}`, database: 0, maxOps: 60 }, {
        endpoint: hyperd,
        database,
        settings,
        flags,
        stats,
        runStartMs,
        startAtMs: null,
        contextFor: (conn: HyperConnection) =>
          Promise.resolve({
            conn,
            tables: database.tables,
            copyEncoder: new HyperBinaryEncoder(),
            batches: new Map(),
            read: (sql: string) => conn.countRows(sql),
            readTransport: "libpq" as const,
            ledger: {
              user: id,
              database: 0,
              accounts: 8,
              nowSec: () => (performance.timeOrigin + performance.now() - runStartMs) / 1000,
              transfer: (record: TransferRecord) => stats.recordTransfer(record),
              read: (read) => stats.recordBalanceRead(read),
              rangeChecked: () => stats.recordRangeCheck(),
              rangeMismatch: (m) => stats.recordRangeMismatch(m),
              fault: (event) => stats.recordFault(event),
            },
            owned: new OwnedModel(),
            endpoint: hyperd,
            databasePath: database.path,
          }),
      })
    );
    const results = await Promise.all(users);
    assert.ok(results.every((r) => r.failures === 0), JSON.stringify(results));
    const ledger = new LedgerStats();
    const tally = stats.tick().ledger;
    ledger.add(tally);
    const totals = ledger.totals();
    assert.ok(totals.transfers.committed > 5, JSON.stringify(totals.transfers));
    assert.equal(totals.violations, 0);

    const check = () => checkLedger(hyperd, [database], 8, ledger);
    const clean = await check();
    assert.equal(clean.databases[0].exact, true, JSON.stringify(clean));
    assert.deepEqual(
      ledgerFindings({ ...totals, accounts: 8, invariant: 8000, check: clean }, 1),
      [],
    );

    // The last committed transfer, applied again in reverse by hand: undone.
    const transfer = tally.transfers.filter((t) => t.outcome === "committed").at(-1)!;
    const conn = connect(hyperd, database.path);
    const apply = async (sign: number) => {
      await conn.sql.unsafe("BEGIN");
      for (const leg of transfer.legs) {
        await conn.sql.unsafe(
          `UPDATE "accounts" SET "balance" = "balance" + ${sign * leg.delta} ` +
            `WHERE "id" = ${leg.account}`,
        );
      }
      await conn.sql.unsafe("COMMIT");
    };
    try {
      const expectedGap = (sign: number) =>
        transfer.legs.map((l) => [l.account, sign * l.delta]).sort((a, b) => a[0] - b[0]);
      await apply(-1);
      const undone = await check();
      const db = undone.databases[0];
      assert.equal(db.exact, false);
      assert.equal(db.total, 8000, "an undone transfer keeps the total: only the accounts show it");
      assert.deepEqual(
        db.mismatches.map((m) => [m.account, m.actual! - m.expected]),
        expectedGap(-1),
      );
      const found = ledgerFindings({ ...totals, accounts: 8, invariant: 8000, check: undone }, 1);
      assert.deepEqual(found.map((f) => f.kind), ["lost-update"]);
      assert.match(found[0].description, /miss the committed transfers: account \d+ holds/);

      // Put back, then applied a second time.
      await apply(1);
      await apply(1);
      const twice = (await check()).databases[0];
      assert.equal(twice.exact, false);
      assert.deepEqual(
        twice.mismatches.map((m) => [m.account, m.actual! - m.expected]),
        expectedGap(1),
      );
    } finally {
      await conn.sql.end();
    }
  });
});
