import assert from "node:assert/strict";
import { hostInfo, parseCpuModel } from "../../src/run/host_info.ts";

Deno.test("parseCpuModel() takes the first model name, and none from an ARM cpuinfo", () => {
  const x86 = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)  CPU @ " +
    "2.20GHz\n\nprocessor\t: 1\nmodel name\t: Intel(R) Xeon(R)  CPU @ 2.20GHz\n";
  assert.equal(parseCpuModel(x86), "Intel(R) Xeon(R) CPU @ 2.20GHz");
  const arm = "processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n";
  assert.equal(parseCpuModel(arm), null);
});

Deno.test("hostInfo() says what it may read and null for what it may not, without prompting", async () => {
  const host = await hostInfo();
  assert.equal(host.cores, navigator.hardwareConcurrency);
  assert.equal(host.arch, Deno.build.arch);
  assert.ok(host.os.startsWith(Deno.build.os));
  // The unit tests run without --allow-sys: memory is unknown, not an error.
  const sys = await Deno.permissions.query({ name: "sys", kind: "systemMemoryInfo" });
  if (sys.state !== "granted") assert.equal(host.memoryMb, null);
  // Neither --allow-sys=cpus nor --allow-all (which Deno asks for to read /proc): no model.
  const cpus = await Deno.permissions.query({ name: "sys", kind: "cpus" });
  const all = await Deno.readTextFile("/proc/cpuinfo").then(() => true, () => false);
  if (cpus.state !== "granted" && !all) assert.equal(host.cpuModel, null);
  else assert.ok(host.cpuModel && host.cpuModel.length > 0);
});
