import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connect } from "../../src/wire/connection.ts";
import { setUpDatabases } from "../../src/run/database_setup.ts";
import { SETTINGS } from "../../src/config/settings.ts";
import { EXIT, exitCodeOf, exitCodeRows } from "../../src/verdict_policy.ts";
import { COMMANDS } from "../../src/cli/command_table.ts";
import { withStandaloneHyperd } from "../helpers/standalone_hyperd.ts";
import { withTempDir } from "../helpers/temp_dir.ts";
import { checkIntegrity, tablesToCheck } from "../../src/run/integrity.ts";
import type { Summary } from "../../src/results/summary.ts";
import { hyperdEnv, runCli, TASK_PERMISSIONS } from "../helpers/cli.ts";
import { testBinary, withHyperd } from "../helpers/hyperd.ts";
import { quickRun } from "../helpers/quick_run.ts";

/** The shared quick run, without a mixed user or progress lines. */
const QUICK = [...quickRun(3), "--mixed-users=0", "--progress-interval=0"];

function assertNoStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at /m, `stack trace printed:\n${stderr}`);
}

Deno.test("bad settings exit 2 naming each one, with no stack trace and nothing started", async () => {
  const dir = join(await Deno.makeTempDir(), "never-created");
  const run = await runCli(
    ["stress", `--output-dir=${dir}`, "--duration=abc", "--threshold=p99_mss<5"],
    { STRESS_BATCH_MIN: "500", STRESS_BATCH_MAX: "100", STRESS_TRANSPORT: "udp" },
  );
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--duration: expected a whole duration of at least 1 s, .*, got "abc"/);
  assert.match(run.stderr, /STRESS_TRANSPORT: expected "tcp" or "grpc", got "udp"/);
  assert.match(run.stderr, /STRESS_BATCH_MIN: expected at most STRESS_BATCH_MAX \(100\), got 500/);
  assert.match(run.stderr, /--threshold "p99_mss<5": unknown metric "p99_mss"/);
  assertNoStackTrace(run.stderr);
  await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
  assert.doesNotMatch(run.stderr, /hyperd pid/);
});

Deno.test("a missing replay file and an unwritable output dir exit 2", async () => {
  const missing = await runCli(
    ["stress", "--replay-file=/tmp/hyperstress-nonexistent/replay.json"],
    hyperdEnv(),
  );
  assert.equal(missing.code, 2);
  // The error names the flag the user gave, not the env variable.
  assert.match(missing.stderr, /--replay-file: expected the path of a replay.json/);
  const fromEnv = await runCli(["stress"], {
    ...hyperdEnv(),
    STRESS_REPLAY_FILE: "/tmp/hyperstress-nonexistent/replay.json",
  });
  assert.equal(fromEnv.code, 2);
  assert.match(fromEnv.stderr, /STRESS_REPLAY_FILE: expected the path of a replay.json/);
  // A file where the folder should go: not writable as a directory, even for root.
  const file = await Deno.makeTempFile({ prefix: "hyperstress-not-a-dir-" });
  try {
    const unwritable = await runCli(["stress", `--output-dir=${file}/out`], hyperdEnv());
    assert.equal(unwritable.code, 2);
    assert.match(unwritable.stderr, /expected a writable directory, got ".*\/out"/);
    assertNoStackTrace(missing.stderr + unwritable.stderr);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("a missing permission exits 2 and names the flag to add", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const withoutRun = TASK_PERMISSIONS.filter((flag) => !flag.startsWith("--allow-run"));
    const run = await runCli(["stress", `--output-dir=${dir}`, ...QUICK], hyperdEnv(), withoutRun);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /missing permission: .*--allow-run/);
    assertNoStackTrace(run.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("workers that could not read their modules: exit 2 before hyperd starts, naming the folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const hyperd = (await testBinary()).path;
    const narrow = [
      ...TASK_PERMISSIONS.filter((flag) => !/^--allow-(read|write|run)/.test(flag)),
      `--allow-read=${dir},${hyperd}`,
      `--allow-write=${dir}`,
      `--allow-run=${hyperd}`,
    ];
    const run = await runCli(
      ["stress", `--hyperd=${hyperd}`, `--output-dir=${dir}`, ...QUICK],
      {},
      narrow,
    );
    assert.equal(run.code, 2, run.stderr);
    const src = fileURLToPath(new URL("../../src", import.meta.url));
    assert.equal(
      run.stderr.trim(),
      `hyperstress: missing permission: Requires read access to "${src}", where the user ` +
        `workers load their modules from, run again with the --allow-read=${src} flag`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failed threshold exits 3 and is reported in the summary, on stdout and in JUnit", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const junit = join(dir, "result.xml");
    const run = await runCli([
      "stress",
      "--duration=3",
      `--output-dir=${dir}`,
      `--junit=${junit}`,
      "--threshold=ops_per_sec>=1000000",
      "--threshold=failures==0",
      ...QUICK,
    ], hyperdEnv());
    assert.equal(run.code, 3, run.stderr);
    const summary: Summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
    assert.deepEqual(summary.thresholds.map((t) => [t.expr, t.ok]), [
      ["ops_per_sec>=1000000", false],
      ["failures==0", true],
    ]);
    assert.match(run.stdout, /FAIL {2}ops_per_sec>=1000000/);
    assert.match(run.stdout, /PASS {2}failures==0/);
    const xml = await Deno.readTextFile(junit);
    // Two thresholds, crash, integrity and findings.
    assert.equal(xml.match(/<testcase /g)?.length, 5);
    assert.equal(xml.match(/<failure /g)?.length, 1);
    assert.match(xml, /<system-out>[^<]*\nFAILED: 1 of 2 thresholds \(exit 3\)\n/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rows lost behind the run's back are a data integrity failure: exit code 5", async () => {
  await withHyperd(async (hyperd, dir) => {
    const spec = { index: 0, schemaSeed: "lost", file: "db_0.hyper" };
    const [database] = await setUpDatabases(hyperd, dir, [spec]);
    const table = database.tables[0].name;
    const tables = tablesToCheck([{ ...database, schemaSeed: spec.schemaSeed }], {}, []);
    const intact = await checkIntegrity(hyperd, tables);
    assert.equal(intact.mismatches, 0);
    const { sql } = connect(hyperd, database.path);
    try {
      await sql.unsafe(`DELETE FROM "${table}" WHERE "id" <= 3`);
    } finally {
      await sql.end();
    }
    const integrity = await checkIntegrity(hyperd, tables);
    assert.equal(integrity.mismatches, 1);
    const lost = integrity.tables.find((t) => !t.ok)!;
    assert.deepEqual([lost.table, lost.expected, lost.actual], [table, 100, 97]);
    assert.deepEqual(
      integrity.findings!.map((f) => [f.kind, f.rows, f.examples.map((e) => e.id)]),
      [["lost", 3, [1, 2, 3]]],
    );
    assert.equal(exitCodeOf({ stopReason: "DurationElapsed", integrity, thresholds: [] }), 5);
  });
});

Deno.test("an unexpected internal error exits 1 with one readable line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const summaryPath = join(dir, "summary.json");
    await Deno.writeTextFile(summaryPath, JSON.stringify({ schemaVersion: 1 }));
    const run = await runCli(["report", summaryPath], {}, TASK_PERMISSIONS);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^hyperstress: unexpected internal error/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--help lists the commands and exit codes; the commands' help lists every flag", async () => {
  const run = await runCli(["--help"], {}, []);
  assert.equal(run.code, 0);
  for (const command of COMMANDS) assert.match(run.stdout, new RegExp(`^  ${command}( |$)`, "m"));
  for (const { code } of exitCodeRows()) {
    assert.match(run.stdout, new RegExp(`^\\s+${code}\\s`, "m"));
  }
  // Each flag starts a line of some command's help; the env variables are in the docs page.
  assert.match(run.stdout, /docs\/configuration\.md/);
  const helps = await Promise.all(COMMANDS.map((c) => runCli(["help", c], {}, [])));
  const all = helps.map((h) => h.stdout).join("\n");
  for (const s of Object.values(SETTINGS)) {
    assert.match(all, new RegExp(`^  --${s.flag}( |$)`, "m"), s.flag);
  }
});

Deno.test("failures of the environment exit with their own code, not 1: a segment never ready, nothing to shrink", async () => {
  await withStandaloneHyperd(async (hyperd, dir) => {
    const dbDir = join(dir, "db");
    await Deno.mkdir(dbDir);
    // Segment 1 with no segment 0: the databases never become ready. 1 s is the whole wait.
    const segment = await runCli([
      "stress",
      "--segment=1/2",
      `--endpoint=${hyperd.endpoint}`,
      `--database-dir=${dbDir}`,
      `--output-dir=${join(dir, "segment-1")}`,
      "--start-timeout-sec=1",
      ...QUICK,
    ], hyperdEnv());
    assert.equal(segment.code, EXIT.environment, segment.stderr);
    assert.match(segment.stderr, /segment 1\/2: the databases in .* were not ready within 1 s/);
    assertNoStackTrace(segment.stderr);
  });
  await withTempDir(async (dir) => {
    // A clean 2-second run cannot be shrunk to a crash it never had.
    const clean = join(dir, "clean");
    const run = await runCli(
      ["stress", `--output-dir=${clean}`, "--duration=2", ...QUICK],
      hyperdEnv(),
    );
    assert.equal(run.code, EXIT.ok, run.stderr);
    const shrink = await runCli([
      "shrink",
      `--replay-file=${join(clean, "replay.json")}`,
      "--until=crash",
      "--tries=1",
      "--duration=2",
      `--output-dir=${join(dir, "shrunk")}`,
    ], hyperdEnv());
    assert.equal(shrink.code, EXIT.environment, shrink.stderr);
    assert.match(shrink.stderr, /nothing to shrink/);
  });
});
