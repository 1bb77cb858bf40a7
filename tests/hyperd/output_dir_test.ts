import assert from "node:assert/strict";
import { join } from "node:path";
import type { Summary } from "../../src/results/summary.ts";
import { hyperdEnv, runCli, spawnCli } from "../helpers/cli.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const SHORT = [
  "--duration=3",
  "--progress-interval=0",
  "--inserter-users=1",
  "--query-users=1",
  "--mixed-users=0",
  "--batch-max=500",
];

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);
const readSummary = async (dir: string): Promise<Summary> =>
  JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));

async function names(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) found.push(entry.name);
  return found.sort();
}

function assertNoStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at /m, `stack trace printed:\n${stderr}`);
}

Deno.test("a second run in a dir that a live run holds exits 2 naming its pid and writes nothing", async () => {
  await withTempDir(async (dir) => {
    const first = spawnCli(["stress", `--output-dir=${dir}`, ...SHORT], hyperdEnv());
    const decoder = new TextDecoder();
    let firstErr = "";
    const reading = (async () => {
      for await (const chunk of first.stderr) firstErr += decoder.decode(chunk, { stream: true });
    })();
    const stdout = first.stdout.pipeTo(new WritableStream());
    try {
      // Users run once hyperd is up, and replay.json was written before that.
      const until = performance.now() + 60_000;
      while (!/hyperd pid \d+/.test(firstErr) && performance.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.match(firstErr, /hyperd pid \d+/);
      const replayPath = join(dir, "replay.json");
      const replayBefore = await Deno.readTextFile(replayPath);
      const mtimeBefore = (await Deno.stat(replayPath)).mtime;

      const second = await runCli(["stress", `--output-dir=${dir}`, ...SHORT], hyperdEnv());
      assert.equal(second.code, 2, second.stderr);
      assert.match(
        second.stderr,
        new RegExp(`output dir ${dir} is in use by hyperstress pid ${first.pid}`),
      );
      assertNoStackTrace(second.stderr);
      assert.doesNotMatch(second.stderr, /hyperd pid|replacing the previous run/);
      assert.equal(await Deno.readTextFile(replayPath), replayBefore);
      assert.deepEqual((await Deno.stat(replayPath)).mtime, mtimeBefore);

      const status = await first.status;
      await reading;
      assert.equal(status.code, 0, firstErr);
      assert.equal((await readSummary(dir)).stopReason, "DurationElapsed");
      assert.equal(await exists(join(dir, ".hyperstress.lock")), false);
    } finally {
      try {
        first.kill("SIGKILL");
      } catch { /* already ended */ }
      await first.status;
      await stdout.catch(() => {});
    }
  });
});

Deno.test("a run in a dir with an earlier run's files replaces them, keeps other files and reads only its own log", async () => {
  await withTempDir(async (dir) => {
    // Big old databases (hyperd writes them out at shutdown), so counting them would show.
    const many = await runCli(
      [
        "stress",
        `--output-dir=${dir}`,
        ...SHORT,
        "--databases=3",
        "--inserter-users=3",
        "--query-users=0",
        "--batch-min=5000",
        "--batch-max=20000",
        "--log-interval=1",
      ],
      hyperdEnv(),
    );
    assert.equal(many.code, 0, many.stderr);
    assert.doesNotMatch(many.stderr, /replacing the previous run/);
    const oldBytes = (await Deno.stat(join(dir, "db_1.hyper"))).size +
      (await Deno.stat(join(dir, "db_2.hyper"))).size;
    const oldPid = many.stderr.match(/hyperd pid (\d+)/)![1];
    await Deno.writeTextFile(join(dir, "notes.txt"), "mine\n");

    const one = await runCli(
      ["stress", `--output-dir=${dir}`, ...SHORT, "--databases=1", "--log-interval=1"],
      hyperdEnv(),
    );
    assert.equal(one.code, 0, one.stderr);
    const replacing = one.stderr.split("\n").filter((line) => line.includes("replacing"));
    assert.equal(replacing.length, 1, one.stderr);
    assert.match(
      replacing[0],
      new RegExp(
        `^hyperstress: replacing the previous run in ${dir} \\(removed db_0\\.hyper, ` +
          `db_1\\.hyper, db_2\\.hyper, log/hyperd\\.log, replay\\.json, report\\.html, ` +
          `schedule\\.jsonl\\.gz, summary\\.json\\)$`,
      ),
    );
    assert.deepEqual(await names(dir), [
      "db_0.hyper",
      "log",
      "notes.txt",
      "replay.json",
      "report.html",
      "schedule.jsonl.gz",
      "summary.json",
    ]);
    assert.equal(await Deno.readTextFile(join(dir, "notes.txt")), "mine\n");

    const summary = await readSummary(dir);
    // Disk use counts db_0.hyper alone, not the first run's db_1 and db_2.
    assert.ok(oldBytes > 8 * 1024 * 1024, `old databases of ${oldBytes} bytes`);
    assert.ok(summary.disk.usedMb * 1024 * 1024 < oldBytes, `${summary.disk.usedMb} MB used`);
    // The log is this run's alone: no line of the first hyperd in it, and the monitor read one
    // sample a second, not the first run's samples in a burst at the start.
    const log = await Deno.readTextFile(join(dir, "log", "hyperd.log"));
    assert.ok(log.length > 0);
    assert.doesNotMatch(log, new RegExp(`"pid":${oldPid}[,}]`));
    const atSec = summary.resources.map((r) => r.atSec);
    assert.ok(atSec.length >= 1 && atSec.length <= 5, `samples at ${atSec}`);
    for (let i = 1; i < atSec.length; i++) {
      assert.ok(atSec[i] - atSec[i - 1] >= 0.5, `samples at ${atSec}`);
    }
    const ownPeak = Math.max(...summary.resources.map((r) => r.memoryMb ?? 0));
    assert.equal(summary.peak.memoryMb, ownPeak);
  });
});

Deno.test("a replay file that names a database outside the dir or a bad global seed exits 2", async () => {
  await withTempDir(async (parent) => {
    const first = join(parent, "first");
    const made = await runCli(
      ["stress", `--output-dir=${first}`, ...SHORT, "--duration=1", "--seed=11"],
      hyperdEnv(),
    );
    assert.equal(made.code, 0, made.stderr);
    const replay = JSON.parse(await Deno.readTextFile(join(first, "replay.json")));
    const out = join(parent, "out");
    await Deno.mkdir(out);
    const replayWith = async (name: string, edit: (r: typeof replay) => void) => {
      const copy = structuredClone(replay);
      edit(copy);
      const path = join(parent, name);
      await Deno.writeTextFile(path, JSON.stringify(copy, null, 2));
      return path;
    };

    const traversal = await replayWith("traversal.json", (r) => {
      r.databases[0].file = "../elsewhere/x.hyper";
    });
    const run = await runCli(
      ["stress", `--output-dir=${out}`, `--replay-file=${traversal}`, "--duration=3"],
      hyperdEnv(),
    );
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`--replay-file: ${traversal} is not a valid replay file`));
    assert.match(
      run.stderr,
      /databases\.0\.file: expected a plain file name "db_<index>\.hyper", got "\.\.\/elsewhere\/x\.hyper"/,
    );
    assertNoStackTrace(run.stderr);
    assert.deepEqual(await names(parent), ["first", "out", "traversal.json"]);
    assert.deepEqual(await names(out), []);

    const negative = await replayWith("negative.json", (r) => {
      r.globalSeed = -1;
    });
    const fromEnv = await runCli(["stress", `--output-dir=${out}`], {
      ...hyperdEnv(),
      STRESS_REPLAY_FILE: negative,
    });
    assert.equal(fromEnv.code, 2, fromEnv.stderr);
    assert.match(fromEnv.stderr, new RegExp(`STRESS_REPLAY_FILE: ${negative} is not a valid`));
    assert.match(fromEnv.stderr, /globalSeed: expected an integer from 0 to 4294967295, got -1/);

    const other = await replayWith("other.json", (r) => {
      r.globalSeed = 12;
    });
    const mismatch = await runCli(
      ["stress", `--output-dir=${out}`, `--replay-file=${other}`],
      hyperdEnv(),
    );
    assert.equal(mismatch.code, 2, mismatch.stderr);
    // One line for the one edit, not one per seed it breaks.
    assert.match(
      mismatch.stderr,
      /\n {2}globalSeed: expected 11 \(config\.seed and every .*\), got 12\n$/,
    );
    assert.doesNotMatch(mismatch.stderr, /users\.0\.seed/);
    assert.deepEqual(await names(out), []);
  });
});

Deno.test("limits the machine cannot honour print one warning each and the run goes on", async () => {
  await withTempDir(async (dir) => {
    const [memory, disk] = await Promise.all([
      runCli(
        [
          "stress",
          `--output-dir=${dir}/memory`,
          ...SHORT,
          "--max-memory-mb=100000",
          "--memory-limit=300m",
        ],
        hyperdEnv(),
      ),
      runCli(
        ["stress", `--output-dir=${dir}/disk`, ...SHORT, "--max-disk-mb=100000000"],
        hyperdEnv(),
      ),
    ]);
    assert.equal(memory.code, 0, memory.stderr);
    assert.match(
      memory.stderr,
      /^hyperstress: warning: --max-memory-mb is 100000 MB, above hyperd's memory_limit of 300 MB \(--memory-limit "300m"\)/m,
    );
    assert.doesNotMatch(memory.stderr, /warning: .*--max-disk-mb/);
    assert.equal(disk.code, 0, disk.stderr);
    assert.match(
      disk.stderr,
      /^hyperstress: warning: --max-disk-mb is 100000000 MB, above the \d+ MB free on the filesystem of /m,
    );
    assert.doesNotMatch(disk.stderr, /warning: .*--max-memory-mb/);
    for (const run of [memory, disk]) {
      assert.equal(run.stderr.match(/warning:/g)?.length, 1, run.stderr);
      assert.match(run.stderr, /wrote .*summary\.json/);
    }
  });
});
