import assert from "node:assert/strict";
import { SharedFlags } from "../../src/users/shared_flags.ts";

Deno.test("SharedFlags.untilStopped() resolves at once when the run has stopped", async () => {
  const flags = new SharedFlags();
  flags.stopped = true;
  await flags.untilStopped();
});

Deno.test("SharedFlags.untilStopped() wakes a waiting worker when another thread sets the stop flag", async () => {
  const module = new URL("../../src/users/shared_flags.ts", import.meta.url).href;
  const source = `
    import { SharedFlags } from "${module}";
    self.onmessage = async (event) => {
      const flags = new SharedFlags(event.data);
      const started = performance.now();
      self.postMessage("waiting");
      await flags.untilStopped();
      self.postMessage(performance.now() - started);
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
    assert.equal((await messages.read()).value, "waiting");
    await new Promise((resolve) => setTimeout(resolve, 200));
    flags.stopped = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const woke = await Promise.race([
      messages.read().then((read) => read.value as number),
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 10_000))),
    ]);
    clearTimeout(timer);
    assert.notEqual(woke, null, "the worker never woke");
    assert.ok(woke! >= 150, `woke after ${woke} ms, before the stop`);
  } finally {
    clearInterval(keepAlive);
    worker.terminate();
    URL.revokeObjectURL(url);
  }
});
