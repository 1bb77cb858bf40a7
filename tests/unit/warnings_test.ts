import assert from "node:assert/strict";
import { type LogEntry, parseLogLine, parseLogTime } from "../../src/hyperd/log_entries.ts";
import {
  loggedBeforeRun,
  readWarning,
  runSecondOf,
  type ServerWarning,
  WARNING_KINDS,
  warningMeaning,
  WarningTally,
} from "../../src/hyperd/warnings.ts";
import { summaryText } from "../../src/results/summary_text.ts";
import { summaryFixture } from "../helpers/summary_fixture.ts";

// A real 50-second stall of two Arrow COPYs and an aggregate on one table (hyperd 0.0.26359).
const STALL = new URL("../fixtures/hyperd_stall_excerpt.jsonl", import.meta.url);
const ABORT = new URL("../fixtures/hyperd_abort_memory_limit.jsonl", import.meta.url);

async function entries(url: URL): Promise<LogEntry[]> {
  return (await Deno.readTextFile(url)).split("\n").filter(Boolean).map((line) => {
    const entry = parseLogLine(line);
    assert.ok(entry, `fixture line does not parse: ${line.slice(0, 80)}`);
    return entry;
  });
}

async function warnings(url: URL): Promise<ServerWarning[]> {
  return (await entries(url)).map(readWarning).filter((w): w is ServerWarning => w !== null);
}

Deno.test("readWarning() collects the anomaly warnings of a real stall and nothing else", async () => {
  const found = await warnings(STALL);
  const kinds = found.map((w) => w.kind);
  const count = (kind: string) => kinds.filter((k) => k === kind).length;
  assert.equal(count("scheduler-starvation"), 2);
  assert.equal(count("shared-mutex-starvation-detected"), 2);
  assert.equal(count("query-plan-slow"), 2);
  assert.equal(count("number-network-threads-low"), 3);
  // Four job skips, of which two had gone 5 s or more without progress.
  assert.equal(count("cancellationmanager-signal-job-skip"), 2);
  // query-end, query-running-info and scheduler-thread-on-last-job are not warnings.
  assert.equal(found.length, 11);
});

Deno.test("readWarning() reads each kind's figures in words, without nested payloads", async () => {
  const found = await warnings(STALL);
  const first = (kind: string) => found.find((w) => w.kind === kind)!;
  const starvation = first("scheduler-starvation");
  assert.equal(starvation.detail, "timeout 5.87 s");
  assert.equal(starvation.session, "t7IC71NtIogmS6eZJtwI7Q");
  assert.equal(starvation.request, "356");
  assert.equal(starvation.atMs, parseLogTime("2026-11-24T02:56:11.948765"));
  assert.deepEqual(starvation.values, { timeout: 5.87339 });
  assert.equal(first("shared-mutex-starvation-detected").detail, "");
  assert.equal(first("cancellationmanager-signal-job-skip").detail, "no progress for 5.45 s");
  const plan = first("query-plan-slow");
  assert.equal(plan.detail, "running for 50.04 s");
  assert.deepEqual(Object.keys(plan.values), ["current-elapsed"], "the plan itself is left out");
  assert.equal(
    first("number-network-threads-low").detail,
    "4 active continuations on 4 network threads",
  );
});

Deno.test("readWarning() reads memory-limit-exceeded with the limit it crossed", async () => {
  const [warning] = await warnings(ABORT);
  assert.equal(warning.kind, "memory-limit-exceeded");
  assert.match(warning.detail, /limit of 314572800 bytes was exceeded by an allocation of \d+/);
});

Deno.test("WarningTally counts per kind with the first and last run second and the first entry", async () => {
  const tally = new WarningTally();
  const found = await warnings(STALL);
  const startMs = found[0].atMs;
  for (const w of found) tally.add(w, (w.atMs - startMs) / 1000);
  const report = tally.report();
  assert.equal(tally.total, 11);
  assert.deepEqual(Object.keys(report), [
    "scheduler-starvation",
    "shared-mutex-starvation-detected",
    "cancellationmanager-signal-job-skip",
    "query-plan-slow",
    "number-network-threads-low",
  ]);
  const starvation = report["scheduler-starvation"];
  assert.equal(starvation.count, 2);
  assert.equal(Math.round(starvation.firstAtSec * 1000), 38556);
  assert.equal(Math.round(starvation.lastAtSec * 1000), 44560);
  assert.equal(starvation.example.detail, "timeout 5.87 s");
  assert.equal(starvation.example.atSec, starvation.firstAtSec);
});

Deno.test("runSecondOf() maps a log time onto the run clock, never before 0 or after now", () => {
  const now = 1_000_000;
  assert.equal(runSecondOf(now - 2500, now, 10), 7.5);
  assert.equal(runSecondOf(now, now, 10), 10);
  assert.equal(runSecondOf(now - 60_000, now, 10), 0, "set-up entries come before the run");
  assert.equal(runSecondOf(now + 3000, now, 10), 10, "a clock a little ahead is clamped");
  assert.equal(runSecondOf(NaN, now, 10), 10, "a bad timestamp counts as read now");
  assert.equal(loggedBeforeRun(now - 10_001, now, 10), true, "logged before the start");
  assert.equal(loggedBeforeRun(now - 9_999, now, 10), false);
  assert.equal(loggedBeforeRun(NaN, now, 10), false);
});

Deno.test("too few network threads is expected on 2 cores and trouble on 16; starvation always", () => {
  const few = warningMeaning("number-network-threads-low", 2);
  assert.equal(few.label, "too few network threads");
  assert.equal(few.trouble, false);
  assert.match(few.why!, /^expected on 2 cores/);
  assert.equal(warningMeaning("number-network-threads-low", 16).trouble, true);
  assert.equal(warningMeaning("number-network-threads-low", null).trouble, true);
  for (const kind of Object.keys(WARNING_KINDS)) {
    const meaning = warningMeaning(kind, 2);
    assert.ok(meaning.meaning.length > 0 && meaning.meaning.length <= 80, kind);
  }
  assert.equal(warningMeaning("scheduler-starvation", 2).trouble, true);
  assert.equal(warningMeaning("memory-limit-exceeded", 2).trouble, true);
  assert.equal(warningMeaning("some-new-kind", 2).trouble, true);
});

Deno.test("WarningTally counts as trouble only the warnings not expected on its machine", async () => {
  const found = await warnings(STALL);
  const threads = found.filter((w) => w.kind === "number-network-threads-low").length;
  assert.ok(threads > 0);
  const onTwo = new WarningTally(2);
  const onSixteen = new WarningTally(16);
  for (const w of found) [onTwo, onSixteen].forEach((tally) => tally.add(w, 1));
  assert.equal(onTwo.total, found.length);
  assert.equal(onTwo.trouble, found.length - threads);
  assert.equal(onSixteen.trouble, found.length);
});

Deno.test("the text summary groups hyperd's warnings under their labels, trouble first", () => {
  const example = {
    kind: "",
    atMs: 0,
    atSec: 1,
    detail: "",
    session: "-",
    request: "-",
    values: {},
  };
  const summary = summaryFixture({
    host: { os: "linux", arch: "x86_64", cores: 2, cpuModel: null, memoryMb: 8000 },
    serverWarnings: {
      "number-network-threads-low": { count: 125, firstAtSec: 1, lastAtSec: 99, example },
      "scheduler-starvation": { count: 3, firstAtSec: 5, lastAtSec: 9, example },
    },
  });
  const text = summaryText(summary);
  assert.match(
    text,
    /^hyperd warnings:\n {2}scheduler starvation +3x {2}tasks waited too long for one of hyperd's worker threads\n {2}too few network threads {2}125x {2}expected on 2 cores; not a problem here$/m,
  );
  assert.doesNotMatch(text, /number-network-threads-low/);
});
