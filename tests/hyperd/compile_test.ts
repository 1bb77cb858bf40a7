import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { VERSION } from "../../src/version.ts";
import { testBinary } from "../helpers/hyperd.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** `deno task compile ...args` in the repo with `env` added; its exit code and output. */
async function compile(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "compile", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, output: decode(out.stdout) + decode(out.stderr) };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/**
 * Why deno compile cannot build a real binary here, or null when it can: it needs denort, from
 * DENORT_BIN (a file that is not deno itself) or cached in DENO_DIR by an earlier download. This
 * machine cannot download it, and nothing here tries to.
 */
async function whyNoDenort(): Promise<string | null> {
  const bin = Deno.env.get("DENORT_BIN");
  if (bin) {
    const info = await Deno.stat(bin).catch(() => null);
    if (!info?.isFile || ((info.mode ?? 0o111) & 0o111) === 0) {
      return `DENORT_BIN ${bin} is not an executable file`;
    }
    if (await Deno.realPath(bin) === await Deno.realPath(Deno.execPath())) {
      return `DENORT_BIN ${bin} is deno itself, not denort`;
    }
    return null;
  }
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
    .output();
  const denoDir: string = JSON.parse(new TextDecoder().decode(out.stdout)).denoDir;
  const zip = join(
    denoDir,
    "dl",
    "release",
    `v${Deno.version.deno}`,
    `denort-${Deno.build.target}.zip`,
  );
  return await exists(zip)
    ? null
    : `no denort: DENORT_BIN is unset and ${zip} is absent (deno compile would download it ` +
      "from dl.deno.land)";
}

const NO_DENORT = await whyNoDenort();
if (NO_DENORT) console.warn(`compile_test.ts: building a real binary skipped: ${NO_DENORT}`);

Deno.test("deno task compile refuses a DENORT_BIN that is deno: the binary is plain Deno", async () => {
  await withTempDir(async (dir) => {
    const output = join(dir, "hyperstress");
    const { code, output: text } = await compile(["--output", output], {
      DENORT_BIN: Deno.execPath(),
    });
    assert.equal(code, 1, text);
    assert.match(
      text,
      new RegExp(
        `hyperstress: the binary deno compile built is not hyperstress, so it was deleted: ` +
          `\`${output} --version\` printed "deno ${Deno.version.deno.replaceAll(".", "\\.")} ` +
          `\\(.*\\)" instead of "hyperstress ${VERSION.replaceAll(".", "\\.")}"\\. ` +
          `DENORT_BIN is ${Deno.execPath()}: it must name denort`,
      ),
    );
    assert.equal(await exists(output), false, "the wrong binary is deleted");
  });
});

Deno.test({
  name: "deno task compile builds a hyperstress that any user can run from anywhere",
  ignore: NO_DENORT !== null,
  fn: async () => {
    await withTempDir(async (dir) => {
      const binary = join(dir, "hyperstress");
      const built = await compile(["--output", binary]);
      assert.equal(built.code, 0, built.output);
      assert.match(built.output, /it answers --version with "hyperstress /);

      // Another user: a fresh HOME and working dir, nothing of ours in the environment but the
      // hyperd to use.
      const home = join(dir, "home");
      await Deno.mkdir(home);
      const env = {
        HOME: home,
        PATH: Deno.env.get("PATH") ?? "",
        HYPERD_PATH: (await testBinary()).path,
        NO_COLOR: "1",
      };
      const run = (args: string[]) =>
        new Deno.Command(binary, {
          args,
          cwd: dir,
          env,
          clearEnv: true,
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).output();
      const version = await run(["--version"]);
      assert.equal(
        new TextDecoder().decode(version.stdout).split("\n")[0],
        `hyperstress ${VERSION}`,
      );

      const out = join(dir, "run");
      const stress = await run([
        "stress",
        "--duration",
        "3",
        "--progress-interval",
        "0",
        "--output-dir",
        out,
      ]);
      assert.equal(stress.code, 0, new TextDecoder().decode(stress.stderr));
      const summary = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
      assert.equal(summary.stopReason, "DurationElapsed");
      assert.ok(summary.totals.ops > 0);
    });
  },
});
