import assert from "node:assert/strict";
import { ClientCpu } from "../../src/run/client_cpu.ts";

Deno.test("ClientCpu reports each second's CPU as a share of all cores, and the run's average", () => {
  const cpu = new ClientCpu(10, 2);
  assert.equal(cpu.sample(1, 11), 50);
  assert.equal(cpu.sample(2, 11.5), 25);
  assert.deepEqual(cpu.report(2), { cpuSec: 1.5, cpuPercentOfCores: 37.5, saturated: false });
});

Deno.test("ClientCpu calls the client saturated after 5 s above 85% of the cores, not before", () => {
  const cpu = new ClientCpu(0, 2);
  let used = 0;
  for (let sec = 1; sec <= 4; sec++) cpu.sample(sec, used += 1.8);
  assert.equal(cpu.saturatedNow, false);
  cpu.sample(5, used += 1.8);
  assert.equal(cpu.saturatedNow, true);
  // A quiet second ends the streak, but the run stays marked as having been saturated.
  cpu.sample(6, used += 0.2);
  assert.equal(cpu.saturatedNow, false);
  assert.equal(cpu.report(6).saturated, true);
});

Deno.test("ClientCpu does not call short bursts saturation", () => {
  const cpu = new ClientCpu(0, 2);
  let used = 0;
  for (let sec = 1; sec <= 30; sec++) {
    const busy = sec % 4 !== 0; // three busy seconds, then one idle, over and over
    cpu.sample(sec, used += busy ? 2 : 0);
  }
  assert.equal(cpu.report(30).saturated, false);
});
