import assert from "node:assert/strict";
import { join } from "node:path";
import { VERSION } from "../../src/version.ts";
import { type CliResult, hyperdEnv, spawnCli } from "../helpers/cli.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

/** Runs the CLI; a run that outlives `limitSec` is killed and fails the test (a hang guard). */
async function runBounded(
  args: string[],
  env: Record<string, string> = hyperdEnv(),
  limitSec = 60,
): Promise<CliResult> {
  const child = spawnCli(args, env);
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, limitSec * 1000);
  try {
    const out = await child.output();
    assert.ok(!killed, `hyperstress ${args.join(" ")} still ran after ${limitSec} s`);
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("--version and -V print the versions, exit 0 and start nothing", async () => {
  await withTempDir(async (dir) => {
    const outputDir = join(dir, "never-created");
    for (const flag of ["--version", "-V"]) {
      // A 300 s run if the flag were ignored.
      const run = await runBounded(["stress", flag, "--duration=300", `--output-dir=${outputDir}`]);
      assert.equal(run.code, 0, run.stderr);
      const [hyperstress, deno, hyperd, ...rest] = run.stdout.trimEnd().split("\n");
      assert.equal(hyperstress, `hyperstress ${VERSION}`);
      assert.match(deno, new RegExp(`^deno ${Deno.version.deno.replaceAll(".", "\\.")} \\(v8 `));
      assert.match(hyperd, /^hyperd (Hyper version \S+ \(.+\)|not installed yet)/);
      assert.deepEqual(rest, []);
      assert.equal(run.stderr, "");
      await assert.rejects(Deno.stat(outputDir), Deno.errors.NotFound);
    }
  });
});

Deno.test("--version never installs hyperd: an empty cache says where one would come from", async () => {
  await withTempDir(async (cacheDir) => {
    const run = await runBounded(["--version"], {
      HOME: Deno.env.get("HOME") ?? "",
      PATH: Deno.env.get("PATH") ?? "",
      HYPERSTRESS_CACHE_DIR: cacheDir,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^hyperd not installed yet: the first run installs it/m);
    assert.deepEqual([...Deno.readDirSync(cacheDir)], []);
  });
});

Deno.test("a mistyped flag or command exits 2 with a suggestion", async () => {
  const flag = await runBounded(["stress", "--durration", "5"]);
  assert.equal(flag.code, 2);
  assert.equal(
    flag.stderr,
    "hyperstress: unknown flag --durration; did you mean --duration? (--help lists every flag)\n",
  );
  const command = await runBounded(["stres"]);
  assert.equal(command.code, 2);
  assert.equal(command.stderr, 'hyperstress: unknown command "stres"; did you mean "stress"?\n');
});

Deno.test("--junit under a file exits 2 before hyperd is found or started", async () => {
  await withTempDir(async (dir) => {
    const outputDir = join(dir, "out");
    await Deno.writeTextFile(join(dir, "plain"), "");
    const junit = join(dir, "plain", "missing", "junit.xml");
    const run = await runBounded(["stress", `--junit=${junit}`, `--output-dir=${outputDir}`]);
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      `hyperstress: --junit: expected a file path in a writable directory, got "${junit}" ` +
        "(Not a directory (os error 20)); name a file in an existing " +
        "directory you can write to\n",
    );
    await assert.rejects(Deno.stat(outputDir), Deno.errors.NotFound);
    // Named by the env variable when that is what set it; a file is no directory, even for root.
    const file = join(dir, "a-file");
    await Deno.writeTextFile(file, "");
    const fromEnv = await runBounded(["stress", `--output-dir=${outputDir}`], {
      ...hyperdEnv(),
      STRESS_JUNIT: join(file, "junit.xml"),
    });
    assert.equal(fromEnv.code, 2);
    assert.match(
      fromEnv.stderr,
      /^hyperstress: STRESS_JUNIT: expected a file path .* is not a dir/,
    );
    assert.doesNotMatch(fromEnv.stderr + run.stderr, /hyperd (pid|Hyper version)|^\s+at /m);
  });
});

Deno.test("--hyperd naming nothing is a usage error: exit 2, before anything starts", async () => {
  await withTempDir(async (dir) => {
    const run = await runBounded([
      "stress",
      `--hyperd=${join(dir, "nonexistent")}`,
      `--output-dir=${join(dir, "out")}`,
    ]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--hyperd: .*nonexistent does not exist/);
    assert.match(run.stderr, /check the path given with --hyperd\.$/m);
  });
});

Deno.test("a narrow deno run line is told before anything starts which flag's path it may not write", async () => {
  await withTempDir(async (dir) => {
    const main = new URL("../../main.ts", import.meta.url).pathname;
    const junit = join(dir, "elsewhere", "junit.xml");
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        `--allow-write=${join(dir, "runs")}`,
        "--allow-env",
        "--allow-sys",
        main,
        "stress",
        `--output-dir=${join(dir, "runs", "a")}`,
        `--junit=${junit}`,
      ],
      env: hyperdEnv(),
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2, stderr);
    assert.equal(
      stderr,
      `hyperstress: --junit: this hyperstress may not write "${junit}": its Deno permissions ` +
        `do not cover it; add --allow-write=${join(dir, "elsewhere")} to the deno run line ` +
        "(before main.ts), use `deno task` (it allows any path), or run the compiled binary\n",
    );
    // Nothing started: no output dir was made.
    await assert.rejects(Deno.stat(join(dir, "runs", "a")), Deno.errors.NotFound);
  });
});

Deno.test("`help COMMAND` and `COMMAND --help` print that command's help; a stray word is an error", async () => {
  const general = await runBounded(["--help"]);
  const stress = await runBounded(["help", "stress"]);
  const compare = await runBounded(["compare", "--help"]);
  for (const run of [general, stress, compare]) {
    assert.equal(run.code, 0, run.stderr);
    for (const line of run.stdout.trimEnd().split("\n")) assert.ok(line.length <= 80, line);
  }
  assert.equal((await runBounded(["stress", "--help"])).stdout, stress.stdout);
  assert.match(compare.stdout, /^hyperstress compare: /);
  assert.doesNotMatch(compare.stdout, /--duration/);
  assert.notEqual(general.stdout, stress.stdout);
  const stray = await runBounded(["stress", "--fail-on-findings", "false"]);
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /write --fail-on-findings=false/);
});
