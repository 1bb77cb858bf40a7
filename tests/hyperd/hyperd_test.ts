import assert from "node:assert/strict";
import { join } from "node:path";
import { HyperdError } from "../../src/errors.ts";
import { Hyperd, type HyperdOptions, HyperdProcesses } from "../../src/hyperd/process.ts";
import { connect } from "../../src/wire/connection.ts";
import { processExists, testBinary, withHyperd } from "../helpers/hyperd.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

Deno.test("Hyperd.start() learns the port from the callback and stop() ends the process", async () => {
  let pid = 0;
  await withHyperd(async (hyperd) => {
    pid = hyperd.pid;
    assert.equal(hyperd.host, "127.0.0.1");
    assert.ok(hyperd.port > 0);
    const { sql } = connect(hyperd);
    try {
      const [row] = await sql`SELECT 1 + 1 AS two`;
      assert.equal(row.two, 2);
    } finally {
      await sql.end();
    }
    const exit = await hyperd.stop();
    assert.equal(exit.unexpected, false);
    assert.equal(exit.code, 0);
  });
  assert.equal(processExists(pid), false);
});

/** Starts hyperd with `options`, expecting a HyperdError whose message matches `patterns`. */
async function assertStartFails(
  options: Partial<HyperdOptions>,
  ...patterns: RegExp[]
): Promise<void> {
  await withTempDir(async (dir) => {
    const { path } = await testBinary();
    await assert.rejects(
      Hyperd.start({ binary: path, logDir: join(dir, "log"), ...options }),
      (error: unknown) => {
        assert.ok(error instanceof HyperdError);
        assert.equal(error.code, "HYPERD_START_FAILED");
        for (const pattern of patterns) assert.match(error.message, pattern);
        return true;
      },
    );
  });
}

Deno.test("Hyperd.start() fails with hyperd's output when the callback does not come in time", async () => {
  await assertStartFails(
    { startTimeoutMs: 1 },
    /did not call back within 1 ms/,
    /last lines of .*hyperd\.log/,
  );
});

Deno.test("Hyperd.start() reports hyperd's stderr when a setting is unknown", async () => {
  await assertStartFails(
    { settings: { no_such_setting: 1 } },
    /exited with code 1 before calling back/,
    /no_such_setting/,
  );
});

/**
 * How soon a killed hyperd must be noticed. The exit comes from the child's status promise, at
 * once on an idle machine; 5 s leaves room for a loaded 2-core machine and still fails a watch
 * that only noticed by polling or by a connection timing out (tens of seconds).
 */
const NOTICE_BOUND_MS = 5000;

Deno.test("Hyperd notices within seconds when hyperd is killed with SIGKILL", async () => {
  await withHyperd(async (hyperd) => {
    const noticed = new Promise<{ at: number; signal: Deno.Signal | null }>((
      resolve,
    ) =>
      hyperd.onUnexpectedExit((exit) => resolve({ at: performance.now(), signal: exit.signal }))
    );
    const killedAt = performance.now();
    Deno.kill(hyperd.pid, "SIGKILL");
    const { at, signal } = await noticed;
    assert.equal(signal, "SIGKILL");
    assert.ok(at - killedAt < NOTICE_BOUND_MS, `noticed after ${at - killedAt} ms`);
  });
});

Deno.test("Hyperd passes settings as --name=value and writes its log into logDir", async () => {
  await withHyperd(async (hyperd) => {
    const logFile = join(hyperd.logDir, "hyperd.log");
    // With a 1 s interval the first resource sample follows within a few seconds.
    for (
      let i = 0;
      i < 50 &&
      !/"k":"resource-metrics"/.test(await Deno.readTextFile(logFile));
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const log = await Deno.readTextFile(logFile);
    assert.match(log, /"k":"resource-metrics"/);
    assert.match(log, /"log_resource_usage_mode":"2047"/);
    assert.match(log, /"log_resource_usage_always":true/);
  }, {
    settings: {
      log_resource_usage_interval: "1s",
      log_resource_usage_mode: 2047,
      log_resource_usage_always: 1,
    },
  });
});

Deno.test("HyperdProcesses.killAll() kills the hyperds started with it, and forgets them once gone", async () => {
  const processes = new HyperdProcesses();
  await withHyperd(async (hyperd) => {
    assert.equal(processes.size, 1);
    processes.killAll();
    const exit = await hyperd.exited;
    assert.equal(exit.signal, "SIGKILL");
    assert.equal(exit.unexpected, true);
    assert.equal(processes.size, 0);
  }, { processes });
});
