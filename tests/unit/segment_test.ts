import assert from "node:assert/strict";
import { runLayout } from "../../src/config/run_layout.ts";
import { inSegment, layoutDigest, parseSegment, segmentUsers } from "../../src/config/segment.ts";
import { resolveConfig } from "../../src/config/resolve.ts";

const config = (flags: Record<string, string> = {}) =>
  resolveConfig({ seed: "7", inserterUsers: "4", queryUsers: "3", mixedUsers: "3", ...flags }, {});

Deno.test("segmentUsers() splits the users u mod n: disjoint, covering, in order", () => {
  const layout = runLayout(config());
  const parts = [0, 1, 2].map((index) => segmentUsers(layout.users, { index, count: 3 }));
  assert.deepEqual(parts.map((users) => users.map((u) => u.id)), [[0, 3, 6, 9], [1, 4, 7], [
    2,
    5,
    8,
  ]]);
  const all = parts.flat().map((u) => u.id).sort((a, b) => a - b);
  assert.deepEqual(all, layout.users.map((u) => u.id));
  // The same users as the whole run has: same seeds, classes and databases.
  for (const user of parts.flat()) assert.deepEqual(user, layout.users[user.id]);
});

Deno.test("parseSegment() reads i/n, and no segment means every user", () => {
  assert.deepEqual(parseSegment("1/4"), { index: 1, count: 4 });
  assert.equal(parseSegment(undefined), null);
  assert.ok(inSegment(5, null));
  assert.ok(inSegment(5, { index: 1, count: 4 }));
  assert.ok(!inSegment(5, { index: 0, count: 4 }));
});

Deno.test("layoutDigest() is equal for one run and differs with the seed or the users", () => {
  const base = layoutDigest(runLayout(config()));
  assert.equal(layoutDigest(runLayout(config({ duration: "5" }))), base);
  assert.notEqual(layoutDigest(runLayout(config({ seed: "8" }))), base);
  assert.notEqual(layoutDigest(runLayout(config({ mixedUsers: "4" }))), base);
});

Deno.test("--segment is checked as i/n with i < n", () => {
  assert.throws(() => config({ segment: "2/2" }), /--segment: expected a segment "i\/n"/);
  assert.throws(() => config({ segment: "x" }), /--segment: expected a segment "i\/n"/);
  assert.equal(config({ segment: "1/2" }).segment, "1/2");
});
