/**
 * The command-line traps a first-time user fell into (issue 32): each case ran silently with a
 * meaning other than the one written, or refused a form used elsewhere.
 */
import assert from "node:assert/strict";
import { parseCommandLine } from "../../src/cli/args.ts";
import { checkPositionals } from "../../src/cli/commands.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import { ConfigError } from "../../src/errors.ts";

/** The ConfigError message `run` throws. */
function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    assert.equal(error.exitCode, 2);
    return error.message;
  }
  assert.fail("did not throw");
}

/** The config the command line `args` resolves to, with no env variables. */
function configOf(args: string[]) {
  return resolveConfig(parseCommandLine(args).flags, {});
}

Deno.test("a switch takes --x, --x=true and --x=false", () => {
  assert.equal(configOf(["--fail-on-findings"]).failOnFindings, true);
  assert.equal(configOf(["--fail-on-findings=true"]).failOnFindings, true);
  assert.equal(configOf(["--fail-on-findings=false"]).failOnFindings, false);
  assert.equal(configOf(["--swarm=no"]).swarm, false);
  assert.equal(configOf([]).failOnFindings, false);
});

Deno.test("`--x false` is an error that says to write --x=false", () => {
  assert.equal(
    errorOf(() => parseCommandLine(["--fail-on-findings", "false"])),
    "--fail-on-findings false: a switch takes no separate value; write " +
      "--fail-on-findings=false (or --fail-on-findings alone for true)",
  );
  assert.match(errorOf(() => parseCommandLine(["plan", "--swarm", "yes"])), /write --swarm=yes/);
  assert.match(
    errorOf(() => parseCommandLine(["--swarm=maybe"])),
    /--swarm: expected =true or =false \(it is a switch\), got "maybe"/,
  );
});

Deno.test("a stray word after the command is an error for every command that takes none", () => {
  const config = configOf([]);
  for (const command of ["stress", "plan", "hyperd", "shrink", "sweep"]) {
    assert.match(
      errorOf(() => checkPositionals(command, ["60"], config)),
      new RegExp(`^${command}: expected flags only, got "60"; .*hyperstress help ${command}`),
    );
  }
  // Those that take words still get them.
  checkPositionals("compare", ["a", "b"], config);
  checkPositionals("merge", ["a"], config);
  checkPositionals("sweep", ["a"], configOf(["--collect"]));
});

Deno.test("a memory size needs a unit or a %, and a bare number says which units exist", () => {
  const message = errorOf(() => configOf(["--memory-limit", "80"]));
  assert.match(message, /--memory-limit: a bare number has no unit; expected a share like "80%"/);
  assert.match(message, /a unit k, m, g or t/);
  assert.equal(configOf(["--memory-limit", "4096m"]).memoryLimit, "4096m");
  assert.equal(configOf(["--memory-limit", "50%"]).memoryLimit, "50%");
  assert.match(errorOf(() => configOf(["--memory-limit", "8x"])), /expected a share like/);
});

Deno.test("durations take s, m and h wherever a duration is asked for", () => {
  assert.equal(configOf(["--duration", "5m"]).duration, 300);
  assert.equal(configOf(["--duration", "90s"]).duration, 90);
  assert.equal(configOf(["--duration", "1h"]).duration, 3600);
  assert.equal(configOf(["--duration", "120"]).duration, 120);
  assert.equal(configOf(["--duration", "1.5m"]).duration, 90);
  assert.equal(configOf(["--stall-sec", "2m"]).stallSec, 120);
  assert.equal(configOf(["--slow-op-sec", "500ms"]).slowOpSec, 0.5);
  assert.equal(configOf(["--warmup-sec", "30s"]).warmupSec, 30);
  assert.equal(configOf(["--max-backpressure-sec", "2m"]).maxBackpressureSec, 120);
  assert.equal(configOf(["--progress-interval", "10s"]).progressInterval, 10);
  assert.equal(configOf(["--budget-min", "2h"]).budgetMin, 120);
  assert.equal(resolveConfig({}, { STRESS_DURATION: "2m" }).duration, 120);
  assert.match(
    errorOf(() => configOf(["--duration", "5 minutes"])),
    /--duration: expected a whole duration of at least 1 s, e\.g\. "90", "90s", "5m" or "1h"/,
  );
  assert.match(errorOf(() => configOf(["--duration", "0.5s"])), /--duration: expected a whole/);
});

Deno.test("an unknown metric, preset or op gets a did-you-mean", () => {
  assert.match(
    errorOf(() => configOf(["--threshold", "p99<500"])),
    /unknown metric "p99"; did you mean "p99_ms"\?/,
  );
  assert.match(
    errorOf(() => configOf(["--threshold", "BulkInsert.p95<500"])),
    /did you mean "BulkInsert\.p95_ms"\?/,
  );
  assert.match(
    errorOf(() => configOf(["--threshold", "bulkinsert.p95_ms<500"])),
    /did you mean "BulkInsert\.p95_ms"\?/,
  );
  assert.match(
    errorOf(() => configOf(["--preset", "tcp-arow"])),
    /--preset: expected .*, got "tcp-arow"; did you mean "tcp-arrow" for "tcp-arow"\?/,
  );
  assert.match(
    errorOf(() => configOf(["--ops", "BulkInsert,SimpleSelct"])),
    /did you mean "SimpleSelect" for "SimpleSelct"\?/,
  );
});
