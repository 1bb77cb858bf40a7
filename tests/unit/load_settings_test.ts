import assert from "node:assert/strict";
import { parseCommandLine } from "../../src/cli/args.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import { buildReplay, parseReplay } from "../../src/config/replay.ts";
import { runLayout } from "../../src/config/run_layout.ts";
import { ConfigError } from "../../src/errors.ts";
import { configStages, loadModel, queueLimit } from "../../src/run/load_driver.ts";

const resolve = (args: string[], env: Record<string, string> = {}) =>
  resolveConfig(parseCommandLine(args).flags, env);

function assertConfigError(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

Deno.test("without an arrival rate the model is closed, with one it is open", () => {
  const closed = resolve([]);
  assert.equal(loadModel(closed), "closed");
  assert.equal(closed.arrivals, "poisson");
  assert.equal(closed.warmupSec, 0);
  assert.equal(queueLimit(closed, 9), 90, "10 places per user");
  const open = resolve(["--arrival-rate", "40", "--arrivals", "constant", "--max-queue", "5"]);
  assert.equal(loadModel(open), "open");
  assert.equal(open.arrivalRate, 40);
  assert.equal(open.arrivals, "constant");
  assert.equal(queueLimit(open, 9), 5);
  const env = resolve([], { STRESS_ARRIVAL_RATE: "12.5", STRESS_STAGES: "10s:20,1m:0" });
  assert.equal(env.arrivalRate, 12.5);
  assert.deepEqual(configStages(env), [
    { durationSec: 10, target: 20 },
    { durationSec: 60, target: 0 },
  ]);
});

Deno.test("the load settings are checked with what they go with, each named by its flag", () => {
  assertConfigError(
    () => resolve(["--arrival-rate", "-1", "--stages", "30s", "--arrivals", "bursty"]),
    /--arrival-rate: expected a number from 0 to 100000 \(operations per second\), got "-1"/,
    /--stages: expected stages like "30s:50,60s:200,30s:0" .*got "30s"/,
    /--arrivals: expected "poisson" or "constant", got "bursty"/,
  );
  assertConfigError(
    () => resolve(["--arrival-rate", "0"]),
    /--arrival-rate: expected a rate above 0, or 0 with --stages to ramp up from, got 0/,
  );
  assertConfigError(
    () => resolve(["--stages", "10s:50", "--query-users", "3"]),
    /--stages: expected targets of at most 9 users \(without --arrival-rate, stages ramp the active users\), got 50/,
  );
  assertConfigError(
    () => resolve(["--max-queue", "5"], { STRESS_ARRIVALS: "constant" }),
    /--max-queue: expected --arrival-rate \(STRESS_ARRIVAL_RATE\) with it, got none/,
    /STRESS_ARRIVALS: expected --arrival-rate/,
  );
  assertConfigError(
    () => resolve(["--duration", "10", "--warmup-sec", "10"]),
    /--warmup-sec: expected fewer seconds than --duration \(10\), got 10/,
  );
  // A ramp from 0 and a closed ramp within the users are fine.
  assert.equal(resolve(["--arrival-rate", "0", "--stages", "5s:10"]).arrivalRate, 0);
  assert.equal(resolve(["--stages", "5s:9,5s:0"]).stages, "5s:9,5s:0");
});

Deno.test("a replay file fixes the arrival schedule's settings, not the warm-up", () => {
  const original = resolve(["--seed", "3", "--arrival-rate", "40", "--stages", "5s:80"]);
  const layout = runLayout(original);
  const replay = parseReplay(
    JSON.parse(JSON.stringify(buildReplay(original, layout.users, layout.databases, null))),
    "replay.json",
    "--replay-file",
  );
  const again = resolveConfig(
    parseCommandLine(["--arrival-rate", "999", "--warmup-sec", "2"]).flags,
    {},
    replay,
  );
  assert.equal(again.arrivalRate, 40);
  assert.equal(again.stages, "5s:80");
  assert.equal(again.arrivals, "poisson");
  assert.equal(again.warmupSec, 2);
});
