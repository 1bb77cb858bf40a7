import assert from "node:assert/strict";
import { ddmin, smallestReproducing, split } from "../../src/shrink/ddmin.ts";

Deno.test("split() cuts a list into contiguous, non-empty, nearly equal chunks", () => {
  assert.deepEqual(split([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4, 5]]);
  assert.deepEqual(split([1, 2, 3], 3), [[1], [2], [3]]);
  assert.deepEqual(split([1, 2], 4), [[1], [2]]);
});

Deno.test("ddmin() finds the two items that together cause a failure, among nine", async () => {
  const tried: number[][] = [];
  const fails = (c: number[]) => {
    tried.push(c);
    return Promise.resolve(c.includes(2) && c.includes(7));
  };
  const result = await ddmin([0, 1, 2, 3, 4, 5, 6, 7, 8], fails);
  assert.deepEqual(result, [2, 7]);
  assert.ok(tried.length < 40, `${tried.length} tries`);
});

Deno.test("ddmin() returns a single culprit, and keeps the whole list when every item is needed", async () => {
  assert.deepEqual(await ddmin(["a", "b", "c", "d"], (c) => Promise.resolve(c.includes("c"))), [
    "c",
  ]);
  const all = [1, 2, 3];
  assert.deepEqual(await ddmin(all, (c) => Promise.resolve(c.length === 3)), all);
});

Deno.test("ddmin() is 1-minimal: removing any item of the result makes the test pass", async () => {
  const fails = (c: number[]) =>
    Promise.resolve(c.filter((x) => x % 3 === 0).length >= 2 && c.includes(10));
  const items = Array.from({ length: 16 }, (_, i) => i);
  const result = await ddmin(items, fails);
  assert.equal(await fails(result), true);
  for (let i = 0; i < result.length; i++) {
    assert.equal(await fails(result.filter((_, j) => j !== i)), false, `without ${result[i]}`);
  }
});

Deno.test("ddmin() stops when its budget runs out and returns what it has", async () => {
  let calls = 0;
  const result = await ddmin(
    Array.from({ length: 64 }, (_, i) => i),
    (c) => Promise.resolve(c.includes(33)),
    () => ++calls <= 3,
  );
  assert.ok(result.includes(33));
  assert.ok(result.length > 1, "a budget of three looks cannot reach one item");
});

Deno.test("smallestReproducing() bisects to the shortest prefix that still fails", async () => {
  const looked: number[] = [];
  const n = await smallestReproducing(0, 1000, (k) => {
    looked.push(k);
    return Promise.resolve(k >= 137);
  });
  assert.equal(n, 137);
  assert.ok(looked.length <= 11, `${looked.length} looks`);
});
