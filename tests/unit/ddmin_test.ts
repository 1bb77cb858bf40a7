import assert from "node:assert/strict";
import { ddmin, smallestReproducing, smallestScaled, split } from "../../src/shrink/ddmin.ts";

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

Deno.test("ddmin() over a user's sequence drops chunks from anywhere, not only a tail", async () => {
  // The failure needs seqs 3 and 17 of 0..19: a prefix cut keeps 18 operations, ddmin two.
  const seqs = Array.from({ length: 20 }, (_, i) => i);
  const tried: number[][] = [];
  const result = await ddmin(seqs, (c) => {
    tried.push(c);
    return Promise.resolve(c.includes(3) && c.includes(17));
  });
  assert.deepEqual(result, [3, 17]);
  assert.ok(tried.every((c) => c.every((x, i) => i === 0 || x > c[i - 1])), "order kept");
  assert.ok(tried.length <= 40, `${tried.length} tries`);
});

Deno.test("smallestScaled() finds a threshold to within its ratio in a handful of looks", async () => {
  const looks: number[] = [];
  const result = await smallestScaled(1, 50_000, (v) => {
    looks.push(v);
    return Promise.resolve(v >= 7_000);
  });
  assert.ok(result >= 7_000 && result <= 7_000 * 1.25, `${result}`);
  assert.ok(looks.length <= 8, `${looks.length} looks: ${looks}`);
  // Everything reproduces: it ends next to its lower bound, which it takes as given.
  assert.ok(await smallestScaled(1, 50_000, () => Promise.resolve(true)) <= 2);
  assert.equal(await smallestScaled(1, 50_000, () => Promise.resolve(false)), 50_000);
});
