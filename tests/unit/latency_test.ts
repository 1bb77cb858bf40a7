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
