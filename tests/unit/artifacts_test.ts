import assert from "node:assert/strict";
import { join } from "node:path";
import { buildReplay } from "../../src/config/replay.ts";
import { failureText, writeArtifacts, writeJson, writeText } from "../../src/results/artifacts.ts";
import { RESERVE_FILE, reserveBytes, SpaceReserve } from "../../src/run/space_reserve.ts";
import { runLayout } from "../../src/config/run_layout.ts";
import { summaryFixture } from "../helpers/summary_fixture.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

/** Names in `dir`, sorted. */
async function names(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) found.push(entry.name);
  return found.sort();
}

/** A directory that is not empty: a file cannot be renamed over it, not even by root. */
async function blockingDir(path: string): Promise<void> {
  await Deno.mkdir(path);
  await Deno.writeTextFile(join(path, "keep"), "x");
}

Deno.test("writeText() writes the whole file and leaves no temp file", async () => {
  await withTempDir(async (dir) => {
    await writeJson(join(dir, "a.json"), { a: 1 });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir, "a.json"))), { a: 1 });
    assert.deepEqual(await names(dir), ["a.json"]);
  });
});

Deno.test("writeText() removes its temp file when the rename fails", async () => {
  await withTempDir(async (dir) => {
    const target = join(dir, "summary.json");
    await blockingDir(target);
    await assert.rejects(() => writeText(target, "x".repeat(100_000)));
    // The temp file was written in full before the rename failed; it must be gone.
    assert.deepEqual(await names(dir), ["summary.json"]);
    assert.deepEqual(await names(target), ["keep"]);
  });
});

Deno.test("writeText() throws and leaves nothing when the parent is a file", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "file"), "x");
    await assert.rejects(
      () => writeText(join(dir, "file", "a.txt"), "text"),
      Deno.errors.NotADirectory,
    );
    assert.deepEqual(await names(dir), ["file"]);
  });
});

Deno.test("writeArtifacts() reports a failed file, still writes the others and never throws", async () => {
  await withTempDir(async (dir) => {
    await blockingDir(join(dir, "summary.json"));
    await Deno.writeTextFile(join(dir, "not-a-dir"), "x");
    const base = summaryFixture();
    const junit = join(dir, "not-a-dir", "junit.xml");
    const summary = summaryFixture({ config: { ...base.config, junit } });
    const layout = runLayout(summary.config);
    const replay = buildReplay(summary.config, layout.users, layout.databases, "CrashDetected");

    const result = await writeArtifacts(dir, summary, replay);

    assert.deepEqual(result.written, [join(dir, "replay.json"), join(dir, "report.html")]);
    assert.deepEqual(result.failed.map((f) => f.path), [join(dir, "summary.json"), junit]);
    assert.equal(
      failureText(result.failed[0]),
      `could not write ${join(dir, "summary.json")}: Is a directory (os error 21)`,
    );
    assert.equal(
      failureText(result.failed[1]),
      `could not write ${junit}: Not a directory (os error 20)`,
    );
    const written = JSON.parse(await Deno.readTextFile(join(dir, "replay.json")));
    assert.equal(written.stopReason, "CrashDetected");
    assert.match(await Deno.readTextFile(join(dir, "report.html")), /^<!DOCTYPE html>/i);
    assert.deepEqual(await names(dir), ["not-a-dir", "replay.json", "report.html", "summary.json"]);
  });
});

Deno.test("reserveBytes() holds 8 MiB up to about an hour, then grows with the run, up to 256 MiB", () => {
  const mib = (sec: number) => reserveBytes(sec) / 1024 / 1024;
  assert.equal(mib(20), 8);
  assert.equal(mib(300), 8);
  assert.equal(mib(4096), 8);
  assert.equal(mib(4097), 9);
  assert.equal(mib(86_400), 169);
  assert.equal(mib(1_000_000), 256);
});

Deno.test("SpaceReserve.claim() writes real, non-sparse bytes and release() deletes them", async () => {
  await withTempDir(async (dir) => {
    const bytes = 3 * 1024 * 1024 + 123;
    const reserve = await SpaceReserve.claim(dir, bytes);
    try {
      const path = join(dir, RESERVE_FILE);
      assert.equal(reserve.path, path);
      const stat = await Deno.stat(path);
      assert.equal(stat.size, bytes);
      // `blocks` counts 512-byte units actually allocated (null where the OS has no such count).
      if (stat.blocks !== null) {
        assert.ok(stat.blocks * 512 >= bytes, `only ${stat.blocks * 512} of ${bytes} allocated`);
      }
      // Not zeros, which a compressing filesystem would store as nothing.
      const head = (await Deno.readFile(path)).subarray(0, 4096);
      assert.ok(head.some((b) => b !== 0));
    } finally {
      await reserve.release();
    }
    assert.deepEqual(await names(dir), []);
    await reserve.release(); // a second release does nothing
  });
});

Deno.test("SpaceReserve.claim() replaces a stale reserve left by a killed run", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeFile(join(dir, RESERVE_FILE), new Uint8Array(2 * 1024 * 1024));
    const reserve = await SpaceReserve.claim(dir, 1024 * 1024);
    try {
      assert.equal((await Deno.stat(reserve.path)).size, 1024 * 1024);
    } finally {
      await reserve.release();
    }
  });
});

Deno.test("SpaceReserve.claim() throws and leaves nothing when it cannot write", async () => {
  await withTempDir(async (dir) => {
    await blockingDir(join(dir, RESERVE_FILE));
    await assert.rejects(() => SpaceReserve.claim(dir, 1024), Deno.errors.IsADirectory);
    assert.deepEqual(await names(join(dir, RESERVE_FILE)), ["keep"]);
    await assert.rejects(
      () => SpaceReserve.claim(join(dir, "missing"), 1024),
      Deno.errors.NotFound,
    );
    assert.deepEqual(await names(dir), [RESERVE_FILE]);
  });
});
