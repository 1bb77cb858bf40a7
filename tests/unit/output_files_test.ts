import assert from "node:assert/strict";
import { join } from "node:path";
import { checkOutputFiles, outputFilesOf } from "../../src/cli/output_files.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
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

Deno.test("outputFilesOf() names each file by what set it, as the config's origins say", () => {
  assert.deepEqual(outputFilesOf(resolveConfig({}, {})), []);
  assert.deepEqual(outputFilesOf(resolveConfig({}, { STRESS_JUNIT: "a.xml" })), [
    { path: "a.xml", origin: "STRESS_JUNIT" },
  ]);
  // The flag beats the variable, and the message names the flag even when both hold the path.
  assert.deepEqual(outputFilesOf(resolveConfig({ junit: "a.xml" }, { STRESS_JUNIT: "a.xml" })), [
    { path: "a.xml", origin: "--junit" },
  ]);
  // A config not made by resolveConfig() names both.
  assert.deepEqual(outputFilesOf({ junit: "b.xml" }), [
    { path: "b.xml", origin: "--junit (STRESS_JUNIT)" },
  ]);
});
