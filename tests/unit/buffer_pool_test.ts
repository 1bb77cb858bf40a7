import assert from "node:assert/strict";
import { BufferPool } from "../../src/encode/buffer_pool.ts";

Deno.test("BufferPool lends a buffer given back again, once, and never one it did not lend", () => {
  const pool = new BufferPool(1024);
  const first = pool.take(100);
  assert.equal(first.length, 1024);
  pool.give(first.subarray(0, 10)); // a chunk is a view of the buffer
  pool.give(first); // given back twice: still lent out only once
  const again = pool.take(1024);
  assert.equal(again.buffer, first.buffer);
  assert.notEqual(pool.take(1).buffer, first.buffer);

  const foreign = new Uint8Array(1024);
  pool.give(foreign);
  assert.notEqual(pool.take(1).buffer, foreign.buffer);

  const large = pool.take(4096); // larger than the pool's buffers: its own, never pooled
  assert.equal(large.length, 4096);
  pool.give(large);
  assert.notEqual(pool.take(1).buffer, large.buffer);
});

Deno.test("BufferPool says which chunks it lends until each is given back, larger ones included", () => {
  const pool = new BufferPool(1024);
  const chunk = pool.take(100).subarray(32, 132);
  const large = pool.take(4096);
  assert.ok(pool.lends(chunk) && pool.lends(large));
  assert.equal(pool.lends(new Uint8Array(1024)), false);
  pool.give(chunk);
  pool.give(large);
  assert.equal(pool.lends(chunk), false);
  assert.equal(pool.lends(large), false);
});
