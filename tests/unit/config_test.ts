import assert from "node:assert/strict";
import { parseCommandLine } from "../../src/cli/args.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import { ConfigError } from "../../src/errors.ts";

const resolve = (args: string[], env: Record<string, string> = {}) =>
  resolveConfig(parseCommandLine(args).flags, env);

function assertConfigError(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    assert.equal(error.exitCode, 2);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

Deno.test("resolveConfig() fills in the seed tool's defaults", () => {
  const config = resolve([]);
  assert.equal(config.duration, 300);
  assert.equal(config.databases, 3);
  assert.deepEqual([config.inserterUsers, config.queryUsers, config.mixedUsers], [4, 3, 2]);
  assert.deepEqual([config.thinkMinMs, config.thinkMaxMs], [10, 200]);
  assert.deepEqual([config.batchMin, config.batchMax], [100, 10000]);
  assert.deepEqual([config.maxMemoryMb, config.maxCpuPercent, config.maxDiskMb], [4096, 90, 2048]);
  assert.deepEqual([config.logInterval, config.logMode, config.memoryLimit], [5, 2047, "80%"]);
  assert.deepEqual([config.transport, config.dataFormat], ["tcp", "hyperbinary"]);
  assert.equal(config.queryComplexityMax, 3);
  assert.equal(config.outputDir, undefined);
  assert.ok(Number.isInteger(config.seed) && config.seed >= 0);
});

Deno.test("resolveConfig() takes flags over env variables over defaults", () => {
  const env = { STRESS_DURATION: "20", STRESS_DATABASES: "5", HYPERD_PATH: "/opt/hyperd" };
  const config = resolve(["--duration", "30", "--batch-max=500"], env);
  assert.equal(config.duration, 30);
  assert.equal(config.databases, 5);
  assert.equal(config.batchMax, 500);
  assert.equal(config.hyperdPath, "/opt/hyperd");
  assert.equal(resolve(["--hyperd", "/x"], env).hyperdPath, "/x");
});

Deno.test("resolveConfig() names every bad setting, what it expected and what it got", () => {
  assertConfigError(
    () =>
      resolve(["--duration=-5"], {
        STRESS_BATCH_MIN: "ten",
        STRESS_TRANSPORT: "udp",
        STRESS_DATA_FORMAT: "parquet",
        STRESS_MAX_CPU_PERCENT: "abc",
      }),
    /--duration: expected a whole duration of at least 1 s, .*, got "-5"/,
    /STRESS_BATCH_MIN: expected an integer >= 1, got "ten"/,
    /STRESS_TRANSPORT: expected "tcp" or "grpc", got "udp"/,
    /STRESS_DATA_FORMAT: expected "hyperbinary" or "arrow", got "parquet"/,
    /STRESS_MAX_CPU_PERCENT: expected a number above 0 and at most 100, got "abc"/,
  );
});

Deno.test("resolveConfig() rejects a minimum above its maximum", () => {
  assertConfigError(
    () => resolve(["--batch-min", "500"], { STRESS_BATCH_MAX: "100", STRESS_THINK_MIN_MS: "300" }),
    /--batch-min: expected at most STRESS_BATCH_MAX \(100\), got 500/,
    /STRESS_THINK_MIN_MS: expected at most default thinkMaxMs \(200\), got 300/,
  );
});

Deno.test("resolveConfig() rejects a run without users and a bad memory limit", () => {
  assertConfigError(
    () =>
      resolve(["--inserter-users", "0", "--query-users", "0", "--mixed-users", "0"], {
        STRESS_MEMORY_LIMIT: "lots",
      }),
    /expected at least one user in total, got 0/,
  );
  assertConfigError(
    () => resolve([], { STRESS_MEMORY_LIMIT: "lots" }),
    /STRESS_MEMORY_LIMIT: expected a share like "80%" or a size with a unit k, m, g or t, like "4096m" or "8g", got "lots"/,
  );
  assert.equal(resolve([], { STRESS_MEMORY_LIMIT: "4096m" }).memoryLimit, "4096m");
});

Deno.test("parseCommandLine() turns an unknown flag into a ConfigError", () => {
  assertConfigError(() => parseCommandLine(["--durration", "5"]), /durration/, /--help/);
});

Deno.test("a preset sets transport and format, and explicit settings still win", () => {
  const resolve = (args: string[], env: Record<string, string> = {}) =>
    resolveConfig(parseCommandLine(args).flags, env);
  assert.equal(resolve(["--preset=tcp-arrow"]).dataFormat, "arrow");
  assert.equal(resolve([], { STRESS_PRESET: "grpc" }).transport, "grpc");
  assert.equal(resolve(["--preset=grpc", "--transport=tcp"]).transport, "tcp");
  assert.throws(() => resolve(["--preset=replay"]), /expected STRESS_REPLAY_FILE or --replay-file/);
  assert.throws(() => resolve(["--preset=udp"]), /--preset: expected "tcp-hyperbinary"/);
});

Deno.test("--verify-every takes a duration, in the closed model of a whole run only", () => {
  assert.equal(resolve(["--verify-every", "10"]).verifyEverySec, 10);
  assert.equal(resolve(["--verify-every", "2m"]).verifyEverySec, 120);
  assert.equal(resolve([]).verifyEverySec, undefined);
  assertConfigError(
    () => resolve(["--verify-every", "0"]),
    /--verify-every: expected a whole duration from 1 s to 86400 s, .*got "0"/,
  );
  assertConfigError(
    () => resolve(["--verify-every", "5", "--arrival-rate", "50"]),
    /--verify-every: expected the closed model \(no --arrival-rate\)/,
  );
  assertConfigError(
    () => resolve(["--verify-every", "5"], { STRESS_SEGMENT: "0/2", STRESS_ENDPOINT: "h:1" }),
    /--verify-every: expected a whole run, got STRESS_SEGMENT 0\/2/,
  );
});
