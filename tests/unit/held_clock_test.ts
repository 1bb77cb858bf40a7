import assert from "node:assert/strict";
import { SharedFlags } from "../../src/users/shared_flags.ts";

Deno.test("HeldClock counts overlapping holds of several users once, as wall time", () => {
  const { heldByBackpressure: clock } = new SharedFlags();
  assert.equal(clock.seconds(0), 0);
  clock.enter(1000); // user A
  clock.enter(2000); // user B, while A waits
  assert.equal(clock.holders, 2);
  clock.leave(4000); // A goes on; B still waits
  assert.equal(clock.seconds(4500), 3.5, "a hold still going counts up to now");
  clock.leave(5000); // B goes on: held 1 s to 5 s
  assert.equal(clock.holders, 0);
  assert.equal(clock.seconds(9000), 4);
  clock.enter(10_000);
  clock.leave(10_250);
  assert.equal(clock.seconds(20_000), 4.25);
});

Deno.test("HeldClock ignores a leave without an enter", () => {
  const { heldReadOnly: clock } = new SharedFlags();
  clock.leave(5000);
  assert.equal(clock.holders, 0);
  clock.enter(6000);
  clock.leave(7000);
  assert.equal(clock.seconds(8000), 1);
});

Deno.test("SharedFlags' backpressure and read-only clocks are separate", () => {
  const flags = new SharedFlags();
  flags.heldByBackpressure.enter(0);
  flags.heldReadOnly.enter(500);
  flags.heldByBackpressure.leave(2000);
  assert.equal(flags.heldByBackpressure.seconds(3000), 2);
  assert.equal(flags.heldReadOnly.seconds(3000), 2.5);
  flags.backpressure = true;
  flags.diskFull = true;
  assert.equal(flags.heldReadOnly.holders, 1);
  assert.equal(flags.heldByBackpressure.holders, 0);
});

Deno.test("HeldClock adds up holds made in a worker thread", async () => {
  const module = new URL("../../src/users/shared_flags.ts", import.meta.url).href;
  const source = `
    import { SharedFlags } from "${module}";
    self.onmessage = (event) => {
      const [buffer, from, to] = event.data;
      const flags = new SharedFlags(buffer);
      flags.heldByBackpressure.enter(from);
      flags.heldByBackpressure.leave(to);
      self.postMessage("done");
    };`;
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  try {
    const flags = new SharedFlags();
    const inWorker = async (from: number, to: number) => {
      const done = new Promise((resolve) => (worker.onmessage = resolve));
      worker.postMessage([flags.buffer, from, to]);
      await done;
    };
    flags.heldByBackpressure.enter(1000);
    flags.heldByBackpressure.leave(3000);
    await inWorker(5000, 6000);
    assert.equal(flags.heldByBackpressure.seconds(6500), 3, "the worker's hold counts here");
    // A worker's hold inside one of this thread's counts once.
    flags.heldByBackpressure.enter(7000);
    await inWorker(8000, 9000);
    flags.heldByBackpressure.leave(10_000);
    assert.equal(flags.heldByBackpressure.seconds(11_000), 6);
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
});
