/** A clock a unit test moves by hand, for code that takes a Clock (src/time.ts). */
import type { Clock } from "../../src/time.ts";

/** A fake clock at `startMs` and the way to move it on. */
export interface FakeClock {
  now: Clock;
  /** Moves the clock `ms` on; returns the new time. */
  advance: (ms: number) => number;
}

/** A clock that stands at `startMs` until the test moves it. */
export function fakeClock(startMs = 1_700_000_000_000): FakeClock {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms) => (nowMs += ms) };
}
