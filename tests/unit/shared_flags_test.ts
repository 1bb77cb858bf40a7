import assert from "node:assert/strict";
import { SharedFlags } from "../../src/users/shared_flags.ts";
import { TIMED_OUT, within } from "../../src/time.ts";

/**
 * A bound on a wait that must end at once, so a regression fails instead of hanging the suite.
 * Generous: a worker starting on a loaded 2-core machine can take seconds.
 */
const HANG_MS = 20_000;

Deno.test("SharedFlags.untilStopped() resolves at once when the run has stopped", async () => {
  const flags = new SharedFlags();
  flags.stopped = true;
  assert.notEqual(await within(flags.untilStopped(), HANG_MS), TIMED_OUT, "it never resolved");
});

Deno.test("SharedFlags.untilStopped() wakes a waiting worker when another thread sets the stop flag", async () => {
  const module = new URL("../../src/users/shared_flags.ts", import.meta.url).href;
  // The worker says what it saw when it woke: a wake before the stop would see it unset.
  const source = `
    import { SharedFlags } from "${module}";
    self.onmessage = async (event) => {
      const flags = new SharedFlags(event.data);
      self.postMessage("waiting");
      await flags.untilStopped();
      self.postMessage(flags.stopped ? "woke after the stop" : "woke before the stop");
    };`;
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  // Keeps this test's event loop busy while the worker waits, as a run's watch does.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    const flags = new SharedFlags();
    const messages = new ReadableStream<unknown>({
      start(controller) {
        worker.onmessage = (event) => controller.enqueue(event.data);
      },
    }).getReader();
    worker.postMessage(flags.buffer);
    assert.equal(await within(messages.read().then((r) => r.value), HANG_MS), "waiting");
    flags.stopped = true;
    const woke = await within(messages.read().then((r) => r.value), HANG_MS);
    assert.notEqual(woke, TIMED_OUT, "the worker never woke");
    assert.equal(woke, "woke after the stop");
  } finally {
    clearInterval(keepAlive);
    worker.terminate();
    URL.revokeObjectURL(url);
  }
});
