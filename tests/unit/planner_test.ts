import assert from "node:assert/strict";
import { databaseSpecs, databaseTables, userSpecs } from "../../src/workload/layout.ts";
import {
  DEFAULT_OP_KINDS,
  OP_KINDS,
  OP_PROBABILITIES,
  opMix,
  rollOp,
  SEED_OP_KINDS,
  SEED_PROBABILITIES,
} from "../../src/workload/op_table.ts";
import { planOps, SequenceDigest, UserPlanner } from "../../src/workload/planner.ts";

const settings = {
  batchMin: 100,
  batchMax: 10000,
  thinkMinMs: 10,
  thinkMaxMs: 200,
  queryComplexityMax: 3,
  opKinds: DEFAULT_OP_KINDS,
  accounts: 16,
};
const SEED_CLASSES = ["inserter", "query", "mixed"] as const;
const tables = databaseTables("planner-test");

Deno.test("UserPlanner honours each class's probability table (chi-square, 20k rolls)", () => {
  // Critical value of chi-square with 5 degrees of freedom at p = 0.001.
  const critical = 20.52;
  for (const userClass of SEED_CLASSES) {
    const rolls = 20_000;
    const ops = planOps(
      { id: 1, class: userClass, seed: `stat-${userClass}`, database: 0 },
      tables,
      settings,
      rolls,
    );
    let chi = 0;
    for (const kind of SEED_OP_KINDS) {
      const expected = rolls * SEED_PROBABILITIES[userClass][kind];
      const observed = ops.filter((op) => op.kind === kind).length;
      chi += (observed - expected) ** 2 / expected;
    }
    assert.ok(chi < critical, `${userClass}: chi-square ${chi.toFixed(2)} >= ${critical}`);
  }
});

Deno.test("every class's probabilities sum to 1", () => {
  for (const userClass of SEED_CLASSES) {
    const sum = SEED_OP_KINDS.reduce((s, k) => s + SEED_PROBABILITIES[userClass][k], 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, `${userClass} sums to ${sum}`);
  }
});

Deno.test("UserPlanner gives the same sequence for the same seed and another for another seed", () => {
  const user = { id: 3, class: "mixed" as const, seed: "42:user:3", database: 0 };
  const a = planOps(user, tables, settings, 200);
  const b = planOps(user, tables, settings, 200);
  const c = planOps({ ...user, seed: "43:user:3" }, tables, settings, 200);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

Deno.test("UserPlanner draws parameters within the settings", () => {
  const narrow = {
    batchMin: 5,
    batchMax: 7,
    thinkMinMs: 1,
    thinkMaxMs: 2,
    queryComplexityMax: 2,
    opKinds: DEFAULT_OP_KINDS,
    accounts: 16,
  };
  const ops = planOps(
    { id: 0, class: "inserter", seed: "bounds", database: 0 },
    tables,
    narrow,
    2000,
  );
  for (const op of ops) {
    if (op.kind === "BulkInsert") assert.ok(op.rows >= 5 && op.rows <= 7);
    assert.ok(op.thinkMs >= 1 && op.thinkMs <= 2);
    assert.ok(op.complexity >= 1 && op.complexity <= 2);
    assert.ok(op.table >= 0 && op.table < tables.length);
    assert.notEqual(op.joinTables[0], op.table, "a join reads a second table");
  }
  assert.ok(ops.some((op) => op.complexity === 2));
});

Deno.test("SchemaDdl plans create before alter and drop, on the user's own scratch table", () => {
  const ops = planOps({ id: 7, class: "query", seed: "ddl", database: 0 }, tables, settings, 3000)
    .filter((op) => op.kind === "SchemaDdl");
  assert.ok(ops.length > 50);
  let exists = false;
  for (const op of ops) {
    assert.match(op.ddl!.table, /^scratch_u7_\d+$/);
    if (op.ddl!.action === "create") assert.equal(exists, false);
    else assert.equal(exists, true, `${op.ddl!.action} needs an existing table`);
    exists = op.ddl!.action !== "drop";
  }
});

Deno.test("layout derives 2 to 5 tables per database and spreads users round-robin", () => {
  for (const db of databaseSpecs(99, 20)) {
    const count = databaseTables(db.schemaSeed).length;
    assert.ok(count >= 2 && count <= 5);
  }
  const users = userSpecs(99, { inserter: 4, query: 3, mixed: 2 }, 3);
  assert.deepEqual(users.map((u) => u.class), [
    ...Array(4).fill("inserter"),
    ...Array(3).fill("query"),
    ...Array(2).fill("mixed"),
  ]);
  assert.deepEqual(users.map((u) => u.database), [0, 1, 2, 0, 1, 2, 0, 1, 2]);
  assert.equal(new Set(users.map((u) => u.seed)).size, 9);
});

Deno.test("SequenceDigest of a prefix equals the digest of the same operations planned again", () => {
  const user = { id: 1, class: "inserter" as const, seed: "digest", database: 0 };
  const planner = new UserPlanner(user, tables, settings);
  const digest = new SequenceDigest();
  for (let i = 0; i < 37; i++) digest.add(planner.next());
  const again = new SequenceDigest();
  for (const op of planOps(user, tables, settings, 37)) again.add(op);
  assert.equal(digest.hex(), again.hex());
});

Deno.test("rollOp() keeps the full table to the last bit, and rolls only enabled kinds when given", () => {
  for (let i = 0; i < 1000; i++) {
    const u = i / 1000;
    assert.equal(rollOp("mixed", u, DEFAULT_OP_KINDS), rollOp("mixed", u));
  }
  const enabled = ["BulkInsert", "SimpleSelect"] as const;
  const counts = { BulkInsert: 0, SimpleSelect: 0 } as Record<string, number>;
  for (let i = 0; i < 10_000; i++) counts[rollOp("mixed", i / 10_000, enabled)]++;
  assert.deepEqual(Object.keys(counts).sort(), ["BulkInsert", "SimpleSelect"]);
  // mixed: BulkInsert 0.35, SimpleSelect 0.20, renormalised to 0.636 and 0.364.
  assert.ok(Math.abs(counts.BulkInsert / 10_000 - 0.35 / 0.55) < 0.01, String(counts.BulkInsert));
});

Deno.test("opMix() gives each class's table with only the enabled kinds, summing to 1", () => {
  for (const c of SEED_CLASSES) {
    const all = opMix(c);
    const none = Object.fromEntries(OP_KINDS.map((k) => [k, 0]));
    assert.deepEqual(all, { ...none, ...SEED_PROBABILITIES[c] });
  }
  const two = opMix("query", ["SimpleSelect", "BulkInsert"]);
  assert.equal(two.Aggregate, 0);
  assert.ok(Math.abs(two.SimpleSelect - 0.40 / 0.45) < 1e-12);
  assert.ok(Math.abs(Object.values(two).reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

Deno.test("a user with kept ops sends exactly those seqs, each with its original parameters", () => {
  const user = { id: 4, class: "mixed" as const, seed: "kept", database: 0 };
  const all = planOps(user, tables, settings, 40);
  const kept = [0, 3, 4, 17, 39];
  const cut = planOps({ ...user, ops: kept }, tables, settings, 1000);
  assert.deepEqual(cut, kept.map((seq) => all[seq]), "ops rolled between are passed over");
  // The plan digest of the kept ops is the same however often they are planned.
  const digest = (ops: typeof cut) => {
    const d = new SequenceDigest();
    for (const op of ops) d.add(op);
    return d.hex();
  };
  assert.equal(digest(cut), digest(planOps({ ...user, ops: kept }, tables, settings, 5)));
  const planner = new UserPlanner({ ...user, ops: kept }, tables, settings);
  for (let i = 0; i < kept.length; i++) planner.next();
  assert.throws(() => planner.next(), /user 4 has no kept operation after 39/);
});

Deno.test("the seed's default mix plans exactly as before the ledger (pinned sequence digest)", () => {
  // Pinned from the planner before the ledger's kinds existed (commit d0efb15): 500 operations of
  // each of the default nine users. A change here changes every replay of a default run.
  const users = userSpecs(12345, { inserter: 4, query: 3, mixed: 2 }, 3);
  const dbs = databaseSpecs(12345, 3);
  for (const [opKinds, label] of [[undefined, "unset"], [SEED_OP_KINDS, "the six"]] as const) {
    const one = new SequenceDigest();
    for (const user of users) {
      const ops = planOps(user, databaseTables(dbs[user.database].schemaSeed), {
        ...settings,
        opKinds,
      }, 500);
      for (const op of ops) one.add(op);
    }
    assert.equal(
      one.hex(),
      "6fdd62156eedbf6921470a94cecd93ef814170cccbbf8ee6e10c5966743d30f5",
      `--ops ${label}`,
    );
  }
});

Deno.test("ledger users roll Transfer and ReadBalances by default; --ops reaches the seed's classes", () => {
  const ledger = planOps({ id: 9, class: "ledger", seed: "ledger", database: 0 }, tables, {
    ...settings,
    opKinds: undefined,
  }, 2000);
  const kinds = new Set(ledger.map((op) => op.kind));
  assert.deepEqual([...kinds].sort(), ["ReadBalances", "Transfer"]);
  const mixed = planOps({ id: 1, class: "mixed", seed: "m", database: 0 }, tables, {
    ...settings,
    opKinds: ["BulkInsert", "SimpleSelect", "Transfer", "ReadBalances"],
  }, 2000);
  assert.ok(mixed.some((op) => op.kind === "Transfer"));
  assert.ok(mixed.some((op) => op.kind === "ReadBalances"));
  assert.ok(mixed.every((op) => op.kind !== "Aggregate"));
  assert.ok(OP_KINDS.every((k) => opMix("ledger", OP_KINDS)[k] > 0), "every kind reachable");
});

Deno.test("a planned transfer moves money between distinct accounts and sums to zero", () => {
  const ops = planOps({ id: 9, class: "ledger", seed: "legs", database: 0 }, tables, {
    ...settings,
    opKinds: ["Transfer", "ReadBalances"],
    accounts: 5,
  }, 3000).filter((op) => op.kind === "Transfer");
  let three = 0;
  let rollbacks = 0;
  for (const op of ops) {
    const legs = op.transfer!.legs;
    assert.equal(legs.reduce((sum, leg) => sum + leg.delta, 0), 0);
    assert.ok(legs[0].delta < 0, "the debit comes first");
    assert.equal(new Set(legs.map((l) => l.account)).size, legs.length);
    assert.ok(legs.every((l) => l.account >= 0 && l.account < 5));
    if (legs.length === 3) three++;
    if (op.transfer!.rollback) rollbacks++;
  }
  // 25% three-way, 10% rollback: far from both ends in ~2000 transfers.
  assert.ok(three > ops.length * 0.18 && three < ops.length * 0.32, `${three}/${ops.length}`);
  assert.ok(rollbacks > ops.length * 0.06 && rollbacks < ops.length * 0.14, String(rollbacks));
  // Only transfers carry a plan: the seed's kinds serialise exactly as before.
  const reads = planOps({ id: 9, class: "ledger", seed: "legs", database: 0 }, tables, {
    ...settings,
    opKinds: ["Transfer", "ReadBalances"],
  }, 50).filter((op) => op.kind === "ReadBalances");
  assert.ok(reads.length > 0 && reads.every((op) => !("transfer" in op)));
});

Deno.test("the default mix rolls exactly the plans it rolled before GeneratedQuery existed", () => {
  // Digest of 30,000 planned operations, computed at 0d44012 (six kinds only) and unchanged.
  const pinned = databaseTables("pin");
  const digest = new SequenceDigest();
  for (const c of SEED_CLASSES) {
    for (let i = 0; i < 5; i++) {
      const user = { id: i, class: c, seed: `pin:${c}:${i}`, database: 0 };
      for (const op of planOps(user, pinned, settings, 2000)) digest.add(op);
    }
  }
  assert.equal(digest.hex(), "f6ca2d02ff81af23c96136837fe6d8661ff6a89768e04f4b31e639cfcb6b074d");
});

Deno.test("GeneratedQuery is rolled only when enabled, at its weight among the enabled kinds", () => {
  const user = { id: 1, class: "query" as const, seed: "gq", database: 0 };
  assert.ok(planOps(user, tables, settings, 5000).every((op) => op.kind !== "GeneratedQuery"));
  const all = planOps(user, tables, { ...settings, opKinds: OP_KINDS }, 5000);
  const share = all.filter((op) => op.kind === "GeneratedQuery").length / all.length;
  const expected = OP_PROBABILITIES.query.GeneratedQuery /
    OP_KINDS.reduce((s, k) => s + OP_PROBABILITIES.query[k], 0);
  assert.ok(Math.abs(share - expected) < 0.03, `${share} vs ${expected}`);
});
