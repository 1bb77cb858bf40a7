import assert from "node:assert/strict";
import {
  checkPermissions,
  namedPaths,
  permissionProblems,
} from "../../src/cli/permission_check.ts";
import { ConfigError } from "../../src/errors.ts";

/** Permissions that cover only what is under /work. */
const underWork = (_access: "read" | "write", path: string) => path.startsWith("/work/");

Deno.test("a path outside the permissions names the flag, the path and what to run instead", () => {
  const paths = namedPaths({ junit: "/home/u/j.xml", outputDir: "/work/out", out: [] }, {});
  assert.deepEqual(permissionProblems(paths, underWork), [
    '--junit: this hyperstress may not write "/home/u/j.xml": its Deno permissions do not ' +
    "cover it; add --allow-write=/home/u to the deno run line (before main.ts), use `deno " +
    "task` (it allows any path), or run the compiled binary",
  ]);
});

Deno.test("checkPermissions() lists every such path at once, by flag or env variable", () => {
  const config = {
    outputDir: "/runs/a",
    replayFile: "/elsewhere/replay.json",
    out: ["csv=/tmp/m.csv"],
  };
  assert.throws(
    () => checkPermissions(config, { STRESS_REPLAY_FILE: "/elsewhere/replay.json" }, underWork),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.exitCode, 2);
      const lines = error.message.split("\n");
      assert.equal(lines[0], "paths outside the permissions:");
      assert.match(
        lines[1],
        /^ {2}--output-dir: .* may not write "\/runs\/a": .*--allow-write=\/runs\/a /,
      );
      assert.match(
        lines[2],
        /^ {2}STRESS_REPLAY_FILE: .* may not read .*--allow-read=\/elsewhere /,
      );
      assert.match(
        lines[3],
        /^ {2}--out: .* may not write "\/tmp\/m\.csv": .*--allow-write=\/tmp /,
      );
      return true;
    },
  );
  checkPermissions({ outputDir: "/work/a", junit: "/work/j.xml" }, {}, underWork);
});
