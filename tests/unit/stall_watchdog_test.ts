import assert from "node:assert/strict";
import { StallWatchdog } from "../../src/run/stall_watchdog.ts";

Deno.test("StallWatchdog counts seconds since the last completion and calls the limit a stall", () => {
  const dog = new StallWatchdog(10);
  assert.equal(dog.update(1, 0.8, false), 0); // the count starts at its first look
  assert.equal(dog.update(5, 4.5, false), 0.5);
  assert.equal(dog.update(14, 4.5, false), 9.5);
  assert.equal(dog.stalled(9.5), false);
  const quiet = dog.update(15, 4.5, false);
  assert.equal(quiet, 10.5);
  assert.equal(dog.stalled(quiet), true);
});

Deno.test("StallWatchdog counts from its first look when nothing has completed yet", () => {
  const dog = new StallWatchdog(60);
  assert.equal(dog.update(3, 0, false), 0);
  assert.equal(dog.update(33, 0, false), 30);
  assert.equal(dog.update(64, 0, false), 61);
  assert.equal(dog.stalled(61), true);
});

Deno.test("StallWatchdog does not count time users are paused on purpose", () => {
  const dog = new StallWatchdog(10);
  dog.update(1, 1, false);
  assert.equal(dog.update(30, 1, true), 0);
  // The quiet time starts again when the pause ends, not at the last completion.
  assert.equal(dog.update(31, 1, false), 0);
  assert.equal(dog.update(40, 1, false), 9);
  assert.equal(dog.stalled(dog.update(41, 1, false)), true);
});

Deno.test("StallWatchdog restarts its count at every completion", () => {
  const dog = new StallWatchdog(5);
  for (let sec = 1; sec <= 100; sec++) {
    assert.equal(dog.stalled(dog.update(sec, sec - 0.5, false)), false, `second ${sec}`);
  }
});
