import assert from "node:assert/strict";
import { parseCommandLine } from "../../src/cli/args.ts";
import { closest, editDistance } from "../../src/config/did_you_mean.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import { ConfigError } from "../../src/errors.ts";

/** The message of the ConfigError that parsing `args` throws. */
function parseError(args: string[]): string {
  try {
    parseCommandLine(args);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    assert.equal(error.exitCode, 2);
    return error.message;
  }
  assert.fail(`parseCommandLine(${JSON.stringify(args)}) did not throw`);
}

Deno.test("editDistance() counts inserts, deletes and changes", () => {
  assert.equal(editDistance("duration", "duration"), 0);
  assert.equal(editDistance("durration", "duration"), 1);
  assert.equal(editDistance("duraton", "duration"), 1);
  assert.equal(editDistance("seeed", "seed"), 1);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("kitten", "sitting"), 3);
});

Deno.test("closest() suggests a near word, a unique prefix, or nothing", () => {
  const flags = ["duration", "databases", "seed", "seeds", "max-memory-mb", "max-disk-mb"];
  assert.equal(closest("durration", flags), "duration");
  assert.equal(closest("Duration", flags), "duration");
  assert.equal(closest("max_disk_mb", flags), "max-disk-mb");
  assert.equal(closest("max-mem", flags), "max-memory-mb");
  assert.equal(closest("seedz", flags), "seed");
  assert.equal(closest("verbose", flags), undefined);
  // "max-" starts two flags: no guess.
  assert.equal(closest("max-", flags), undefined);
});

Deno.test("parseCommandLine() suggests the closest flag for an unknown one", () => {
  assert.equal(
    parseError(["--durration", "5"]),
    "unknown flag --durration; did you mean --duration? (--help lists every flag)",
  );
  assert.equal(
    parseError(["--verbose"]),
    "unknown flag --verbose: expected one of the flags --help lists",
  );
  assert.equal(parseError(["-x"]), "unknown flag -x: expected one of the flags --help lists");
});

Deno.test("parseCommandLine() lets a negative number through to the range check", () => {
  const parsed = parseCommandLine(["--duration", "-1"]);
  assert.equal(parsed.flags.duration, "-1");
  assert.throws(
    () => resolveConfig(parsed.flags, {}),
    /--duration: expected a whole duration of at least 1 s, .*, got "-1"/,
  );
});

Deno.test("parseCommandLine() says in its own words what a flag is missing or has too much", () => {
  assert.equal(parseError(["--seed"]), "--seed: expected a value, got none; write --seed VALUE");
  assert.equal(
    parseError(["--duration", "--seed", "4"]),
    "--duration: expected a value, got the flag --seed; write --duration=--seed if that is " +
      "the value",
  );
  assert.equal(
    parseError(["--help=3"]),
    '--help: expected no value (it is a switch), got "3"; give --help alone',
  );
  for (const message of [parseError(["--seed"]), parseError(["--durration"])]) {
    assert.doesNotMatch(message, /ambiguous|positional argument|'/);
  }
});

Deno.test("parseCommandLine() reports every bad flag at once", () => {
  const message = parseError(["--bach-min", "5", "--foo", "--seed"]);
  assert.equal(
    message,
    [
      "invalid command line:",
      "  unknown flag --bach-min; did you mean --batch-min? (--help lists every flag)",
      "  unknown flag --foo: expected one of the flags --help lists",
      "  --seed: expected a value, got none; write --seed VALUE",
    ].join("\n"),
  );
});

Deno.test("parseCommandLine() reads -h, -V, repeated flags and positionals after --", () => {
  assert.equal(parseCommandLine(["-h"]).help, true);
  assert.equal(parseCommandLine(["-V"]).version, true);
  assert.equal(parseCommandLine(["--version"]).version, true);
  const parsed = parseCommandLine([
    "stress",
    "--threshold",
    "p99_ms<5",
    "--threshold=failures==0",
    "--duration=9",
    "--duration",
    "10",
    "--",
    "--not-a-flag",
  ]);
  assert.deepEqual(parsed.positionals, ["stress", "--not-a-flag"]);
  assert.equal(parsed.flags.thresholds, "p99_ms<5,failures==0");
  assert.equal(parsed.flags.duration, "10");
});
