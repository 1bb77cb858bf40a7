import assert from "node:assert/strict";
import { Interrupt, SAME_PRESS_MS } from "../../src/cli/interrupt.ts";

/** An interrupt on a fake clock that records what it said, killed and exited with. */
function fakeInterrupt() {
  const said: string[] = [];
  const exits: number[] = [];
  const events: string[] = [];
  let nowMs = 10_000;
  const interrupt = new Interrupt({
    say: (line) => said.push(line),
    now: () => nowMs,
    exit: (code) => {
      events.push("exit");
      exits.push(code);
    },
    killServers: () => events.push("kill"),
  });
  return { interrupt, said, exits, events, advance: (ms: number) => (nowMs += ms) };
}

Deno.test("Interrupt: the first signal aborts and says how to quit at once", () => {
  const { interrupt, said, exits } = fakeInterrupt();
  interrupt.receive("SIGINT");
  assert.equal(interrupt.signal.aborted, true);
  assert.deepEqual(said, ["SIGINT received: stopping (press Ctrl-C again to quit at once)"]);
  assert.deepEqual(exits, []);
});

Deno.test("Interrupt: signals within SAME_PRESS_MS of the first are the same press", () => {
  const { interrupt, said, exits, advance } = fakeInterrupt();
  interrupt.receive("SIGINT");
  advance(5);
  interrupt.receive("SIGINT"); // deno task passes the terminal's SIGINT on
  advance(SAME_PRESS_MS - 10);
  interrupt.receive("SIGINT");
  assert.equal(said.length, 1);
  assert.deepEqual(exits, []);
});

Deno.test("Interrupt: a later second signal shows the last words, kills hyperd and exits 130", () => {
  const { interrupt, exits, events, advance } = fakeInterrupt();
  interrupt.beforeQuit(() => events.push("summary"));
  interrupt.receive("SIGINT");
  advance(3000);
  interrupt.receive("SIGINT");
  assert.deepEqual(events, ["summary", "kill", "exit"]);
  assert.deepEqual(exits, [130]);
});

Deno.test("Interrupt: last words that fail still let the second signal quit", () => {
  const { interrupt, said, exits, advance } = fakeInterrupt();
  interrupt.beforeQuit(() => {
    throw new Error("no stats yet");
  });
  interrupt.receive("SIGTERM");
  advance(SAME_PRESS_MS);
  interrupt.receive("SIGTERM");
  assert.equal(said[0], "SIGTERM received: stopping (send SIGTERM again to quit at once)");
  assert.equal(said[1], "could not show what was measured so far: no stats yet");
  assert.deepEqual(exits, [130]);
});
