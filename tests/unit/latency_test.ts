import assert from "node:assert/strict";
import { Latency, type LatencySummary } from "../../src/stats/latency.ts";

Deno.test("a compact Latency gives the percentiles of a full one within 1%, and merges with it", () => {
  const full = new Latency();
  const compact = new Latency(undefined, { compact: true });
  for (let i = 1; i <= 5000; i++) {
    const ms = (i % 97) * 1.7 + (i % 13) * 40;
    full.record(ms);
    compact.record(ms);
  }
  const near = (got: LatencySummary, want: LatencySummary, relative: number) => {
    for (const key of Object.keys(want) as (keyof LatencySummary)[]) {
      assert.ok(
        Math.abs(got[key] - want[key]) <= want[key] * relative,
        `${key}: ${got[key]} vs ${want[key]}`,
      );
    }
  };
  // Two significant digits: each value is known to 1%, the max exactly.
  near(compact.summary(), full.summary(), 1e-2);
  assert.equal(compact.summary().max, full.summary().max);
  assert.notDeepEqual(compact.summary(), full.summary(), "the compact one should be coarser");
  const merged = new Latency(undefined, { compact: true });
  merged.add(new Latency(full.encode()));
  near(merged.summary(), full.summary(), 1e-2);
  assert.equal(merged.count, 5000);
});
