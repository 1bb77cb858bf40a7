import assert from "node:assert/strict";
import { join } from "node:path";
import type { LogEntry } from "../../src/hyperd/log_entries.ts";
import { LogTail } from "../../src/hyperd/log_tail.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const POLL_MS = 20;

/** A poll schedule that never fires by itself: the tests poll by hand, on no clock. */
const BY_HAND = () => () => {};

/** A log line in hyperd's envelope whose payload says which line it is. */
function line(n: number): string {
  return JSON.stringify({
    ts: "2026-11-23T22:32:26.806829",
    pid: 1,
    tid: "7f4fb3fff6c0|task t2",
    sev: "info",
    req: "1",
    sess: "s",
    k: "query-end",
    v: { n },
  }) + "\n";
}

/** Collects what a tail delivers, by payload number. */
function collector(): { seen: number[]; onEntry: (entry: LogEntry) => void } {
  const seen: number[] = [];
  return { seen, onEntry: (entry) => seen.push(entry.v.n as number) };
}

/**
 * Polls `tail` until `done` holds: a read may leave the rest to the next (a rename is finished
 * on one, the new file found on the next), so a few reads, but no waiting on a clock.
 */
async function pollUntil(tail: LogTail, done: () => boolean, what: string): Promise<void> {
  for (let polls = 0; polls < 5 && !done(); polls++) await tail.poll();
  assert.ok(done(), `5 polls did not bring ${what}`);
}

function append(path: string, text: string): Promise<void> {
  return Deno.writeTextFile(path, text, { append: true });
}

/** What a tail saw while `body` wrote its log, after the tail was closed. */
interface Followed {
  seen: number[];
  tail: LogTail;
}

/**
 * Starts a tail on `logPath(dir)` in a temp dir, runs `body` with the dir and the entries seen
 * so far, then closes the tail (always) and hands back what it saw.
 */
async function follow(
  body: (dir: string, seen: number[], tail: LogTail) => Promise<void>,
  logPath: (dir: string) => string = (dir) => join(dir, "hyperd.log"),
): Promise<Followed> {
  return await withTempDir(async (dir) => {
    const { seen, onEntry } = collector();
    const tail = new LogTail(logPath(dir), onEntry, { pollMs: POLL_MS, every: BY_HAND });
    tail.start();
    try {
      await body(dir, seen, tail);
    } finally {
      await tail.close();
    }
    return { seen, tail };
  });
}

Deno.test("LogTail picks up a log file created after it started", async () => {
  const { seen } = await follow(async (dir, seen, tail) => {
    await tail.poll();
    await append(join(dir, "hyperd.log"), line(1) + line(2));
    await pollUntil(tail, () => seen.length === 2, "two entries");
    await append(join(dir, "hyperd.log"), line(3));
    await pollUntil(tail, () => seen.length === 3, "a third entry");
  });
  assert.deepEqual(seen, [1, 2, 3]);
});

Deno.test("LogTail waits for a log directory that does not exist yet", async () => {
  const { seen } = await follow(async (dir, seen, tail) => {
    await tail.poll();
    await Deno.mkdir(join(dir, "logs"));
    await append(join(dir, "logs", "hyperd.log"), line(1));
    await pollUntil(tail, () => seen.length === 1, "the entry");
  }, (dir) => join(dir, "logs", "hyperd.log"));
  assert.deepEqual(seen, [1]);
});

Deno.test("LogTail delivers a line written in two halves once, when its newline arrives", async () => {
  const { seen, tail } = await follow(async (dir, seen, tail) => {
    const whole = line(7);
    await append(join(dir, "hyperd.log"), line(6) + whole.slice(0, 40));
    await pollUntil(tail, () => seen.length === 1, "the first entry");
    await tail.poll();
    assert.deepEqual(seen, [6]);
    await append(join(dir, "hyperd.log"), whole.slice(40));
    await pollUntil(tail, () => seen.length === 2, "the completed entry");
  });
  assert.deepEqual(seen, [6, 7]);
  assert.equal(tail.malformedLines, 0);
});

Deno.test("LogTail counts and skips a malformed line", async () => {
  const { seen, tail } = await follow(async (dir, seen, tail) => {
    const cutOff = '{"ts":"2026-11-23T22:32:26.8", "k": cut off\n';
    await append(join(dir, "hyperd.log"), line(1) + cutOff + "\n" + line(2));
    await pollUntil(tail, () => seen.length === 2, "both good entries");
  });
  assert.deepEqual(seen, [1, 2]);
  assert.equal(tail.malformedLines, 1);
  assert.equal(tail.entries, 2);
});

Deno.test("LogTail finishes a renamed-away log, then follows the new file from its start", async () => {
  const { seen } = await follow(async (dir, seen, tail) => {
    const path = join(dir, "hyperd.log");
    await append(path, line(1));
    await pollUntil(tail, () => seen.length === 1, "the first entry");
    await Deno.rename(path, join(dir, "hyperd.log.1"));
    // A writer that still holds the old file finishes its last line there.
    await append(join(dir, "hyperd.log.1"), line(2));
    await append(path, line(3) + line(4));
    await pollUntil(tail, () => seen.length === 4, "all four entries");
  });
  assert.deepEqual(seen, [1, 2, 3, 4]);
});

Deno.test("LogTail starts over when the log is truncated in place", async () => {
  const { seen } = await follow(async (dir, seen, tail) => {
    const path = join(dir, "hyperd.log");
    await append(path, line(1) + line(2));
    await pollUntil(tail, () => seen.length === 2, "the first two entries");
    await Deno.writeTextFile(path, line(3));
    await pollUntil(tail, () => seen.length === 3, "the entry after truncation");
  });
  assert.deepEqual(seen, [1, 2, 3]);
});

Deno.test("LogTail follows hyperd's size-based rotation through timestamped files", async () => {
  const { seen } = await follow(async (dir, seen, tail) => {
    // What hyperd writes with --log_file_size_limit: no hyperd.log, one file per rotation, and
    // two rotations in one second make it alternate between <second>.log and <second>_1.log.
    // hyperd_bk.log is log_file_backup_size_limit's copy of an older log, not part of this one.
    await Deno.writeTextFile(join(dir, "hyperd_bk.log"), line(99));
    const file = (name: string) => join(dir, `hyperd_2026_11_23_22_28_${name}.log`);
    await append(file("40"), line(1));
    await pollUntil(tail, () => seen.length === 1, "the first file");
    await append(file("40"), line(2));
    await append(file("40_1"), line(3));
    await pollUntil(tail, () => seen.length === 3, "the _1 file");
    await append(file("40"), line(4));
    await append(file("40_1"), line(5));
    await pollUntil(tail, () => seen.length === 5, "the same second's files again");
    await append(file("42"), line(6));
    await pollUntil(tail, () => seen.length === 6, "the next second's file");
  });
  assert.deepEqual(seen.toSorted(), [1, 2, 3, 4, 5, 6]);
});

Deno.test("LogTail.close() reads what is left, including a last line without its newline", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "hyperd.log");
    await Deno.writeTextFile(path, line(1) + line(2).trimEnd());
    const { seen, onEntry } = collector();
    const tail = new LogTail(path, onEntry, { pollMs: POLL_MS });
    await tail.close();
    assert.deepEqual(seen, [1, 2]);
    // A second close is the same close: nothing is read twice.
    await tail.close();
    assert.deepEqual(seen, [1, 2]);
  });
});

Deno.test("LogTail with startAtEnd skips what the log held at the start, even a half line", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "hyperd.log");
    const half = line(3);
    await Deno.writeTextFile(path, line(1) + line(2) + half.slice(0, 30));
    const { seen, onEntry } = collector();
    const tail = new LogTail(path, onEntry, { pollMs: POLL_MS, startAtEnd: true, every: BY_HAND });
    tail.start();
    try {
      await tail.poll();
      await append(path, half.slice(30) + line(4));
      await pollUntil(tail, () => seen.length === 1, "the first entry written after the start");
      await append(path, line(5));
      await pollUntil(tail, () => seen.length === 2, "the next entry");
    } finally {
      await tail.close();
    }
    assert.deepEqual(seen, [4, 5]);
    assert.equal(tail.malformedLines, 0);
  });
});

Deno.test("LogTail with startAtEnd reads a log created after the start from its first byte", async () => {
  const { seen } = await withTempDir(async (dir) => {
    const { seen, onEntry } = collector();
    const tail = new LogTail(join(dir, "hyperd.log"), onEntry, {
      pollMs: POLL_MS,
      startAtEnd: true,
    });
    tail.start();
    try {
      await tail.poll();
      await append(join(dir, "hyperd.log"), line(1) + line(2));
      await pollUntil(tail, () => seen.length === 2, "both entries");
    } finally {
      await tail.close();
    }
    return { seen };
  });
  assert.deepEqual(seen, [1, 2]);
});

Deno.test("LogTail.start() reads at once, then on every poll of its schedule until closed", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "hyperd.log");
    await Deno.writeTextFile(path, line(1));
    const { seen, onEntry } = collector();
    const ticks: (() => void)[] = [];
    let stopped = false;
    const every = (ms: number, poll: () => void) => {
      assert.equal(ms, POLL_MS);
      ticks.push(poll);
      return () => (stopped = true);
    };
    const tail = new LogTail(path, onEntry, { pollMs: POLL_MS, every });
    tail.start();
    await tail.poll(); // the read start() began
    assert.deepEqual(seen, [1]);
    await append(path, line(2));
    ticks[0]();
    await tail.poll(); // the tick's read, finished
    assert.deepEqual(seen, [1, 2]);
    await tail.close();
    assert.equal(stopped, true, "close() stops the schedule");
    assert.equal(ticks.length, 1);
  });
});
