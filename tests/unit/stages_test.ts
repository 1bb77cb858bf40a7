import assert from "node:assert/strict";
import { LoadCurve, parseStages, type Stage } from "../../src/workload/stages.ts";
import { activeUsers, rampRanks } from "../../src/workload/user_ramp.ts";
import { userSpecs } from "../../src/workload/layout.ts";

Deno.test("parseStages() reads durations in ms, s, m and h (s without a unit) and says what is wrong", () => {
  assert.deepEqual(parseStages("30s:50, 1m:200,500ms:0,2:7.5,1h:1"), [
    { durationSec: 30, target: 50 },
    { durationSec: 60, target: 200 },
    { durationSec: 0.5, target: 0 },
    { durationSec: 2, target: 7.5 },
    { durationSec: 3600, target: 1 },
  ]);
  for (const bad of ["", "30s", "30s:-1", "x:5", "30d:5", "30s:50,"]) {
    const parsed = parseStages(bad);
    assert.equal(typeof parsed, "string", bad);
    assert.match(parsed as string, /^expected stages like "30s:50,60s:200,30s:0"/);
  }
});

Deno.test("LoadCurve interpolates linearly between the targets and holds the last", () => {
  const curve = new LoadCurve(10, parseStages("30s:50,60s:200,30s:0") as Stage[]);
  assert.equal(curve.endSec, 120);
  assert.equal(curve.valueAt(0), 10);
  assert.equal(curve.valueAt(15), 30);
  assert.equal(curve.valueAt(30), 50);
  assert.equal(curve.valueAt(60), 125);
  assert.equal(curve.valueAt(90), 200);
  assert.equal(curve.valueAt(105), 100);
  assert.equal(curve.valueAt(120), 0);
  assert.equal(curve.valueAt(500), 0);
  // A 0-second stage jumps at once; without stages the start value holds.
  const jump = new LoadCurve(5, parseStages("0s:80,10s:80") as Stage[]);
  assert.equal(jump.valueAt(0), 80);
  assert.equal(new LoadCurve(40).valueAt(1234), 40);
});

Deno.test("LoadCurve's area and the time it reaches an area are inverses", () => {
  const curve = new LoadCurve(10, parseStages("30s:50,0s:20,60s:200,30s:0") as Stage[]);
  // Trapezoids: 900, 6600, 3000.
  assert.equal(curve.areaTo(30), 900);
  assert.equal(curve.areaTo(90), 900 + 6600);
  assert.equal(curve.areaTo(120), 900 + 6600 + 3000);
  for (let area = 0.5; area < 10_500; area += 97.3) {
    const sec = curve.timeForArea(area);
    assert.ok(Math.abs(curve.areaTo(sec) - area) < 1e-6, `area ${area} at ${sec}`);
  }
  assert.equal(curve.timeForArea(10_501), Infinity, "the rate stays at 0 after the stages");
  assert.equal(new LoadCurve(4).timeForArea(10), 2.5);
});

Deno.test("rampRanks() lets users in with the class mix kept, and activeUsers() rounds and clamps", () => {
  const users = userSpecs(1, { inserter: 4, query: 2, mixed: 2 }, 1);
  const ranks = rampRanks(users);
  assert.deepEqual(Object.values(ranks).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]);
  const order = users.slice().sort((a, b) => ranks[a.id] - ranks[b.id]).map((u) => u.class);
  // Any first half holds half of each class.
  const half = order.slice(0, 4);
  assert.equal(half.filter((c) => c === "inserter").length, 2);
  assert.equal(half.filter((c) => c === "query").length, 1);
  assert.equal(half.filter((c) => c === "mixed").length, 1);
  const curve = new LoadCurve(0, parseStages("10s:8,10s:20") as Stage[]);
  assert.equal(activeUsers(curve, 0, 8), 0);
  assert.equal(activeUsers(curve, 5, 8), 4);
  assert.equal(activeUsers(curve, 5.6, 8), 4);
  assert.equal(activeUsers(curve, 5.7, 8), 5);
  assert.equal(activeUsers(curve, 15, 8), 8, "never more than the users there are");
});
