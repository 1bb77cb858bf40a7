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

Deno.test("BackpressureGate counts engagements and engaged seconds from sample timestamps", () => {
  const gate = new BackpressureGate(limits);
  gate.update(sample(0));
  gate.update(sample(1, { trackedMemoryMb: 2000 })); // engage
  gate.update(sample(2, { trackedMemoryMb: 2000 }));
  gate.update(sample(4)); // release after 3 s
  gate.update(sample(5));
  gate.update(sample(6, { processCpuPercent: 99 })); // engage
  gate.update(sample(6.5)); // release after 0.5 s
  const stats = gate.stats();
  assert.equal(stats.events, 2);
  assert.equal(stats.engagedSeconds, 3.5);
});

Deno.test("BackpressureGate with a clock counts an engagement that is still going on", () => {
  let nowMs = 0;
  const gate = new BackpressureGate({ ...limits, now: () => nowMs });
  gate.update(sample(0, { trackedMemoryMb: 2000 }));
  nowMs = 2000;
  gate.update(sample(99, { trackedMemoryMb: 2000 }));
  nowMs = 2500;
  assert.equal(gate.stats().engagedSeconds, 2.5);
});

Deno.test("BackpressureGate ignores samples that go back in time when adding up seconds", () => {
  const gate = new BackpressureGate(limits);
  gate.update(sample(10, { trackedMemoryMb: 2000 }));
  gate.update(sample(9, { trackedMemoryMb: 2000 }));
  gate.update(sample(11));
  assert.equal(gate.stats().engagedSeconds, 2);
});

Deno.test("BackpressureGate uses overall load when hyperd reports no CPU", () => {
  const gate = new BackpressureGate(limits);
  const noCpu = { processCpuPercent: null, systemCpuPercent: null };
  assert.equal(gate.update(sample(0, { ...noCpu, overallLoad: 1.0 })), false);
  assert.equal(gate.update(sample(1, { ...noCpu, overallLoad: 1.2 })), true);
  assert.equal(gate.update(sample(2, { ...noCpu, overallLoad: 0.95 })), true);
  assert.equal(gate.update(sample(3, { ...noCpu, overallLoad: 0.89 })), false);
  // With CPU known, load is not what decides.
  assert.equal(gate.update(sample(4, { overallLoad: 1.5, processCpuPercent: 10 })), false);
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
