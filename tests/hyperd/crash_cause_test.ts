import assert from "node:assert/strict";
import { join } from "node:path";
import type { Summary } from "../../src/results/summary.ts";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { processExists } from "../helpers/hyperd.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

// HYPER.md "A real abort to test against": a 300 MB memory limit and large COPY batches from the
// default nine users make hyperd abort. Seed 1 crashed within 3 to 5 s on every try.
const ABORT = [
  "--seed=1",
  "--duration=40",
  "--memory-limit=300m",
  "--batch-min=20000",
  "--batch-max=50000",
  "--progress-interval=0",
];

Deno.test("hyperd's abort under its memory limit is reported in its own words", async () => {
  await withTempDir(async (dir) => {
    const junit = join(dir, "junit.xml");
    const run = await runCli(
      ["stress", `--output-dir=${dir}`, `--junit=${junit}`, ...ABORT],
      hyperdEnv(),
    );
    assert.equal(run.code, 4, run.stderr);
    const summary: Summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
    assert.equal(summary.stopReason, "CrashDetected");
    const crash = summary.crash!;
    assert.equal(crash.signal, "SIGABRT");
    const cause = crash.cause;
    assert.ok(cause, "no cause in summary.crash");
    assert.equal(cause.code, "53S02", JSON.stringify(cause));
    assert.match(cause.message, /The `global memory limit` limit of 314572800 bytes was exceeded/);
    assert.ok(crash.logTail.length > 0);
    assert.match(run.stdout, /hyperd crashed at [\d.]+ s: exit 134 SIGABRT/);
    assert.ok(run.stdout.includes(`hyperd crashed: ${cause.message} (53S02)`), run.stdout);
    // What each user was doing when hyperd died, with its statement: the COPYs that grew it.
    const inFlight = summary.crash!.inFlight;
    assert.ok(inFlight.length >= 1, "nothing recorded in flight at the crash");
    assert.ok(inFlight.every((op) => op.sql.length > 0 && op.startedAtSec <= crash.atSec));
    assert.ok(inFlight.every((op) => op.kind !== "BulkInsert" || /^COPY /.test(op.sql)));
    // The COPYs that grew it are in flight or, rarely, all ended with an error in the 2 s before
    // the abort.
    const copyInFlight = inFlight.some((op) => op.kind === "BulkInsert");
    const copyRefused = summary.errors.some((e) =>
      e.op === "BulkInsert" && e.atSec <= crash.atSec && e.atSec >= crash.atSec - 2
    );
    assert.ok(copyInFlight || copyRefused, JSON.stringify({ inFlight, errors: summary.errors }));
    assert.match(run.stdout, /^In flight when it crashed:\n {2}user \d+, seq \d+, /m);
    // finalize-version-failed, server-termination, unhandled-exception, deadly-signal-received.
    assert.ok(summary.serverErrors.fatal >= 4, JSON.stringify(summary.serverErrors));
    assert.ok(summary.serverErrors.memoryLimitExceeded >= 1, JSON.stringify(summary.serverErrors));
    assert.match(
      await Deno.readTextFile(junit),
      /at [\d.]+ s: [^"]*global memory limit[^"]*\(53S02\)"/,
    );
    assert.match(
      await Deno.readTextFile(join(dir, "report.html")),
      /hyperd's reason: <code>[^<]*global memory limit[^<]*<\/code> \(SQLSTATE <code>53S02/,
    );
    const pid = Number(/hyperd pid (\d+)/.exec(run.stderr)?.[1]);
    assert.ok(pid > 0, run.stderr);
    assert.equal(processExists(pid), false, "hyperd is still running");
  });
});
