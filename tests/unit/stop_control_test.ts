import assert from "node:assert/strict";
import { StopControl } from "../../src/run/stop_control.ts";
import { SharedFlags } from "../../src/users/shared_flags.ts";

Deno.test("StopControl: the first reason wins over a milder later one", () => {
  const control = new StopControl(new SharedFlags());
  control.stop("Stalled", "no operation completed for 60 s");
  control.stop("DurationElapsed");
  control.stop("WorkerFailed", "worker 0: gone");
  assert.equal(control.reason, "Stalled");
  assert.equal(control.detail, "no operation completed for 60 s");
});

Deno.test("StopControl: a crash after the duration ran out speaks for the run", () => {
  const flags = new SharedFlags();
  const control = new StopControl(flags);
  control.stop("DurationElapsed");
  control.stop("CrashDetected", "hyperd exited with signal SIGABRT");
  assert.equal(control.reason, "CrashDetected");
  assert.equal(control.detail, "hyperd exited with signal SIGABRT");
  assert.equal(flags.stopped, true);
});

Deno.test("StopControl: a crash after an interrupt counts too, a worker's failure does not", () => {
  const control = new StopControl(new SharedFlags());
  control.stop("Interrupted", "signal");
  control.stop("WorkerFailed", "worker 1: gone");
  assert.equal(control.reason, "Interrupted");
  control.stop("CrashDetected", "hyperd exited with signal SIGSEGV");
  assert.equal(control.reason, "CrashDetected");
});
