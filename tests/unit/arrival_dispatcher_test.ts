import assert from "node:assert/strict";
import { ArrivalDispatcher } from "../../src/users/arrival_dispatcher.ts";
import { ArrivalSchedule } from "../../src/workload/arrivals.ts";
import type { UserClass } from "../../src/workload/op_table.ts";
import { LoadCurve } from "../../src/workload/stages.ts";

type User = { id: number; class: UserClass; maxOps?: number };

/**
 * A dispatcher over constant arrivals at `rate`/s, all of class `only`, on a clock the test
 * sets: every arrival due by then goes out when it starts.
 */
function dispatcher(users: User[], rate: number, maxQueue: number, nowMs: number) {
  const sent: [number, number][] = [];
  const arrivals: { atSec: number; dropped: boolean; queued: number }[] = [];
  const only = users[0].class;
  const d = new ArrivalDispatcher({
    schedule: new ArrivalSchedule({
      seed: 1,
      rate: new LoadCurve(rate),
      process: "constant",
      classCounts: { inserter: 0, query: 0, mixed: 0, [only]: 1 },
    }),
    users,
    maxQueue,
    clockMs: () => nowMs,
    send: (user, arrivalMs) => sent.push([user, arrivalMs]),
    onArrival: (atSec, dropped, queued) => arrivals.push({ atSec, dropped, queued }),
  });
  return { d, sent, arrivals };
}

Deno.test("each arrival goes to the user free longest; the rest wait in the queue, then drop", () => {
  const users: User[] = [{ id: 3, class: "query" }, { id: 5, class: "query" }];
  // 100/s for 60 ms: arrivals due at 10, 20, ... 60 ms.
  const { d, sent, arrivals } = dispatcher(users, 100, 2, 60);
  d.start(0);
  d.stop();
  assert.deepEqual(sent, [[3, 10], [5, 20]]);
  assert.deepEqual(arrivals.map((a) => [a.atSec, a.dropped, a.queued]), [
    [0.01, false, 0],
    [0.02, false, 0],
    [0.03, false, 1],
    [0.04, false, 2],
    [0.05, true, 2],
    [0.06, true, 2],
  ]);
  assert.equal(d.busy, 2);
});

Deno.test("a freed user takes the oldest waiting arrival at once, else waits its turn", () => {
  const users: User[] = [{ id: 0, class: "mixed" }, { id: 1, class: "mixed" }];
  const { d, sent } = dispatcher(users, 100, 10, 50);
  d.start(0);
  assert.equal(d.queued, 3);
  d.free(1);
  d.free(0);
  assert.deepEqual(sent.slice(2), [[1, 30], [0, 40]]);
  d.free(1);
  d.free(0);
  d.free(1);
  assert.deepEqual(sent.slice(4), [[1, 50]]);
  assert.equal(d.queued, 0);
  assert.equal(d.busy, 0);
  assert.equal(d.stop(), 0);
});

Deno.test("stop() ends the arrivals and counts those still waiting; start waits for its origin", () => {
  const users: User[] = [{ id: 0, class: "inserter" }];
  const { d, sent } = dispatcher(users, 100, 10, 100);
  // The schedule's clock started at 70 ms: arrivals are due from 80 ms on.
  d.start(70);
  assert.deepEqual(sent, [[0, 80]]);
  assert.equal(d.originMs, 70);
  assert.equal(d.stop(), 2);
  d.free(0);
  assert.equal(sent.length, 1, "nothing is sent after the stop");
});

Deno.test("a start after the stop (workers ready only then) sends nothing and sets no timer", () => {
  const { d, sent } = dispatcher([{ id: 0, class: "query" }], 100, 10, 100);
  assert.equal(d.stop(), 0);
  d.start(0);
  assert.deepEqual(sent, []);
  // A timer left behind would fail this test as a leak.
});

Deno.test("a user with maxOps takes no more arrivals than that", () => {
  const users: User[] = [{ id: 0, class: "query", maxOps: 1 }, { id: 1, class: "query" }];
  const { d, sent } = dispatcher(users, 100, 10, 40);
  d.start(0);
  d.free(0);
  d.free(1);
  d.free(1);
  d.stop();
  assert.deepEqual(sent, [[0, 10], [1, 20], [1, 30], [1, 40]]);
});
