import assert from "node:assert/strict";
import { Latency } from "../../src/stats/latency.ts";

Deno.test("a compact Latency gives the same percentiles as a full one, and merges with it", () => {
  const full = new Latency();
  const compact = new Latency(undefined, { compact: true });
  for (let i = 1; i <= 5000; i++) {
    const ms = (i % 97) * 1.7 + (i % 13) * 40;
    full.record(ms);
    compact.record(ms);
  }
  assert.deepEqual(compact.summary(), full.summary());
  const merged = new Latency(undefined, { compact: true });
  merged.add(new Latency(full.encode()));
  // A merged histogram knows values to its 3 significant digits, the max included.
  const [got, want] = [merged.summary(), full.summary()];
  for (const key of Object.keys(want) as (keyof typeof want)[]) {
    assert.ok(
      Math.abs(got[key] - want[key]) <= want[key] * 1e-3,
      `${key}: ${got[key]} vs ${want[key]}`,
    );
  }
  assert.equal(merged.count, 5000);
});
