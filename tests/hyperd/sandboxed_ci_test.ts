/**
 * The documented `deno run` line for sandboxed CI, run exactly as written from the checkout with
 * hyperd in /opt/hyper and an empty /ci/out (only the length of the run is added).
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hyperdEnv } from "../helpers/cli.ts";
import { testBinary } from "../helpers/hyperd.ts";
import { quickRun, readSummary } from "../helpers/quick_run.ts";

const CHECKOUT = fileURLToPath(new URL("../..", import.meta.url));
const HYPER_DIR = "/opt/hyper";
const OUT_DIR = "/ci/out";

/** The first `sh` block of the user docs that runs hyperstress with `--allow-run=/opt/hyper/hyperd`. */
async function documentedLine(): Promise<string> {
  const docs = join(CHECKOUT, "docs");
  const pages = [join(CHECKOUT, "README.md")];
  if (await Deno.stat(docs).then(() => true, () => false)) {
    for await (const entry of Deno.readDir(docs)) {
      if (entry.name.endsWith(".md")) pages.push(join(docs, entry.name));
    }
  }
  for (const page of pages) {
    const blocks = (await Deno.readTextFile(page)).match(/```sh\n[\s\S]*?```/g) ?? [];
    const block = blocks.find((b) => b.includes(`--allow-run=${HYPER_DIR}/hyperd`));
    if (block) return block.slice("```sh\n".length, -"```".length).trim();
  }
  throw new Error(
    "no documented sandboxed CI line (a sh block with --allow-run=/opt/hyper/hyperd)",
  );
}

/** Why the test cannot make /opt/hyper and /ci/out here, or null when it can. */
async function whyNot(): Promise<string | null> {
  if (Deno.uid() !== 0) return "making /opt/hyper and /ci/out needs root";
  const exists = (path: string) => Deno.stat(path).then(() => true, () => false);
  if (await exists(OUT_DIR)) return `${OUT_DIR} exists already: the test uses only one it makes`;
  if (await exists(HYPER_DIR)) {
    return `${HYPER_DIR} exists already: the test uses only one it makes`;
  }
  return null;
}

const SKIP = await whyNot();
if (SKIP) console.warn(`sandboxed_ci_test.ts skipped: ${SKIP}`);

Deno.test({
  name:
    "the documented sandboxed CI line runs as written: hyperd from /opt/hyper, artifacts in /ci/out",
  ignore: SKIP !== null,
  async fn() {
    const line = await documentedLine();
    const ciExisted = await Deno.stat(dirname(OUT_DIR)).then(() => true, () => false);
    await Deno.mkdir(HYPER_DIR, { recursive: true });
    await Deno.mkdir(OUT_DIR, { recursive: true });
    try {
      const source = (await testBinary()).path;
      await Deno.link(source, join(HYPER_DIR, "hyperd")).catch(() =>
        Deno.copyFile(source, join(HYPER_DIR, "hyperd"))
      );
      const { HYPERD_PATH: _, ...env } = hyperdEnv();
      const deno = dirname(Deno.execPath());
      const out = await new Deno.Command("sh", {
        args: ["-c", `${line} --duration=3 ${quickRun(1).join(" ")}`],
        cwd: CHECKOUT,
        // `deno` as the line says it, found on the PATH like a CI image has it.
        env: { ...env, PATH: `${deno}:${env.PATH ?? "/usr/bin:/bin"}`, NO_COLOR: "1" },
        clearEnv: true,
        stdin: "null",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, stderr);
      assert.doesNotMatch(stderr, /internal error|Requires .* access/);
      const summary = await readSummary(OUT_DIR);
      assert.equal(summary.hyperd.path, join(HYPER_DIR, "hyperd"));
      assert.equal(summary.stopReason, "DurationElapsed");
      for (const file of ["report.html", "replay.json"]) {
        assert.ok((await Deno.stat(join(OUT_DIR, file))).size > 0, file);
      }
    } finally {
      await Deno.remove(OUT_DIR, { recursive: true });
      await Deno.remove(HYPER_DIR, { recursive: true });
      if (!ciExisted) await Deno.remove(dirname(OUT_DIR));
    }
  },
});
