import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { ConfigError, HyperdError } from "../../src/errors.ts";
import { HYPERD_PACKAGE_VERSION, locateHyperd, npmPackageName } from "../../src/hyperd/locate.ts";
import { testBinary } from "../helpers/hyperd.ts";

Deno.test("locateHyperd() takes --hyperd as the binary or as the folder holding it", async () => {
  const { path } = await testBinary();
  const cacheDir = await Deno.makeTempDir();
  try {
    for (const given of [path, dirname(path)]) {
      const found = await locateHyperd({
        explicitPath: given,
        cacheDir,
        install: false,
        say: () => {},
      });
      assert.equal(found.path, path);
      assert.equal(found.source, "--hyperd");
      assert.match(found.version, /^Hyper version /);
    }
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("locateHyperd() names every place it tried when nothing works; a bad --hyperd exits 2", async () => {
  const cacheDir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      locateHyperd({
        explicitPath: join(cacheDir, "nope"),
        cacheDir,
        install: false,
        say: () => {},
      }),
      (error: unknown) => {
        // A path the user gave that holds no hyperd is a usage error: exit 2.
        assert.ok(error instanceof ConfigError);
        assert.equal(error.exitCode, 2);
        assert.match(error.message, /--hyperd: .*nope does not exist/);
        assert.match(error.message, /To fix: check the path given with --hyperd\.$/m);
        return true;
      },
    );
    await assert.rejects(
      locateHyperd({ cacheDir, install: false, say: () => {} }),
      (error: unknown) => {
        assert.ok(error instanceof HyperdError);
        assert.match(error.message, /cache: .*hyperd-0\.7\.3.* does not exist/);
        assert.match(error.message, /node_modules: /);
        assert.match(error.message, /tableauhyperapi: /);
        assert.match(error.message, /npm pack/);
        return true;
      },
    );
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test({
  name: "locateHyperd() installs the npm package into an empty cache and then finds it there",
  ignore: npmPackageName() === null,
  fn: async () => {
    const cacheDir = await Deno.makeTempDir();
    try {
      const said: string[] = [];
      const installed = await locateHyperd({ cacheDir, say: (line) => said.push(line) });
      assert.equal(installed.source, "npm install");
      // The 90 MB download is announced through the sink the command passed, not the console.
      assert.match(said.join("\n"), /^installing hyperd from npm \(.*about 90 MB\) into /m);
      assert.equal(installed.path, join(cacheDir, `hyperd-${HYPERD_PACKAGE_VERSION}`, "hyperd"));
      const again = await locateHyperd({ cacheDir, install: false, say: () => {} });
      assert.equal(again.source, "cache");
      assert.equal(again.version, installed.version);
    } finally {
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});
