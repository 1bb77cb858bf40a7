import assert from "node:assert/strict";
import { join } from "node:path";
import { databaseBytes } from "../../src/run/disk_usage.ts";
import { ConfigError } from "../../src/errors.ts";
import {
  isRunFile,
  LOCK_FILE,
  pathInside,
  prepareOutputDir,
  removePreviousRun,
} from "../../src/run/output_dir.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

Deno.test("prepareOutputDir() creates the dir and holds a lock file with the pid until released", async () => {
  await withTempDir(async (parent) => {
    const dir = await prepareOutputDir(join(parent, "out", "deeper"));
    assert.equal(dir.path, await Deno.realPath(join(parent, "out", "deeper")));
    assert.equal(await Deno.readTextFile(join(dir.path, LOCK_FILE)), `${Deno.pid}\n`);
    await dir.release();
    assert.equal(await exists(join(dir.path, LOCK_FILE)), false);
    await dir.release(); // twice is fine
  });
});

Deno.test("prepareOutputDir() refuses a dir another run holds, naming its pid", async () => {
  await withTempDir(async (dir) => {
    const first = await prepareOutputDir(dir);
    try {
      await assert.rejects(() => prepareOutputDir(dir), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.exitCode, 2);
        assert.match(
          error.message,
          new RegExp(`output dir .* is in use by hyperstress pid ${Deno.pid}`),
        );
        return true;
      });
      // The refused run leaves the holder's lock as it was.
      assert.equal(await Deno.readTextFile(join(dir, LOCK_FILE)), `${Deno.pid}\n`);
    } finally {
      await first.release();
    }
    // Free again once released.
    await (await prepareOutputDir(dir)).release();
  });
});

Deno.test("prepareOutputDir() takes over a lock file whose run is gone", async () => {
  await withTempDir(async (dir) => {
    // What a killed run leaves: the file, but no OS lock on it.
    await Deno.writeTextFile(join(dir, LOCK_FILE), "999999999\n");
    const taken = await prepareOutputDir(dir);
    assert.equal(await Deno.readTextFile(join(dir, LOCK_FILE)), `${Deno.pid}\n`);
    await taken.release();
  });
});

Deno.test("prepareOutputDir() says a path that cannot be a dir is not writable", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "file"), "");
    await assert.rejects(
      () => prepareOutputDir(join(dir, "file", "out")),
      /STRESS_OUTPUT_DIR \/ --output-dir: expected a writable directory, got ".*\/file\/out"/,
    );
  });
});

Deno.test("isRunFile() knows the names a run makes and nothing else", () => {
  for (
    const name of [
      "db_0.hyper",
      "db_12.hyper",
      "summary.json",
      "replay.json",
      "report.html",
      "schedule.jsonl",
      "schedule.jsonl.gz",
      "replay.json.tmp-0f8fad5b-d9cb-469f-a165-70867728950e",
      ".hyperstress-reserve",
    ]
  ) assert.ok(isRunFile(name), name);
  for (
    const name of [
      "notes.txt",
      "db_x.hyper",
      "db_0.hyper.bak",
      "my.hyper",
      LOCK_FILE,
      "summary.json.old",
      "report.tmp-1",
    ]
  ) assert.ok(!isRunFile(name), name);
});

Deno.test("removePreviousRun() removes a run's databases, logs and artifacts, and nothing else", async () => {
  await withTempDir(async (dir) => {
    const files = [
      "db_0.hyper",
      "db_1.hyper",
      "db_10.hyper",
      "summary.json",
      "replay.json",
      "report.html",
      "report.html.tmp-0f8fad5b-d9cb-469f-a165-70867728950e",
      "notes.txt",
      "junit.xml",
    ];
    for (const name of files) await Deno.writeTextFile(join(dir, name), "x");
    await Deno.mkdir(join(dir, "log"));
    await Deno.writeTextFile(join(dir, "log", "hyperd.log"), "{}\n");
    await Deno.mkdir(join(dir, "data"));
    const removed = await removePreviousRun(dir);
    assert.deepEqual(removed, [
      "db_0.hyper",
      "db_1.hyper",
      "db_10.hyper",
      "log/hyperd.log",
      "replay.json",
      "report.html",
      "report.html.tmp-0f8fad5b-d9cb-469f-a165-70867728950e",
      "summary.json",
    ]);
    const left = [];
    for await (const entry of Deno.readDir(dir)) left.push(entry.name);
    assert.deepEqual(left.sort(), ["data", "junit.xml", "notes.txt"]);
    assert.deepEqual(await removePreviousRun(dir), []);
  });
});

Deno.test("removePreviousRun() keeps a log dir that holds files hyperd did not write", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(join(dir, "log"));
    await Deno.writeTextFile(join(dir, "log", "hyperd_2026-11-24.log"), "");
    await Deno.writeTextFile(join(dir, "log", "mine.txt"), "");
    assert.deepEqual(await removePreviousRun(dir), ["log/hyperd_2026-11-24.log"]);
    assert.ok(await exists(join(dir, "log", "mine.txt")));
  });
});

Deno.test("databaseBytes() counts only db_<N>.hyper files", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeFile(join(dir, "db_0.hyper"), new Uint8Array(1000));
    await Deno.writeFile(join(dir, "db_1.hyper"), new Uint8Array(24));
    await Deno.writeFile(join(dir, "db_notes.txt"), new Uint8Array(5000));
    await Deno.writeFile(join(dir, "summary.json"), new Uint8Array(7000));
    assert.equal(await databaseBytes(dir), 1024);
  });
});

Deno.test("pathInside() joins a plain name and refuses one that leaves the dir", () => {
  assert.equal(pathInside("/out", "db_0.hyper"), "/out/db_0.hyper");
  for (const file of ["../elsewhere/x.hyper", "/etc/x.hyper", "..", ".", "a/../../x.hyper"]) {
    assert.throws(
      () => pathInside("/out", file),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.startsWith(
          `database file ${JSON.stringify(file)}: expected a file inside the output dir /out`,
        ),
      file,
    );
  }
});
