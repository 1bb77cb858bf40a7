import assert from "node:assert/strict";
import { type LimitCheck, limitWarnings, memoryLimitMb } from "../../src/config/limit_warnings.ts";
import { resolveConfig } from "../../src/config/resolve.ts";

const GB = 1024 ** 3;

Deno.test("memoryLimitMb() reads hyperd's sizes in powers of 1024 and plain bytes", () => {
  assert.equal(memoryLimitMb("300m", null), 300);
  assert.equal(memoryLimitMb("300M", null), 300);
  assert.equal(memoryLimitMb("4096m", null), 4096);
  assert.equal(memoryLimitMb("4g", null), 4096);
  assert.equal(memoryLimitMb("1t", null), 1024 * 1024);
  assert.equal(memoryLimitMb("2048k", null), 2);
  assert.equal(memoryLimitMb("314572800", null), 300);
});

Deno.test("memoryLimitMb() takes a percentage of the machine's memory", () => {
  assert.equal(memoryLimitMb("80%", 10 * GB), 8192);
  assert.equal(memoryLimitMb("12.5%", 8 * GB), 1024);
  assert.equal(memoryLimitMb("80%", null), null);
  assert.equal(memoryLimitMb("lots", 8 * GB), null);
});

const check = (over: Partial<LimitCheck>): LimitCheck => ({
  maxMemoryMb: 4096,
  memoryLimit: "80%",
  maxDiskMb: 2048,
  outputDir: "/out",
  totalMemoryBytes: 24 * GB,
  freeDiskBytes: 100 * GB,
  ...over,
});

Deno.test("limitWarnings() says nothing when both limits fit the machine", () => {
  assert.deepEqual(limitWarnings(check({})), []);
  // Equal is fine: backpressure engages above the figure.
  assert.deepEqual(limitWarnings(check({ maxMemoryMb: 300, memoryLimit: "300m" })), []);
});

Deno.test("limitWarnings() names both memory figures and the flags that set them", () => {
  const [warning, ...rest] = limitWarnings(check({ maxMemoryMb: 100000, memoryLimit: "300m" }));
  assert.equal(rest.length, 0);
  assert.match(warning, /^--max-memory-mb \(STRESS_MAX_MEMORY_MB\) is 100000 MB/);
  assert.match(
    warning,
    /above hyperd's memory_limit of 300 MB \(--memory-limit \(STRESS_MEMORY_LIMIT\) "300m"\)/,
  );
  assert.match(warning, /set --max-memory-mb below 300/);
});

Deno.test("limitWarnings() names a setting as it was given: flag, variable or preset", () => {
  const config = resolveConfig({ maxMemoryMb: "100000" }, { STRESS_MEMORY_LIMIT: "300m" });
  const [warning] = limitWarnings({
    ...config,
    ...check({}),
    maxMemoryMb: 100000,
    memoryLimit: "300m",
  });
  assert.match(warning, /^--max-memory-mb is 100000 MB/);
  assert.match(warning, /\(STRESS_MEMORY_LIMIT "300m"\)/);
});

Deno.test("limitWarnings() works out a percentage memory_limit from the machine's memory", () => {
  const [warning] = limitWarnings(check({ maxMemoryMb: 20000, totalMemoryBytes: 16 * GB }));
  assert.match(
    warning,
    /memory_limit of 13107 MB \(--memory-limit \(STRESS_MEMORY_LIMIT\) "80%" of 16384 MB\)/,
  );
});

Deno.test("limitWarnings() warns when the disk budget is above the free space", () => {
  const [warning, ...rest] = limitWarnings(check({ maxDiskMb: 100_000_000 }));
  assert.equal(rest.length, 0);
  assert.match(
    warning,
    /^--max-disk-mb \(STRESS_MAX_DISK_MB\) is 100000000 MB, above the 102400 MB free/,
  );
  assert.match(warning, /filesystem of \/out/);
  assert.match(warning, /set --max-disk-mb below 102400/);
});

Deno.test("limitWarnings() says which figure it could not read, and only when it needs it", () => {
  const denied = new Error('Requires sys access to "statfs"');
  const [disk] = limitWarnings(check({ freeDiskBytes: denied }));
  assert.match(disk, /could not read the free space in \/out \(Requires sys access to "statfs"\)/);
  const noMemory = new Error("no memory info");
  const [memory] = limitWarnings(check({ totalMemoryBytes: noMemory }));
  assert.match(memory, /could not read the machine's memory \(no memory info\)/);
  // An absolute memory_limit needs no machine figure.
  assert.deepEqual(limitWarnings(check({ totalMemoryBytes: noMemory, memoryLimit: "8g" })), []);
});
