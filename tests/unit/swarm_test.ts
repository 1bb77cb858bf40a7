import assert from "node:assert/strict";
import { type SwarmBounds, swarmDraw } from "../../src/sweep/swarm.ts";
import { isCheckableMix, OP_KINDS } from "../../src/workload/op_table.ts";

const BOUNDS: SwarmBounds = {
  opKinds: OP_KINDS,
  inserterUsers: 4,
  queryUsers: 3,
  mixedUsers: 2,
  batchMin: 100,
  batchMax: 10_000,
  thinkMinMs: 10,
  thinkMaxMs: 200,
};

Deno.test("swarmDraw() is a function of the seed: the same seed draws the same settings", () => {
  for (const seed of [0, 1, 42, 4_294_967_295]) {
    assert.deepEqual(swarmDraw(seed, BOUNDS), swarmDraw(seed, BOUNDS));
  }
  const draws = new Set(Array.from({ length: 50 }, (_, s) => JSON.stringify(swarmDraw(s, BOUNDS))));
  assert.ok(draws.size > 40, `only ${draws.size} different draws in 50 seeds`);
});

Deno.test("swarmDraw() stays within the bounds and keeps a checkable mix and a user", () => {
  for (let seed = 0; seed < 500; seed++) {
    const d = swarmDraw(seed, BOUNDS);
    assert.ok(isCheckableMix(d.opKinds), JSON.stringify(d.opKinds));
    assert.ok(d.opKinds.every((k) => OP_KINDS.includes(k)));
    assert.ok(d.inserterUsers <= 4 && d.queryUsers <= 3 && d.mixedUsers <= 2);
    assert.ok(d.inserterUsers + d.queryUsers + d.mixedUsers >= 1);
    assert.ok(100 <= d.batchMin && d.batchMin <= d.batchMax && d.batchMax <= 10_000);
    assert.ok(10 <= d.thinkMinMs && d.thinkMinMs <= d.thinkMaxMs && d.thinkMaxMs <= 200);
  }
});

Deno.test("swarmDraw() leaves some kinds out of some runs, so each kind gets runs without it", () => {
  const without = Object.fromEntries(OP_KINDS.map((k) => [k, 0]));
  for (let seed = 0; seed < 200; seed++) {
    const kinds = swarmDraw(seed, BOUNDS).opKinds;
    for (const k of OP_KINDS) if (!kinds.includes(k)) without[k]++;
  }
  for (const k of OP_KINDS) assert.ok(without[k] > 20, `${k} left out of ${without[k]} runs`);
});

Deno.test("swarmDraw() keeps a configured mix that has no choice to make", () => {
  const bounds = { ...BOUNDS, opKinds: ["BulkInsert", "SimpleSelect"] as const };
  for (let seed = 0; seed < 20; seed++) {
    assert.deepEqual(swarmDraw(seed, bounds).opKinds, ["BulkInsert", "SimpleSelect"]);
  }
});

Deno.test("swarmDraw() draws the ledger's kinds like any other, and ledger users within bounds", () => {
  let transfers = 0;
  let ledgerUsers = 0;
  for (let seed = 0; seed < 200; seed++) {
    const d = swarmDraw(seed, { ...BOUNDS, opKinds: undefined, ledgerUsers: 3 });
    if (d.opKinds.includes("Transfer")) transfers++;
    assert.ok(d.ledgerUsers >= 0 && d.ledgerUsers <= 3);
    ledgerUsers += d.ledgerUsers;
  }
  assert.ok(transfers > 60 && transfers < 140, `${transfers} of 200 draws kept Transfer`);
  assert.ok(ledgerUsers > 0);
  assert.equal(swarmDraw(1, BOUNDS).ledgerUsers, 0, "no ledger users unless the bounds allow");
});
