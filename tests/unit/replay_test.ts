import assert from "node:assert/strict";
import { join } from "node:path";
import { parseCommandLine } from "../../src/cli/args.ts";
import { buildReplay, readReplay, type Replay } from "../../src/config/replay.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import { runLayout } from "../../src/config/run_layout.ts";
import { ConfigError } from "../../src/errors.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

/** A replay.json as a run with seed 7, two databases and three users writes it. */
// deno-lint-ignore no-explicit-any -- the tests break the file in ways its type forbids
function validReplay(): Record<string, any> {
  const args = ["--seed=7", "--databases=2", "--inserter-users=1", "--query-users=1"];
  const config = resolveConfig(parseCommandLine([...args, "--mixed-users=1"]).flags, {});
  const layout = runLayout(config);
  return JSON.parse(JSON.stringify(buildReplay(config, layout.users, layout.databases, null)));
}

/** Writes `replay` to a temp file and reads it back with `origin`. */
async function read(replay: unknown, origin = "--replay-file") {
  return await withTempDir(async (dir) => {
    const path = join(dir, "replay.json");
    await Deno.writeTextFile(path, JSON.stringify(replay));
    return await readReplay(path, origin);
  });
}

/** Asserts that reading `replay` fails with a ConfigError matching every pattern. */
async function assertRejected(replay: unknown, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(() => read(replay), (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /^--replay-file: \/.*replay\.json is not a valid replay file/);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

Deno.test("readReplay() reads back the replay file a run writes", async () => {
  const replay = await read(validReplay());
  assert.equal(replay.globalSeed, 7);
  assert.deepEqual(replay.databases.map((d) => d.file), ["db_0.hyper", "db_1.hyper"]);
  assert.deepEqual(replay.users.map((u) => u.seed), ["7:user:0", "7:user:1", "7:user:2"]);
});

Deno.test("readReplay() rejects a database file outside the output dir", async () => {
  const replay = validReplay();
  replay.databases[0].file = "../elsewhere/x.hyper";
  replay.databases[1].file = "/etc/x.hyper";
  await assertRejected(
    replay,
    /databases\.0\.file: expected a plain file name "db_<index>\.hyper", got "\.\.\/elsewhere\/x\.hyper"/,
    /databases\.1\.file: expected a plain file name "db_<index>\.hyper", got "\/etc\/x\.hyper"/,
  );
});

Deno.test("readReplay() wants each database's file named after its own index", async () => {
  const replay = validReplay();
  replay.databases[1].file = "db_0.hyper";
  await assertRejected(
    replay,
    /databases\.1\.file: expected "db_1\.hyper" \(from its index\), got "db_0\.hyper"/,
  );
});

Deno.test("readReplay() wants a global seed in range that equals config.seed", async () => {
  const negative = validReplay();
  negative.globalSeed = -1;
  await assertRejected(negative, /globalSeed: expected an integer from 0 to 4294967295, got -1/);
  const big = validReplay();
  big.globalSeed = 2 ** 32;
  await assertRejected(big, /globalSeed: expected an integer from 0 to 4294967295, got 4294967296/);
  const other = validReplay();
  other.config.seed = 8;
  await assertRejected(other, /config\.seed: expected 7 \(the globalSeed\), got 8/);
  const missing = validReplay();
  delete missing.config.seed;
  await assertRejected(missing, /config\.seed: expected 7 \(the globalSeed\), got none/);
});

Deno.test("readReplay() wants seeds in the derived format, derived from the global seed", async () => {
  const replay = validReplay();
  replay.users[1].seed = "12345";
  replay.users[2].seed = "8:user:2";
  replay.databases[0].schemaSeed = "7:schema:9";
  await assertRejected(
    replay,
    /users\.1\.seed: expected a seed "<globalSeed>:user:<id>", got "12345"/,
    /users\.2\.seed: expected "7:user:2" \(globalSeed:user:id\), got "8:user:2"/,
    /databases\.0\.schemaSeed: expected "7:schema:0" \(globalSeed:schema:index\), got "7:schema:9"/,
  );
});

Deno.test("readReplay() wants each user id and database index once", async () => {
  const replay = validReplay();
  replay.users[2].id = 0;
  replay.databases[1].index = 0;
  replay.databases[1].file = "db_0.hyper";
  await assertRejected(
    replay,
    /users\.2\.id: expected each id once, got 0 again/,
    /databases\.1\.index: expected each index once, got 0 again/,
  );
  const negative = validReplay();
  negative.users[0].id = -3;
  await assertRejected(negative, /users\.0\.id: expected an integer >= 0, got -3/);
});

Deno.test("readReplay() rejects unknown keys, wrong types and counts the lists contradict", async () => {
  const replay = validReplay();
  replay.extra = true;
  replay.users[0].admin = true;
  replay.config.dropEverything = true;
  replay.users[1].class = "superuser";
  replay.databases[0].index = "0";
  replay.config.databases = 5;
  replay.stopReason = 3;
  await assertRejected(
    replay,
    /\(root\): expected only the keys a replay file has, got unknown "extra"/,
    /users\.0: expected only the keys a replay file has, got unknown "admin"/,
    /config\.dropEverything: expected a setting name, got unknown key/,
    /users\.1\.class: expected one of "inserter", "query", "mixed", "ledger", got "superuser"/,
    /databases\.0\.index: expected an integer >= 0, got "0"/,
    /config\.databases: expected 2 \(the databases listed\), got 5/,
    /stopReason: expected a stop reason or null, got 3/,
  );
  const counts = validReplay();
  counts.config.inserterUsers = 2;
  await assertRejected(
    counts,
    /config\.inserterUsers: expected 1 \(the inserter users listed\), got 2/,
  );
});

Deno.test("readReplay() reads a shrunk user's kept ops and rejects unordered seqs or ops with maxOps", async () => {
  const replay = validReplay();
  replay.users[0].ops = [0, 4, 9];
  assert.deepEqual((await read(replay)).users[0].ops, [0, 4, 9]);
  replay.users[0].ops = [4, 4, 9];
  replay.users[1].ops = [1];
  replay.users[1].maxOps = 1;
  replay.users[2].ops = [-1];
  await assertRejected(
    replay,
    /users\.0\.ops: expected seqs in ascending order, each once, got \[4,4,9\]/,
    /users\.1: expected maxOps or ops, not both/,
    /users\.2\.ops\.0: expected an integer >= 0, got -1/,
  );
});

Deno.test("readReplay() names the env variable when that is where the path came from", async () => {
  await assert.rejects(
    () => read({ ...validReplay(), schemaVersion: 2 }, "STRESS_REPLAY_FILE"),
    /^ConfigError: STRESS_REPLAY_FILE: .*replay\.json is not a valid replay file[^]*schemaVersion: expected 1 \(the replay layout this hyperstress reads\), got 2/,
  );
});

Deno.test("a bad setting in a replay's config names the flag, the file and config.<key>", async () => {
  const replay = validReplay();
  replay.config.batchMin = -1;
  replay.config.transport = "carrier-pigeon";
  // An operator setting is not the replay's to fix: its value is never read.
  replay.config.duration = "forever";
  await assertRejected(
    replay,
    /\n {2}config\.batchMin: expected an integer >= 1, got -1/,
    /\n {2}config\.transport: expected "tcp" or "grpc", got "carrier-pigeon"/,
  );
  await assert.rejects(() => read(replay), (error: Error) => !error.message.includes("duration"));
  // resolveConfig still checks a replay it is handed, naming replay file config.<key>.
  assert.throws(
    () => resolveConfig({}, {}, replay as Replay),
    /replay file config\.batchMin: expected an integer >= 1, got -1/,
  );
});

Deno.test("readReplay() gives the line and column where a file stops being JSON", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "replay.json");
    const cases: [string, string][] = [
      ['{\n  "globalSeed": 7,\n  "users" []\n}', 'a syntax error at line 3, column 11, at "[]"'],
      ['{\n  "config": {"seed": tru}\n}', 'a syntax error at line 2, column 22, at "tru}"'],
      ['{"users": [1, 2', "text that ends before the JSON does (line 1, column 16)"],
      ["  \n", "an empty file"],
    ];
    for (const [text, expected] of cases) {
      await Deno.writeTextFile(path, text);
      await assert.rejects(() => readReplay(path, "STRESS_REPLAY_FILE"), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(
          error.message,
          `STRESS_REPLAY_FILE: expected JSON in ${path}, got ${expected}; fix the file or use ` +
            "the replay.json of another run",
        );
        return true;
      });
    }
  });
});

Deno.test("readReplay() names an edited globalSeed once, not on every seed it breaks", async () => {
  const replay = validReplay();
  replay.globalSeed = 8;
  await assert.rejects(() => read(replay), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    const lines = error.message.split("\n").slice(1);
    assert.deepEqual(lines, [
      "  globalSeed: expected 7 (config.seed and every user's and database's seed derive from " +
      "it), got 8",
    ]);
    return true;
  });
});
