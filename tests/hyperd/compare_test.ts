import assert from "node:assert/strict";
import { join } from "node:path";
import { hyperdEnv, runCli } from "../helpers/cli.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

/** A short real run of seed 7 into `dir`; `extra` flags change its workload. */
async function stress(dir: string, extra: string[] = []): Promise<void> {
  const result = await runCli(
    [
      "stress",
      "--seed",
      "7",
      "--duration",
      "10",
      "--progress-interval",
      "0",
      "--output-dir",
      dir,
      ...extra,
    ],
    hyperdEnv(),
  );
  assert.equal(result.code, 0, result.stderr);
}

Deno.test("compare: a run against itself exits 0, against a much slower one 3", async () => {
  await withTempDir(async (dir) => {
    const [base, slow] = [join(dir, "base"), join(dir, "slow")];
    await stress(base);
    // About a third of the operations: think time up from 10..200 ms to 200..400 ms.
    await stress(slow, ["--think-min-ms", "200", "--think-max-ms", "400"]);

    const same = await runCli(["compare", base, join(base, "summary.json")], hyperdEnv());
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.match(same.stdout, /^all +ops\/s +([\d.,]+) +\1 +0\.0% +1\.000$/m);
    assert.equal(
      same.stdout.trimEnd().split("\n").at(-1),
      "PASSED: no significant regression beyond 10% (p < 0.05)",
    );

    const html = join(dir, "compare.html");
    const slower = await runCli(["compare", base, slow, "--html", html], hyperdEnv());
    assert.equal(slower.code, 3, slower.stdout + slower.stderr);
    assert.match(
      slower.stdout,
      /^all +ops\/s +[\d.,]+ +[\d.,]+ +-\d+\.\d% +[<\d.]+ +REGRESSION$/m,
    );
    assert.match(slower.stdout, /--think-min-ms 10 vs 200, --think-max-ms 200 vs 400/);
    assert.match(
      slower.stdout.trimEnd().split("\n").at(-1)!,
      /^FAILED: \d significant regressions? beyond 10% \(exit 3\): all ops\/s -\d+\.\d% \(p /,
    );
    const page = await Deno.readTextFile(html);
    assert.match(page, /<span class="pill bad">REGRESSION<\/span>/);
    assert.match(page, /<svg id="compare-opsPerSec"/);

    // The limit decides: a 90% allowance lets the same slowdown pass.
    const lenient = await runCli(["compare", base, slow, "--max-regression", "90%"], hyperdEnv());
    assert.equal(lenient.code, 0, lenient.stdout + lenient.stderr);
  });
});

Deno.test("compare: a missing run or a wrong number of runs is a usage error (exit 2)", async () => {
  await withTempDir(async (dir) => {
    const missing = await runCli(["compare", dir, join(dir, "nope")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /compare: expected a run's output dir or its summary\.json, got /);
    const one = await runCli(["compare", dir]);
    assert.equal(one.code, 2);
    assert.match(one.stderr, /compare: expected BASE and NEW, .* got "\/tmp\//);
  });
});
