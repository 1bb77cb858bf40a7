import assert from "node:assert/strict";
import { BackpressureGate, gatedMemory } from "../../src/hyperd/backpressure.ts";
import type { ResourceSample } from "../../src/hyperd/log_entries.ts";

/**
 * A quiet sample at second `sec`, with the figures a test cares about overridden. Physical
 * memory is far above the limits: mapped files must never engage the gate.
 */
function sample(sec: number, figures: Partial<ResourceSample> = {}): ResourceSample {
  return {
    atMs: 1_700_000_000_000 + sec * 1000,
    memoryMb: 5000,
    fileMappingsMb: 4800,
    trackedMemoryMb: 100,
    overallLoad: 0,
    schedulerLoad: 0,
    memoryLoad: 0,
    activeThreads: 0,
    inactiveThreads: 4,
    waitingJobs: 0,
    processCpuPercent: 10,
    systemCpuPercent: 10,
    ...figures,
  };
}

const limits = { maxMemoryMb: 1000, maxCpuPercent: 80 };

Deno.test("BackpressureGate engages when memory or CPU goes over its limit", () => {
  const byMemory = new BackpressureGate(limits);
  assert.equal(byMemory.update(sample(0, { trackedMemoryMb: 1000 })), false);
  assert.equal(byMemory.update(sample(1, { trackedMemoryMb: 1001 })), true);
  assert.equal(byMemory.engaged, true);

  const byCpu = new BackpressureGate(limits);
  assert.equal(byCpu.update(sample(0, { processCpuPercent: 80 })), false);
  assert.equal(byCpu.update(sample(1, { processCpuPercent: 81 })), true);
});

Deno.test("BackpressureGate holds while figures sit between the engage and release thresholds", () => {
  const gate = new BackpressureGate(limits);
  gate.update(sample(0, { trackedMemoryMb: 1200 }));
  // Under the limit but not under 90% of it.
  assert.equal(gate.update(sample(1, { trackedMemoryMb: 950 })), true);
  assert.equal(gate.update(sample(2, { trackedMemoryMb: 900 })), true);
  // Memory is low again, but CPU is not 10 points under its limit.
  assert.equal(gate.update(sample(3, { trackedMemoryMb: 500, processCpuPercent: 75 })), true);
  assert.equal(gate.update(sample(4, { trackedMemoryMb: 500, processCpuPercent: 70 })), true);
  assert.equal(gate.stats().events, 1);
});

Deno.test("BackpressureGate releases only when memory and CPU are both back under the band", () => {
  const gate = new BackpressureGate(limits);
  gate.update(sample(0, { processCpuPercent: 95 }));
  assert.equal(gate.update(sample(1, { trackedMemoryMb: 899.9, processCpuPercent: 69.9 })), false);
  assert.equal(gate.engaged, false);
  // Back in the band from below: stays released.
  assert.equal(gate.update(sample(2, { trackedMemoryMb: 950, processCpuPercent: 75 })), false);
});

Deno.test("BackpressureGate counts its engagements", () => {
  const gate = new BackpressureGate(limits);
  gate.update(sample(0));
  gate.update(sample(1, { trackedMemoryMb: 2000 })); // engage
  gate.update(sample(4)); // release
  gate.update(sample(6, { processCpuPercent: 99 })); // engage
  gate.update(sample(6.5)); // release
  assert.equal(gate.stats().events, 2);
  assert.equal(gate.stats().staleReleases, 0);
});

/** A gate on fake time: `clock.ms` is now; samples go stale 3 s after they were read. */
function fakeTimeGate(staleMs = 3000) {
  const clock = { ms: 0 };
  const gate = new BackpressureGate({ ...limits, staleMs, now: () => clock.ms });
  const noCpu = { processCpuPercent: null, systemCpuPercent: null };
  /** A CPU-less sample of `overallLoad` at `sec`, read then. */
  const load = (sec: number, overallLoad: number) => {
    clock.ms = sec * 1000;
    return gate.update(sample(sec, { ...noCpu, overallLoad }));
  };
  return { clock, gate, load };
}

Deno.test("BackpressureGate lets go when its newest sample goes stale, and says so", () => {
  const { clock, gate } = fakeTimeGate();
  assert.equal(gate.stale, true, "no sample yet is no sight");
  assert.equal(gate.update(sample(0, { trackedMemoryMb: 2000 })), true);
  clock.ms = 3000;
  // Exactly the bound: still fresh.
  assert.equal(gate.expire(), true);
  assert.equal(gate.sampleAgeMs(), 3000);
  clock.ms = 3001;
  assert.equal(gate.stale, true);
  assert.equal(gate.expire(), false);
  assert.equal(gate.engaged, false);
  assert.equal(gate.stats().staleReleases, 1);
  // Released by age, it stays released: the stale figure never engages it again.
  clock.ms = 60_000;
  assert.equal(gate.expire(), false);
  assert.equal(gate.stats().events, 1);
  // A fresh sample over the limit engages it anew.
  assert.equal(gate.update(sample(60, { trackedMemoryMb: 2000 })), true);
  assert.equal(gate.stale, false);
  assert.equal(gate.stats().events, 2);
});

Deno.test("BackpressureGate keeps holding while samples keep coming", () => {
  const { clock, gate } = fakeTimeGate();
  for (let sec = 0; sec < 30; sec++) {
    clock.ms = sec * 1000;
    assert.equal(gate.update(sample(sec, { trackedMemoryMb: 2000 })), true);
    clock.ms += 999;
    assert.equal(gate.expire(), true, `released at ${sec} s`);
  }
  assert.equal(gate.stats().staleReleases, 0);
});

Deno.test("BackpressureGate without CPU engages only on load held above 1.5 for 5 s", () => {
  const { clock, gate, load } = fakeTimeGate();
  // One busy second on 2 cores, as hyperd 0.0.26359 logged it: one sample of load 2.
  assert.equal(load(0, 0.2), false);
  assert.equal(load(1, 2), false);
  assert.equal(load(2, 0.3), false);
  // A 4-s burst: 1, 2, 2, 1.5.
  assert.equal(load(3, 1), false);
  assert.equal(load(4, 2), false);
  assert.equal(load(5, 2), false);
  assert.equal(load(6, 1.5), false);
  // Load above 1.5 from 10 s on: engaged once it has held 5 s.
  for (let sec = 10; sec < 15; sec++) assert.equal(load(sec, 2), false, `${sec} s`);
  assert.equal(load(15, 2), true);
  assert.equal(gate.stats().cpuSignal, "load");
  assert.equal(load(16, 1.0), true, "between the thresholds it holds");
  assert.equal(load(17, 0.89), false);
  // With CPU known, load is not what decides.
  clock.ms = 18_000;
  assert.equal(gate.update(sample(18, { overallLoad: 3, processCpuPercent: 10 })), false);
  assert.equal(gate.stats().cpuSignal, "cpu");
});

Deno.test("BackpressureGate does not join high load across a blind gap", () => {
  const { load } = fakeTimeGate();
  // hyperd with log_resource_usage_always=0: busy, then silent while idle, then busy again.
  assert.equal(load(0, 2), false);
  assert.equal(load(1, 2), false);
  // Nothing logged for 20 s: 20 s after the first high sample is no proof of 5 s of load.
  assert.equal(load(21, 2), false);
  for (let sec = 22; sec < 26; sec++) assert.equal(load(sec, 2), false, `${sec} s`);
  assert.equal(load(26, 2), true, "5 s of load since the gap");
});

Deno.test("BackpressureGate can release a CPU limit below 20%", () => {
  const gate = new BackpressureGate({ maxMemoryMb: 1000, maxCpuPercent: 8 });
  gate.update(sample(0, { processCpuPercent: 9 }));
  assert.equal(gate.update(sample(1, { processCpuPercent: 4 })), true);
  assert.equal(gate.update(sample(2, { processCpuPercent: 3.9 })), false);
});

Deno.test("BackpressureGate keeps peaks, with CPU null until hyperd reports one", () => {
  const gate = new BackpressureGate(limits);
  assert.deepEqual(gate.stats().peak, {
    memoryMb: null,
    fileMappingsMb: null,
    trackedMemoryMb: null,
    overallLoad: null,
    schedulerLoad: null,
    processCpuPercent: null,
  });
  assert.equal(gate.stats().memorySignal, null);
  gate.update(sample(0, { memoryMb: 300, overallLoad: 0.5, processCpuPercent: null }));
  assert.equal(gate.stats().peak.processCpuPercent, null);
  gate.update(sample(1, { trackedMemoryMb: 200, schedulerLoad: 0.75, processCpuPercent: 42 }));
  gate.update(sample(2, { fileMappingsMb: 250, overallLoad: 0.25, processCpuPercent: null }));
  assert.deepEqual(gate.stats().peak, {
    memoryMb: 5000,
    fileMappingsMb: 4800,
    trackedMemoryMb: 200,
    overallLoad: 0.5,
    schedulerLoad: 0.75,
    processCpuPercent: 42,
  });
});

Deno.test("gatedMemory() takes tracked memory, else physical minus file mappings, else physical", () => {
  const figures = { memoryMb: 4125.7, fileMappingsMb: 3522.66, trackedMemoryMb: 200.466 };
  assert.deepEqual(gatedMemory(figures), { signal: "tracked", mb: 200.466 });
  // Zero is a measured figure (an idle hyperd), not a missing one.
  assert.deepEqual(gatedMemory({ ...figures, trackedMemoryMb: 0 }), { signal: "tracked", mb: 0 });
  const untracked = gatedMemory({ ...figures, trackedMemoryMb: null });
  assert.equal(untracked.signal, "physical-minus-mappings");
  assert.ok(Math.abs(untracked.mb - 603.04) < 1e-9, `${untracked.mb}`);
  assert.deepEqual(gatedMemory({ memoryMb: 4125.7, fileMappingsMb: null, trackedMemoryMb: null }), {
    signal: "physical",
    mb: 4125.7,
  });
});

Deno.test("BackpressureGate engages and releases on tracked memory, whatever the mapped files", () => {
  // The soak that stopped at 460 s: physical 4,126 MB over a 4,096 MB limit, 3,523 MB of it
  // mapped .hyper files, 200 MB tracked.
  const soak = { memoryMb: 4125.7, fileMappingsMb: 3522.66, processCpuPercent: 10 };
  const gate = new BackpressureGate({ maxMemoryMb: 4096, maxCpuPercent: 90 });
  assert.equal(gate.update(sample(0, { ...soak, trackedMemoryMb: 200.466 })), false);
  assert.equal(gate.update(sample(1, { ...soak, trackedMemoryMb: 4100 })), true);
  assert.equal(gate.update(sample(2, { ...soak, trackedMemoryMb: 3700 })), true);
  assert.equal(gate.update(sample(3, { ...soak, trackedMemoryMb: 3686 })), false);
  assert.equal(gate.stats().events, 1);
  assert.equal(gate.stats().memorySignal, "tracked");
});

Deno.test("BackpressureGate falls back to physical minus file mappings and says so", () => {
  const gate = new BackpressureGate(limits);
  const untracked = { trackedMemoryMb: null, memoryMb: 5000 };
  assert.equal(gate.update(sample(0, { ...untracked, fileMappingsMb: 4000 })), false);
  assert.equal(gate.stats().memorySignal, "physical-minus-mappings");
  assert.equal(gate.update(sample(1, { ...untracked, fileMappingsMb: 3999 })), true);
  assert.equal(gate.update(sample(2, { ...untracked, fileMappingsMb: 4101 })), false);
  const physical = new BackpressureGate(limits);
  assert.equal(physical.update(sample(0, { trackedMemoryMb: null, fileMappingsMb: null })), true);
  assert.equal(physical.stats().memorySignal, "physical");
});
