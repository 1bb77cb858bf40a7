import assert from "node:assert/strict";
import { join } from "node:path";
import { checkOutputFiles, outputFilesOf } from "../../src/cli/output_files.ts";
import { ConfigError } from "../../src/errors.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

Deno.test("checkOutputFiles() passes a writable path and leaves no probe file behind", async () => {
  await withTempDir(async (dir) => {
    await checkOutputFiles([{ path: join(dir, "junit.xml"), origin: "--junit" }]);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("checkOutputFiles() makes a missing folder, as `--junit out/junit.xml` needs", async () => {
  await withTempDir(async (dir) => {
    await checkOutputFiles([{ path: join(dir, "out", "ci", "junit.xml"), origin: "--junit" }]);
    assert.ok((await Deno.stat(join(dir, "out", "ci"))).isDirectory);
    assert.deepEqual([...Deno.readDirSync(join(dir, "out", "ci"))], []);
  });
});

Deno.test("checkOutputFiles() names each file that cannot be written, and why", async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, "a-file");
    await Deno.writeTextFile(file, "");
    await assert.rejects(
      checkOutputFiles([
        { path: join(file, "sub", "junit.xml"), origin: "--junit" },
        { path: join(file, "junit.xml"), origin: "STRESS_JUNIT" },
        { path: dir, origin: "--junit" },
      ]),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.exitCode, 2);
        assert.deepEqual(error.message.split("\n"), [
          "output files cannot be written:",
          `  --junit: expected a file path in a writable directory, got "${
            join(file, "sub", "junit.xml")
          }" (Not a directory (os error 20)); name a file in an existing directory you can ` +
          "write to",
          `  STRESS_JUNIT: expected a file path in a writable directory, got "${
            join(file, "junit.xml")
          }" (${file} is not a directory); name a file in an existing directory you can write to`,
          `  --junit: expected a file path in a writable directory, got "${dir}" (${dir} is a ` +
          "directory); name a file in an existing directory you can write to",
        ]);
        return true;
      },
    );
  });
});

Deno.test("outputFilesOf() names the env variable only when it holds the path", () => {
  assert.deepEqual(outputFilesOf({ junit: undefined }, {}), []);
  assert.deepEqual(outputFilesOf({ junit: "a.xml" }, { STRESS_JUNIT: "a.xml" }), [
    { path: "a.xml", origin: "STRESS_JUNIT" },
  ]);
  assert.deepEqual(outputFilesOf({ junit: "b.xml" }, { STRESS_JUNIT: "a.xml" }), [
    { path: "b.xml", origin: "--junit" },
  ]);
});
