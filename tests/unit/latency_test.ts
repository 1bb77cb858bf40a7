import assert from "node:assert/strict";
import { Latency } from "../../src/stats/latency.ts";

Deno.test("an encoded Latency decodes to the same values, and merges with another", () => {
  const latency = new Latency();
  for (let i = 1; i <= 5000; i++) latency.record((i % 97) * 1.7 + (i % 13) * 40);
  const decoded = new Latency(latency.encode());
  assert.equal(decoded.count, 5000);
  // The encoding keeps buckets, not the exact maximum: it comes back as its bucket's top (0.1%).
  const { max, ...percentiles } = decoded.summary();
  const { max: exactMax, ...exact } = latency.summary();
  assert.deepEqual(percentiles, exact);
  assert.ok(max >= exactMax && max <= exactMax * 1.001, `max ${max} vs ${exactMax}`);
  const merged = new Latency();
  merged.add(decoded);
  merged.add(latency);
  assert.equal(merged.count, 10_000);
  assert.equal(merged.summary().p99, exact.p99);
});

Deno.test("Latency read back from its encoded form is exact with the extremes its summary stated", () => {
  const live = new Latency();
  live.recordAll([3, 40, 915]);
  const { max } = live.summary();
  assert.equal(max, 915);
  // HdrHistogram's encoded form keeps buckets: without the stated max it gives its bucket's top.
  const bare = new Latency(live.encode());
  assert.ok(
    bare.summary().max > 915 && bare.summary().max < 915 * 1.001,
    String(bare.summary().max),
  );
  const read = new Latency(live.encode(), { minMs: live.spectrum()[0], maxMs: max });
  assert.deepEqual(read.summary(), live.summary());
  assert.deepEqual(read.spectrum(), live.spectrum());
  // Adding one whose extremes are unknown falls back to the buckets.
  const added = new Latency();
  added.add(read);
  assert.deepEqual(added.summary(), live.summary());
  added.add(bare);
  assert.ok(added.summary().max > 915);
  added.reset();
  added.record(7);
  assert.equal(added.summary().max, 7);
});
