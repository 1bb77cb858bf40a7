import assert from "node:assert/strict";
import { resolveConfig } from "../../src/config/resolve.ts";
import { runLayout } from "../../src/config/run_layout.ts";
import {
  opRefs,
  withBatchMax,
  withMaxOps,
  withMemoryLimit,
  withOps,
} from "../../src/shrink/candidate.ts";
import {
  changes,
  rateWords,
  reproArgs,
  reproCommand,
  reproText,
  SHRINK_SCHEMA_VERSION,
  type ShrinkReport,
} from "../../src/shrink/shrink_report.ts";

function original() {
  const config = resolveConfig({
    seed: "1",
    memoryLimit: "300m",
    batchMin: "20000",
    batchMax: "50000",
  }, {});
  return { config, layout: runLayout(config) };
}

Deno.test("reproCommand() quotes only what the shell would split, and reproArgs() adds recorded timing", () => {
  assert.deepEqual(reproArgs("/tmp/out/replay.json", 20, "natural"), [
    "--replay-file",
    "/tmp/out/replay.json",
    "--duration",
    "20",
  ]);
  assert.equal(
    reproCommand(reproArgs("/tmp/my out/it's/replay.json", 20, "recorded")),
    "deno task stress --replay-file '/tmp/my out/it'\\''s/replay.json' --duration 20 --replay-timing recorded",
  );
});

Deno.test("rateWords() says simple fractions as fractions", () => {
  assert.equal(rateWords(2 / 3), "2/3");
  assert.equal(rateWords(0.5), "1/2");
  assert.equal(rateWords(1), "1");
  assert.equal(rateWords(0.67), "0.67");
});

Deno.test("changes() names a lowered memory_limit first, then batches, users and operations", () => {
  const whole = original();
  const limited = whole.layout.users.reduce((c, u) => withMaxOps(c, u.id, 10), whole);
  const cut = withBatchMax(
    withMemoryLimit(withOps(limited, opRefs(limited)!.slice(0, 4)), 150),
    30000,
  );
  assert.deepEqual(
    changes(whole, cut),
    [
      "server setting memory_limit lowered from 300m to 150m (a lower limit makes the failure easier to hit)",
      "batch sizes 20000..50000 cut to 20000..30000",
      "users 9 cut to 4",
      "databases 3 cut to 3",
      "operations unlimited cut to 4",
    ].filter((line) => !line.startsWith("databases 3 cut to 3")),
  );
});

Deno.test("reproText() leads with the measured rate and the exact command, and lists each kept op", () => {
  const whole = original();
  const limited = whole.layout.users.reduce((c, u) => withMaxOps(c, u.id, 10), whole);
  const result = withOps(limited, [{ user: 2, seq: 7 }, { user: 5, seq: 3 }]);
  const command = reproCommand(reproArgs("/o/replay.json", 20, "recorded"));
  const report: ShrinkReport = {
    schemaVersion: SHRINK_SCHEMA_VERSION,
    until: "crash",
    signature: "crash | finalize-version-failed | 53S02 | the `global memory limit`",
    minReproRate: { rate: 2 / 3, from: "original", search: 5 / 6 },
    timing: "recorded",
    original: { users: 9, ops: 164, rates: { recorded: { k: 6, n: 6 } } },
    result: {
      candidate: "2 users, 2 ops",
      users: 2,
      ops: 2,
      replayFile: "/o/replay.json",
      command,
      rate: { k: 5, n: 6 },
      keptAt: { k: 3, n: 3 },
      smallerButRarer: [{
        candidate: "1 users, 1 ops",
        rate: { k: 1, n: 6 },
        keptAt: { k: 3, n: 3 },
      }],
      changes: changes(whole, result),
    },
    stoppedBy: "time",
    minutes: 14.2,
    tries: 6,
    attempts: [],
  };
  const text = reproText(report, result, "main.0.0.26359", []);
  const lines = text.split("\n");
  assert.match(lines[2], /^Reproduces \*\*5 of 6 times\*\* with the command below/);
  assert.ok(text.includes("```sh\n" + command + "\n```"));
  assert.match(text, /reproduced 6 of 6 with recorded timing/);
  assert.match(text, /when the search kept it: 3 of 3/);
  assert.match(
    text,
    /- Smaller, but rarer: 1 users, 1 ops was kept at 3 of 3 and reproduced 1 of 6 afresh/,
  );
  const interrupted = reproText(
    { ...report, result: { ...report.result!, rate: { k: 0, n: 0 } } },
    result,
    "v",
    [],
  );
  assert.match(
    interrupted,
    /Not measured again: the shrink was interrupted first\. When the search kept it, it reproduced \*\*3 of 3 times\*\*/,
  );
  assert.match(
    text,
    /at least 5\/6 of the time, by a sequential test .* at least 2\/3 of the time afresh \(original\)/,
  );
  assert.match(text, /stopped by time/);
  assert.match(
    text,
    /``` crash \| finalize-version-failed \| 53S02 \| the `global memory limit` ```|`` crash/,
  );
  assert.match(text, /- user 2 \(\w+, db_2\), seq 7: \w+ on t\d_\w+/);
  assert.match(text, /- user 5 \(\w+, db_2\), seq 3: /);
});
