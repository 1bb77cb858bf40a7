import assert from "node:assert/strict";
import { join } from "node:path";
import { REPLAY_SCHEMA_VERSION } from "../../src/config/replay.ts";
import { EXIT } from "../../src/verdict_policy.ts";
import { RESERVE_FILE, reserveBytes } from "../../src/run/space_reserve.ts";
import type { Summary } from "../../src/results/summary.ts";
import { hyperdEnv, runCli, spawnCli } from "../helpers/cli.ts";
import { processExists } from "../helpers/hyperd.ts";

const TMPFS_MB = 64;

/** Inserters only, big batches, no think time: the database fills the tmpfs within seconds. */
const FILL_FAST = [
  "--duration=20",
  "--progress-interval=0",
  "--max-disk-mb=100000",
  "--seed=7",
  "--databases=1",
  "--inserter-users=3",
  "--query-users=0",
  "--mixed-users=1",
  "--think-min-ms=0",
  "--think-max-ms=0",
  "--batch-min=20000",
  "--batch-max=50000",
];

/** Mounts a tmpfs of `mb` MB on `dir`; throws with mount's own words when it cannot. */
async function mountTmpfs(dir: string, mb: number): Promise<void> {
  const out = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${mb}m`, "tmpfs", dir],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr).trim());
}

/** Unmounts `dir`, waiting out a moment of "target is busy". */
async function unmount(dir: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    const out = await new Deno.Command("umount", { args: [dir], stderr: "piped" }).output();
    if (out.success) return;
    if (attempt === 50) throw new Error(new TextDecoder().decode(out.stderr).trim());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Why this machine cannot mount a tmpfs, or null when it can: decided before any test runs. */
async function whyNoTmpfs(): Promise<string | null> {
  if (Deno.build.os !== "linux") return "tmpfs needs Linux";
  if (Deno.uid() !== 0) return "mounting a tmpfs needs root";
  const probe = await Deno.makeTempDir({ prefix: "hyperstress-tmpfs-probe-" });
  try {
    await mountTmpfs(probe, 1);
    await unmount(probe);
    return null;
  } catch (error) {
    return `mount -t tmpfs failed: ${(error as Error).message}`;
  } finally {
    await Deno.remove(probe).catch(() => {});
  }
}

const NO_TMPFS = await whyNoTmpfs();
if (NO_TMPFS) console.warn(`full_disk_test.ts skipped: ${NO_TMPFS}`);

/** Runs `body` with a fresh tmpfs of `mb` MB; unmounts and removes it whatever happens. */
async function withTmpfs(mb: number, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hyperstress-full-disk-" });
  try {
    await mountTmpfs(dir, mb);
    try {
      await body(dir);
    } finally {
      await unmount(dir);
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** A full disk must end the run long before this; past it the test fails instead of hanging. */
const RUN_DEADLINE_MS = 300_000;

/** Takes every free byte of the filesystem holding `path` (appending to it until ENOSPC). */
async function fillToTheLastByte(path: string): Promise<void> {
  const chunk = new Uint8Array(64 * 1024).fill(7);
  const file = await Deno.open(path, { append: true, create: true });
  try {
    for (;;) await file.write(chunk);
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOSPC") throw error;
  } finally {
    file.close();
  }
}

/** Bytes in the run's database files. */
async function databaseBytes(dir: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith("db_")) {
      total += (await Deno.stat(join(dir, entry.name)).catch(() => ({ size: 0 }))).size;
    }
  }
  return total;
}

/** Names in `dir` that look like temp files. */
async function tempFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.includes(".tmp-")) found.push(entry.name);
  }
  return found;
}

/** Pids of hyperd processes whose command line names `dir`. */
async function hyperdsIn(dir: string): Promise<string[]> {
  const out = await new Deno.Command("pgrep", { args: ["-f", `hyperd run .*${dir}`] }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean);
}

Deno.test({
  name: "a full output tmpfs still gets summary.json, replay.json and report.html, exit code kept",
  ignore: NO_TMPFS !== null,
  async fn() {
    await withTmpfs(TMPFS_MB, async (dir) => {
      const child = spawnCli(["stress", `--output-dir=${dir}`, ...FILL_FAST], hyperdEnv());
      let stderr = "";
      const stderrDone = (async () => {
        const decoder = new TextDecoder();
        for await (const chunk of child.stderr) stderr += decoder.decode(chunk);
      })();
      const stdoutDone = new Response(child.stdout).text();
      let status: Deno.CommandStatus | undefined;
      child.status.then((s) => (status = s));
      try {
        // hyperd grows its file in steps and leaves the odd MB between them free; like any
        // other writer on a shared disk, this test takes that rest while hyperd runs, so the
        // disk is full to the last byte and only the reserve can hold the artifacts.
        let pid = 0;
        const deadline = performance.now() + RUN_DEADLINE_MS;
        while (status === undefined) {
          if (performance.now() > deadline) {
            child.kill("SIGKILL"); // hyperd follows: its callback connection closes
            throw new Error(`the run did not end within ${RUN_DEADLINE_MS / 1000} s:\n${stderr}`);
          }
          pid ||= Number(stderr.match(/hyperd pid (\d+)/)?.[1] ?? 0);
          if (pid && processExists(pid) && await databaseBytes(dir) > (TMPFS_MB / 2) << 20) {
            await fillToTheLastByte(join(dir, "filler"));
          }
          if (pid && !processExists(pid)) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const code = (await child.status).code;
        const stdout = await stdoutDone;
        await stderrDone;

        assert.notEqual(code, EXIT.internal, stderr);
        assert.doesNotMatch(stderr, /unexpected internal error|\n\s+at /, "a stack trace");
        const summary: Summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
        assert.equal(code, summary.exitCode, "the run's own exit code");
        assert.match(stdout, new RegExp(`Stop reason:\\s+${summary.stopReason}`));
        assert.match(stderr, /hyperstress: wrote .*summary\.json, .*replay\.json, .*report\.html/);
        assert.doesNotMatch(stderr, /could not write/);
        const replay = JSON.parse(await Deno.readTextFile(join(dir, "replay.json")));
        assert.equal(replay.schemaVersion, REPLAY_SCHEMA_VERSION);
        assert.equal(replay.stopReason, summary.stopReason);
        assert.notEqual(replay.stopReason, null);
        assert.match(await Deno.readTextFile(join(dir, "report.html")), /<\/html>\s*$/);
        assert.deepEqual(await tempFiles(dir), []);
        await assert.rejects(() => Deno.stat(join(dir, RESERVE_FILE)), Deno.errors.NotFound);
        // What hyperd did when its disk filled, as this build does it: it aborts.
        console.log(`full disk: exit ${code}, ${summary.stopReason} (${summary.stopDetail})`);
      } finally {
        if (status === undefined) {
          try {
            child.kill("SIGKILL");
          } catch { /* already gone */ }
        }
        await child.status;
        await stdoutDone.catch(() => {});
        await stderrDone.catch(() => {});
        // hyperd follows its callback connection down; wait for it before unmounting.
        for (let i = 0; i < 100 && (await hyperdsIn(dir)).length > 0; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.deepEqual(await hyperdsIn(dir), [], "a hyperd outlived the run");
      }
    });
  },
});

Deno.test({
  name: "an output dir too full for replay.json stops before start with exit 2, naming the file",
  ignore: NO_TMPFS !== null,
  async fn() {
    await withTmpfs(1, async (dir) => {
      const filler = join(dir, "filler");
      await fillToTheLastByte(filler);
      // One block free: room for the output dir's lock file, none for replay.json.
      const { size, blksize } = await Deno.stat(filler);
      await Deno.truncate(filler, size - (blksize ?? 4096));
      const result = await runCli(["stress", `--output-dir=${dir}`, ...FILL_FAST], hyperdEnv());
      assert.equal(result.code, EXIT.usage, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `hyperstress: could not write ${join(dir, "replay.json")}: ` +
            `No space left on device \\(os error 28\\);`,
        ),
      );
      assert.doesNotMatch(result.stderr, /hyperd pid|unexpected internal error|\n\s+at /);
      assert.deepEqual(await tempFiles(dir), []);
      assert.equal(result.stdout, "");
    });
  },
});

Deno.test({
  name: "an output dir with no room for the reserve stops before start with exit 2, naming it",
  ignore: NO_TMPFS !== null,
  async fn() {
    await withTmpfs(4, async (dir) => {
      const result = await runCli(["stress", `--output-dir=${dir}`, ...FILL_FAST], hyperdEnv());
      assert.equal(result.code, EXIT.usage, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `hyperstress: could not write ${join(dir, RESERVE_FILE)} ` +
            `\\(${reserveBytes(20) / 1024 / 1024} MiB held for the ` +
            `artifacts\\): No space left on device \\(os error 28\\);`,
        ),
      );
      assert.doesNotMatch(result.stderr, /hyperd pid|unexpected internal error|\n\s+at /);
      // The half-written reserve is gone; replay.json, written before it, stays.
      const left: string[] = [];
      for await (const entry of Deno.readDir(dir)) left.push(entry.name);
      assert.deepEqual(left, ["replay.json"]);
    });
  },
});
