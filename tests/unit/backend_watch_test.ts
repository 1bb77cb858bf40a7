import assert from "node:assert/strict";
import { BackendWatch, type CopyOutcome } from "../../src/wire/backend_watch.ts";

// Backend messages as hyperd sends them: type byte, int32 length (itself included), body.

const utf8 = new TextEncoder();

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function message(type: string, body: Uint8Array = new Uint8Array()): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, 4 + body.length);
  out.set(body, 5);
  return out;
}

function cString(text: string): Uint8Array {
  return utf8.encode(`${text}\0`);
}

function int16(n: number): Uint8Array {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setInt16(0, n);
  return out;
}

function int32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, n);
  return out;
}

/** 'G': binary overall format, then one format code per column. */
function copyInResponse(columns = 3): Uint8Array {
  const formats = Array.from({ length: columns }, () => int16(1));
  return message("G", concat(new Uint8Array([1]), int16(columns), ...formats));
}

/** 'C' with a command tag such as `COPY 42`. */
function commandComplete(tag: string): Uint8Array {
  return message("C", cString(tag));
}

/** 'E' (or 'N' for a notice): one-letter field codes, each value NUL-terminated, then a NUL. */
function errorResponse(fields: Record<string, string>, type = "E"): Uint8Array {
  const encoded = Object.entries(fields).map(([code, value]) => cString(code + value));
  return message(type, concat(...encoded, new Uint8Array([0])));
}

/** 'Z' with the transaction status byte 'I' (idle). */
function readyForQuery(): Uint8Array {
  return message("Z", utf8.encode("I"));
}

/** 'D': a field count, then each value as int32 length and bytes. */
function dataRow(values: string[]): Uint8Array {
  const fields = values.map((v) => concat(int32(utf8.encode(v).length), utf8.encode(v)));
  return message("D", concat(int16(values.length), ...fields));
}

/** Registers for the next COPY outcome and records it once it settles. */
function expectOutcome(watch: BackendWatch): { value?: CopyOutcome } {
  const box: { value?: CopyOutcome } = {};
  watch.nextCopyOutcome().then((outcome) => (box.value = outcome));
  return box;
}

/** Lets settled promises run their callbacks. */
function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

const REJECTED = {
  S: "ERROR",
  V: "ERROR",
  C: "22P04",
  M: "unexpected end-of-file — row 3 of the HyperBinary stream",
  D: "detail that is not the message",
  F: "copy.cpp",
  L: "123",
};

Deno.test("BackendWatch reports the row count of a COPY's CommandComplete", async () => {
  const watch = new BackendWatch();
  const outcome = expectOutcome(watch);
  watch.feed(concat(copyInResponse(), commandComplete("COPY 42"), readyForQuery()));
  await flush();
  assert.deepEqual(outcome.value, { ok: true, rows: 42 });
});

Deno.test("BackendWatch reports the SQLSTATE and message of a COPY's ErrorResponse, other fields ignored", async () => {
  const watch = new BackendWatch();
  const outcome = expectOutcome(watch);
  const long = "x".repeat(300); // a body over 255 bytes needs more than the length's last byte
  watch.feed(concat(copyInResponse(), errorResponse({ ...REJECTED, M: long }), readyForQuery()));
  await flush();
  assert.deepEqual(outcome.value, { ok: false, sqlState: "22P04", message: long });
});

Deno.test("BackendWatch finds each outcome wherever the stream is split, inside a header included", async () => {
  const stream = concat(
    message("1"), // ParseComplete: an empty body
    message("2"),
    copyInResponse(),
    message("N", cString("SNOTICE")), // a NoticeResponse during the COPY is not its outcome
    commandComplete("COPY 42"),
    readyForQuery(),
    copyInResponse(8),
    errorResponse(REJECTED),
    readyForQuery(),
  );
  const expected: CopyOutcome[] = [
    { ok: true, rows: 42 },
    { ok: false, sqlState: "22P04", message: REJECTED.M },
  ];
  const feeds: [string, Uint8Array[]][] = [];
  for (let at = 0; at <= stream.length; at++) {
    feeds.push([`split at ${at}`, [stream.subarray(0, at), stream.subarray(at)]]);
  }
  feeds.push(["one byte at a time", [...stream].map((b) => new Uint8Array([b]))]);
  for (const [name, chunks] of feeds) {
    const watch = new BackendWatch();
    const first = expectOutcome(watch);
    const second = expectOutcome(watch);
    for (const chunk of chunks) watch.feed(chunk);
    await flush();
    assert.deepEqual([first.value, second.value], expected, name);
  }
});

Deno.test("BackendWatch does not take a non-COPY CommandComplete or ErrorResponse as a COPY outcome", async () => {
  const watch = new BackendWatch();
  const outcome = expectOutcome(watch);
  watch.feed(concat(
    dataRow(["1", "a"]),
    dataRow(["2", "b"]),
    commandComplete("SELECT 2"),
    readyForQuery(),
    errorResponse({ S: "ERROR", C: "42P01", M: 'table "t" does not exist' }),
    readyForQuery(),
    commandComplete("INSERT 0 1"),
    readyForQuery(),
  ));
  await flush();
  assert.equal(outcome.value, undefined, "no COPY has run yet");
  watch.feed(concat(copyInResponse(), commandComplete("COPY 7"), readyForQuery()));
  await flush();
  assert.deepEqual(outcome.value, { ok: true, rows: 7 });
});

Deno.test("BackendWatch.connectionLost() fails a pending COPY with 08006 and the next stream parses afresh", async () => {
  const watch = new BackendWatch();
  const lost = expectOutcome(watch);
  const copy = concat(copyInResponse(), commandComplete("COPY 5"));
  watch.feed(copy.subarray(0, copy.length - 3)); // cut inside the CommandComplete
  watch.connectionLost("connection to hyperd closed");
  await flush();
  assert.deepEqual(lost.value, {
    ok: false,
    sqlState: "08006",
    message: "connection to hyperd closed",
  });
  watch.connected(); // postgres.js opens a new socket
  const next = expectOutcome(watch);
  watch.feed(concat(readyForQuery(), copyInResponse(), commandComplete("COPY 9")));
  await flush();
  assert.deepEqual(next.value, { ok: true, rows: 9 });
});

Deno.test("BackendWatch gives each of two COPYs in a row its own outcome", async () => {
  const watch = new BackendWatch();
  const first = expectOutcome(watch);
  watch.feed(concat(copyInResponse(), errorResponse(REJECTED), readyForQuery()));
  await flush();
  const second = expectOutcome(watch);
  watch.feed(concat(copyInResponse(), commandComplete("COPY 1000000"), readyForQuery()));
  await flush();
  assert.deepEqual(first.value, { ok: false, sqlState: "22P04", message: REJECTED.M });
  assert.deepEqual(second.value, { ok: true, rows: 1_000_000 });
});

Deno.test("BackendWatch reports a COPY's outcome once: a later CommandComplete is not taken again", async () => {
  const watch = new BackendWatch();
  const first = expectOutcome(watch);
  watch.feed(concat(copyInResponse(), commandComplete("COPY 3"), readyForQuery()));
  await flush();
  const second = expectOutcome(watch);
  watch.feed(concat(commandComplete("SELECT 1"), readyForQuery()));
  await flush();
  assert.deepEqual(first.value, { ok: true, rows: 3 });
  assert.equal(second.value, undefined);
});

Deno.test("BackendWatch answers a COPY that asks after the connection was lost, until it is up again", async () => {
  const watch = new BackendWatch();
  watch.connectionLost("cut");
  // No CopyInResponse will ever come: the outcome is the loss, at once.
  assert.deepEqual(await watch.nextCopyOutcome(), {
    ok: false,
    sqlState: "08006",
    message: "cut",
  });
  watch.connected();
  const next = expectOutcome(watch);
  await flush();
  assert.equal(next.value, undefined, "a fresh connection waits for its COPY's own outcome");
  watch.feed(concat(copyInResponse(), commandComplete("COPY 7"), readyForQuery()));
  await flush();
  assert.deepEqual(next.value, { ok: true, rows: 7 });
});

/** RowDescription 'T' with one column, as far as the watch cares: an opaque body. */
function rowDescription(): Uint8Array {
  return message("T", concat(int16(1), cString("id"), new Uint8Array(18)));
}

Deno.test("BackendWatch passes every byte on unchanged, DataRows included, while rows are not counted", () => {
  const watch = new BackendWatch();
  const stream = concat(rowDescription(), dataRow(["1"]), commandComplete("SELECT 1"));
  assert.equal(watch.feed(stream), stream);
});

Deno.test("BackendWatch counts a read's DataRows and passes on all else, wherever the stream is split", () => {
  const rows = Array.from({ length: 5 }, (_, i) => dataRow([String(i), "x".repeat(i * 40)]));
  const rest = [rowDescription(), commandComplete("SELECT 5"), readyForQuery()];
  const stream = concat(rest[0], ...rows, rest[1], rest[2]);
  const expected = concat(...rest);
  const splits: [string, Uint8Array[]][] = [];
  for (let at = 0; at <= stream.length; at++) {
    splits.push([`split at ${at}`, [stream.subarray(0, at), stream.subarray(at)]]);
  }
  splits.push(["one byte at a time", [...stream].map((b) => new Uint8Array([b]))]);
  for (const [name, chunks] of splits) {
    const watch = new BackendWatch();
    watch.startCountingRows();
    const passed = chunks.map((chunk) => watch.feed(chunk)).filter((p) => p !== null);
    assert.equal(watch.stopCountingRows(), 5, name);
    assert.deepEqual(concat(...passed), expected, name);
    const after = concat(dataRow(["9"]), readyForQuery());
    assert.equal(watch.feed(after), after, `${name}: rows pass again once counted`);
  }
});

Deno.test("BackendWatch still reports a COPY's outcome in a stream whose rows it counts", async () => {
  const watch = new BackendWatch();
  const outcome = expectOutcome(watch);
  watch.startCountingRows();
  const passed = watch.feed(concat(dataRow(["1"]), copyInResponse(), commandComplete("COPY 4")));
  await flush();
  assert.deepEqual(outcome.value, { ok: true, rows: 4 });
  assert.deepEqual(passed, concat(copyInResponse(), commandComplete("COPY 4")));
  assert.equal(watch.stopCountingRows(), 1);
});
