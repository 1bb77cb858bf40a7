import assert from "node:assert/strict";
import { join } from "node:path";
import { databaseTables } from "../../src/workload/layout.ts";
import { DEFAULT_OP_KINDS, OP_KINDS } from "../../src/workload/op_table.ts";
import { planOps, SequenceDigest } from "../../src/workload/planner.ts";
import { readReplay } from "../../src/config/replay.ts";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { readSummary } from "../helpers/quick_run.ts";

const SHORT_RUN = [
  "--seed=7",
  "--databases=2",
  "--inserter-users=1",
  "--query-users=1",
  "--mixed-users=1",
  "--think-min-ms=0",
  "--think-max-ms=5",
  "--batch-min=10",
  "--batch-max=400",
  "--log-interval=1",
  "--progress-interval=0",
];

Deno.test("a short seeded run does every operation kind of the default mix without failures and loses no writes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hyperstress-run-" });
  try {
    const run = await runCli(
      ["stress", "--duration=12", `--output-dir=${dir}`, ...SHORT_RUN],
      hyperdEnv(),
    );
    assert.equal(run.code, 0, run.stderr);
    const summary = await readSummary(dir);
    assert.equal(summary.schemaVersion, 1);
    assert.equal(summary.stopReason, "DurationElapsed");
    assert.equal(summary.totals.failures, 0, JSON.stringify(summary.errors));
    for (const kind of DEFAULT_OP_KINDS) assert.ok(summary.byOp[kind].count > 0, `no ${kind} ran`);
    // None of the kinds added since the seed rolls in the default mix: no ledger either.
    for (const kind of OP_KINDS.filter((k) => !DEFAULT_OP_KINDS.includes(k))) {
      assert.equal(summary.byOp[kind].count, 0, kind);
    }
    assert.equal(summary.ledger, null);
    const byOpTotal = OP_KINDS.reduce((n, k) => n + summary.byOp[k].count, 0);
    assert.equal(byOpTotal, summary.totals.ops);
    assert.equal(summary.users.reduce((n, u) => n + u.ops, 0), summary.totals.ops);
    assert.equal(
      summary.totals.insertedRows,
      summary.byOp.BulkInsert.rows + summary.byOp.SingleInsert.rows,
    );
    assert.ok(summary.totals.insertedRows > 0);
    assert.ok(
      summary.durationSec >= 12 && summary.durationSec < 20,
      `durationSec ${summary.durationSec}`,
    );
    assert.ok(summary.latencyMs.p50 > 0 && summary.latencyMs.p50 <= summary.latencyMs.p99);
    assert.ok(summary.latencyMs.p99 <= summary.latencyMs.max);

    assert.equal(summary.integrity.checked, true);
    assert.equal(summary.integrity.mismatches, 0);
    const replay = await readReplay(join(dir, "replay.json"));
    const tableCount = replay.databases.reduce(
      (n, d) => n + databaseTables(d.schemaSeed).length,
      0,
    );
    assert.equal(summary.integrity.tables.length, tableCount);
    const counted = summary.integrity.tables.reduce((n, t) => n + (t.actual ?? 0), 0);
    assert.equal(counted, 100 * tableCount + summary.totals.insertedRows);

    assert.equal(replay.globalSeed, 7);
    assert.equal(replay.stopReason, "DurationElapsed");
    assert.deepEqual(replay.users.map((u) => [u.id, u.class]), [[0, "inserter"], [1, "query"], [
      2,
      "mixed",
    ]]);
    assert.deepEqual(summary.users.map((u) => u.id), [0, 1, 2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a replayed run executes a prefix of the plan, and plan output is the same from settings and replay file", async () => {
  const first = await Deno.makeTempDir({ prefix: "hyperstress-run-" });
  const second = await Deno.makeTempDir({ prefix: "hyperstress-replay-" });
  try {
    const run = await runCli(
      ["stress", "--duration=4", `--output-dir=${first}`, ...SHORT_RUN],
      hyperdEnv(),
    );
    assert.equal(run.code, 0, run.stderr);
    const replayFile = join(first, "replay.json");

    // Flags other than duration and output dir are ignored by a replay.
    const replayed = await runCli(
      [
        "stress",
        `--replay-file=${replayFile}`,
        "--duration=4",
        `--output-dir=${second}`,
        "--seed=999",
        "--mixed-users=5",
      ],
      hyperdEnv(),
    );
    assert.equal(replayed.code, 0, replayed.stderr);
    const summary = await readSummary(second);
    assert.equal(summary.config.seed, 7);
    assert.equal(summary.users.length, 3);
    const replay = await readReplay(replayFile);
    for (const user of summary.users) {
      const spec = replay.users.find((u) => u.id === user.id)!;
      const tables = databaseTables(replay.databases[spec.database].schemaSeed);
      const digest = new SequenceDigest();
      for (const op of planOps(spec, tables, summary.config, user.ops)) digest.add(op);
      assert.ok(user.ops > 0);
      assert.equal(user.sequenceDigest, digest.hex(), `user ${user.id} strayed from its plan`);
    }

    const fromSettings = await runCli(["plan", ...SHORT_RUN, "--plan-ops=30", "--json"], {});
    const fromReplay = await runCli([
      "plan",
      `--replay-file=${replayFile}`,
      "--plan-ops=30",
      "--json",
    ], {});
    assert.equal(fromSettings.code, 0, fromSettings.stderr);
    assert.equal(fromReplay.code, 0, fromReplay.stderr);
    const plan = JSON.parse(fromSettings.stdout);
    assert.equal(plan.users.length, 3);
    assert.equal(plan.users[0].ops.length, 30);
    assert.deepEqual(JSON.parse(fromReplay.stdout), plan);
  } finally {
    await Deno.remove(first, { recursive: true });
    await Deno.remove(second, { recursive: true });
  }
});
