import assert from "node:assert/strict";
import { join } from "node:path";
import { crashCause, crashInfo, describeCause } from "../../src/hyperd/crash.ts";
import { type LogEntry, parseLogLine, readFatalEntry } from "../../src/hyperd/log_entries.ts";
import { problemsCards } from "../../src/results/report/problem_cards.ts";
import { crashedSummaryFixture, emptySummaryFixture } from "../helpers/summary_fixture.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

// The fatal entries of a real SIGABRT (hyperd main.0.0.26359, memory_limit=300m, large COPYs).
const ABORT = new URL("../fixtures/hyperd_abort_memory_limit.jsonl", import.meta.url);
// The fatal entries of a real SIGABRT on a full 40 MB tmpfs (same hyperd, default settings).
const DISK_FULL = new URL("../fixtures/hyperd_abort_disk_full.jsonl", import.meta.url);
// Ordinary lines of a real hyperd log: query errors, samples, a survived memory-limit warning.
const ORDINARY = new URL("../fixtures/hyperd_log_sample.jsonl", import.meta.url);

const ALLOCATION_FAILED = "unable to write compressed datablock: Cannot allocate 2332356 bytes " +
  "of memory: The `global memory limit` limit of 314572800 bytes was exceeded.";

async function entries(url: URL): Promise<LogEntry[]> {
  const lines = (await Deno.readTextFile(url)).split("\n").filter((line) => line !== "");
  return lines.map((line) => {
    const entry = parseLogLine(line);
    assert.ok(entry, `fixture line does not parse: ${line.slice(0, 80)}`);
    return entry;
  });
}

/** A log entry of `kind` with payload `v`, written by hyperd `pid`. */
function entry(k: string, v: Record<string, unknown>, pid = 7): LogEntry {
  return {
    ts: "2026-11-24T02:29:05.000000",
    pid,
    tid: "",
    sev: "fatal",
    req: "-",
    sess: "-",
    k,
    v,
  };
}

Deno.test("readFatalEntry() reads each fatal entry and the memory warning of a real abort", async () => {
  const fatal = (await entries(ABORT)).map(readFatalEntry);
  assert.deepEqual(fatal.map((f) => f && [f.kind, f.fatal, f.code, f.message]), [
    [
      "memory-limit-exceeded",
      false,
      "",
      "The `global memory limit` limit of 314572800 bytes was exceeded by an allocation of " +
      "2332356 bytes.",
    ],
    ["finalize-version-failed", true, "53S02", ALLOCATION_FAILED],
    ["server-termination", true, "", ALLOCATION_FAILED],
    ["unhandled-exception", true, "53S02", ALLOCATION_FAILED],
    ["deadly-signal-received", true, "", "SIGABRT"],
  ]);
  assert.ok(fatal.every((f) => f?.pid === 31004));
  assert.equal(fatal[1]!.atMs, new Date(2026, 10, 24, 2, 29, 4).getTime() + 980.239);
});

Deno.test("readFatalEntry() ignores query errors, resource samples and other kinds", async () => {
  const ordinary = await entries(ORDINARY);
  assert.ok(ordinary.some((e) => e.k === "query-end-system-error"));
  // hyperd survived this memory-limit warning: the query failed with 53S02 instead.
  const read = ordinary.map(readFatalEntry).filter((f) => f !== null);
  assert.deepEqual(read.map((f) => [f.kind, f.fatal]), [["memory-limit-exceeded", false]]);
  assert.match(read[0].message, /by an allocation of 54484992 bytes\.$/);
  assert.equal(readFatalEntry(entry("signal-backtrace", { "signal-name": "SIGABRT" })), null);
});

Deno.test("readFatalEntry() falls back to the summary line and the reason when details are missing", () => {
  const finalize = readFatalEntry(entry("finalize-version-failed", { msg: "going down" }));
  assert.deepEqual([finalize?.code, finalize?.message], ["", "going down"]);
  const termination = readFatalEntry(entry("server-termination", { reason: "runtime exception" }));
  assert.equal(termination?.message, "runtime exception");
  const bare = readFatalEntry(entry("memory-limit-exceeded", {}));
  assert.equal(bare?.message, "The `memory` limit was exceeded.");
});

Deno.test("crashCause() takes the exception's code and message from a real abort", async () => {
  assert.deepEqual(crashCause(await entries(ABORT)), {
    kind: "finalize-version-failed",
    code: "53S02",
    message: ALLOCATION_FAILED,
  });
});

Deno.test("crashCause() falls back to the termination's detail, then the signal", async () => {
  const abort = await entries(ABORT);
  const withoutExceptions = abort.filter((e) =>
    e.k !== "finalize-version-failed" && e.k !== "unhandled-exception"
  );
  assert.deepEqual(crashCause(withoutExceptions), {
    kind: "server-termination",
    code: "",
    message: ALLOCATION_FAILED,
  });
  const signalOnly = abort.filter((e) => e.k === "deadly-signal-received");
  assert.deepEqual(crashCause(signalOnly), {
    kind: "deadly-signal-received",
    code: "",
    message: "deadly signal SIGABRT",
  });
  // An exception without a code ranks below the termination's detail.
  const uncoded = [
    entry("unhandled-exception", { exception: { message: "bad thing" } }),
    entry("server-termination", { reason: "runtime exception", detail: "worse thing" }),
  ];
  assert.equal(crashCause(uncoded)?.message, "worse thing");
  assert.equal(crashCause(uncoded.slice(0, 1))?.message, "bad thing");
});

Deno.test("crashCause() is null without a fatal entry: a kill -9, a warning alone, no log", async () => {
  assert.equal(crashCause(await entries(ORDINARY)), null);
  const warningOnly = (await entries(ABORT)).filter((e) => e.k === "memory-limit-exceeded");
  assert.equal(crashCause(warningOnly), null);
  assert.equal(crashCause([]), null);
});

Deno.test("crashCause() ignores fatal entries of an earlier hyperd in the same log", async () => {
  const earlier = await entries(ABORT);
  const restarted = entry("server-ready", { elapsed: 0.01 }, 99);
  assert.equal(crashCause([...earlier, restarted]), null);
  assert.ok(crashCause([restarted, ...earlier]));
});

Deno.test("crashCause() reads hyperd's abort on a full disk as a full disk", async () => {
  // hyperd's own words on a full tmpfs never say "No space left on device".
  const cause = crashCause(await entries(DISK_FULL));
  assert.deepEqual(cause, {
    kind: "finalize-version-failed",
    code: "53200",
    message: "disk full (No space left on device): unable to write compressed datablock: " +
      "growing the database file failed",
  });
});

Deno.test("crashCause() says the disk is full in hyperd's words, with its code", () => {
  const words = "unable to write datablock: No space left on device";
  const enospc = crashCause([
    entry("finalize-version-failed", { exception: { code: "58030", message: words } }),
    entry("deadly-signal-received", { "signal-name": "SIGABRT" }),
  ]);
  assert.deepEqual(enospc, {
    kind: "finalize-version-failed",
    code: "58030",
    message: `disk full: ${words}`,
  });
  // SQLSTATE disk_full, or errno ENOSPC, without the words: the words are added.
  const byCode = crashCause([
    entry("unhandled-exception", {
      exception: { code: "53100", message: "could not extend file" },
    }),
  ]);
  assert.equal(byCode?.message, "disk full (No space left on device): could not extend file");
  const byErrno = crashCause([
    entry("server-termination", { reason: "io error", detail: "write failed (ENOSPC)" }),
  ]);
  assert.equal(byErrno?.message, "disk full (No space left on device): write failed (ENOSPC)");
  // A disk-full termination behind an exception that does not say so still reads as a full disk.
  const behind = crashCause([
    entry("finalize-version-failed", { exception: { code: "58030", message: "I/O error" } }),
    entry("server-termination", { detail: "No space left on device" }),
  ]);
  assert.equal(behind?.message, "disk full (No space left on device): I/O error");
  // A memory abort is not a full disk.
  assert.doesNotMatch(
    describeCause(
      crashCause([entry("unhandled-exception", {
        exception: { code: "53S02", message: ALLOCATION_FAILED },
      })])!,
    ),
    /disk full/,
  );
});

Deno.test("describeCause() puts the SQLSTATE after hyperd's words when there is one", () => {
  assert.equal(describeCause({ code: "53S02", message: "out of memory" }), "out of memory (53S02)");
  assert.equal(
    describeCause({ code: "", message: "deadly signal SIGSEGV" }),
    "deadly signal SIGSEGV",
  );
});

Deno.test("crashInfo() reads the cause from the end of the log in the log dir", async () => {
  await withTempDir(async (dir) => {
    const abort = await Deno.readTextFile(ABORT);
    // Enough ordinary lines before the abort that the cause must be found near the end.
    const filler = (await Deno.readTextFile(ORDINARY)).repeat(2000);
    await Deno.writeTextFile(join(dir, "hyperd.log"), filler + abort);
    const exit = { code: 134, signal: "SIGABRT" as const, unexpected: true };
    const info = await crashInfo(exit, 3.7644, dir);
    assert.equal(info.exitCode, 134);
    assert.equal(info.atSec, 3.764);
    assert.deepEqual(info.cause, {
      kind: "finalize-version-failed",
      code: "53S02",
      message: ALLOCATION_FAILED,
    });
    assert.equal(info.logTail.length, 30);
    assert.match(info.logTail.at(-1)!, /deadly-signal-received/);
  });
});

Deno.test("crashInfo() finds the cause in rotated logs and is null without a log", async () => {
  await withTempDir(async (dir) => {
    const exit = { code: 137, signal: "SIGKILL" as const, unexpected: true };
    assert.equal((await crashInfo(exit, 1, join(dir, "missing"))).cause, null);
    assert.equal((await crashInfo(exit, 1, dir)).cause, null);
    const ordinary = await Deno.readTextFile(ORDINARY);
    await Deno.writeTextFile(join(dir, "hyperd_2026_11_24_02_29_03.log"), ordinary);
    await Deno.writeTextFile(join(dir, "hyperd_2026_11_24_02_29_04.log"), ordinary);
    assert.equal((await crashInfo(exit, 1, dir)).cause, null);
    await Deno.writeTextFile(
      join(dir, "hyperd_2026_11_24_02_29_04_1.log"),
      await Deno.readTextFile(ABORT),
    );
    assert.equal((await crashInfo(exit, 1, dir)).cause?.code, "53S02");
  });
});

Deno.test("problemsCards() shows hyperd's reason, or says it gave none", () => {
  const html = problemsCards(crashedSummaryFixture());
  assert.match(html, /hyperd's reason: <code>unable to write compressed datablock: /);
  assert.match(html, /The `global memory limit` limit of 314572800 bytes was exceeded\.<\/code>/);
  assert.match(html, /SQLSTATE <code>53S02<\/code>/);
  assert.match(html, /finalize-version-failed/);
  assert.match(html, /Exit code 134 \(SIGABRT\)/);
  const none = problemsCards(emptySummaryFixture());
  assert.match(none, /hyperd logged no reason/);
  assert.doesNotMatch(none, /SQLSTATE/);
});
