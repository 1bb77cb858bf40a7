/**
 * A Hyper developer's own hyperd build, outside the project and the cache, run through the real
 * tasks with the tasks' own permissions (`deno task`, not `--allow-all`).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hyperdEnv } from "../helpers/cli.ts";
import { testBinary } from "../helpers/hyperd.ts";
import { quickRun, readSummary } from "../helpers/quick_run.ts";

const CHECKOUT = fileURLToPath(new URL("../..", import.meta.url));
/** Outside the checkout, the cache and /tmp: where a developer's build and runs may live. */
const ELSEWHERE = "/var/tmp";

/** Runs `deno task <task> ...args` in the checkout as a user types it, with `env` set. */
async function task(args: string[], env: Record<string, string>) {
  const { HYPERD_PATH: _, ...base } = hyperdEnv();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", ...args],
    cwd: CHECKOUT,
    env: { ...base, NO_COLOR: "1", ...env },
    clearEnv: true,
    stdin: "null",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** A folder holding a copy of the tests' hyperd (a hard link where the file system allows). */
async function withOwnBuild(body: (folder: string, outDir: string) => Promise<void>) {
  const folder = await Deno.makeTempDir({ dir: ELSEWHERE, prefix: "hyperstress-own-build-" });
  const outDir = await Deno.makeTempDir({ dir: ELSEWHERE, prefix: "hyperstress-own-out-" });
  try {
    const source = (await testBinary()).path;
    await Deno.link(source, join(folder, "hyperd")).catch(() =>
      Deno.copyFile(source, join(folder, "hyperd"))
    );
    await body(folder, outDir);
  } finally {
    await Deno.remove(folder, { recursive: true });
    await Deno.remove(outDir, { recursive: true });
  }
}

Deno.test("deno task stress runs the hyperd a HYPERD_PATH folder names, writing outside . and /tmp", async () => {
  await withOwnBuild(async (folder, outDir) => {
    const run = await task(
      ["stress", "--duration=3", `--output-dir=${outDir}`, ...quickRun(1)],
      { HYPERD_PATH: folder },
    );
    assert.equal(run.code, 0, run.stderr);
    const binary = join(folder, "hyperd");
    assert.match(run.stderr, new RegExp(`hyperd .* at ${binary} \\(HYPERD_PATH\\)`));
    assert.equal((await readSummary(outDir)).hyperd.path, binary);
  });
});

Deno.test("deno task stress runs the hyperd --hyperd names; deno task hyperd finds it too", async () => {
  await withOwnBuild(async (folder, outDir) => {
    const binary = join(folder, "hyperd");
    const run = await task(
      ["stress", "--hyperd", binary, "--duration=3", `--output-dir=${outDir}`, ...quickRun(2)],
      {},
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`hyperd .* at ${binary} \\(--hyperd\\)`));
    assert.equal((await readSummary(outDir)).hyperd.path, binary);
    const found = await task(["hyperd"], { HYPERD_PATH: folder });
    assert.equal(found.code, 0, found.stderr);
    assert.match(found.stderr, new RegExp(`hyperd .* at ${binary} \\(HYPERD_PATH\\)`));
  });
});
