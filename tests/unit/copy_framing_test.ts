import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { ArrowEncoder } from "../../src/encode/arrow_stream.ts";
import { HyperBinaryEncoder } from "../../src/encode/hyper_binary.ts";
import { copyIn } from "../../src/wire/copy.ts";
import type { HyperConnection } from "../../src/wire/connection.ts";
import { generateBatch } from "../../src/workload/data_gen.ts";
import { Rng } from "../../src/workload/rng.ts";
import { MEDIUM } from "../../src/workload/table_shapes.ts";

const join = (chunks: Uint8Array[]) => new Uint8Array(chunks.flatMap((chunk) => [...chunk]));

/**
 * A connection whose COPY always succeeds, recording a copy of each socket write as it is made
 * (a buffer may be written again once recycled).
 */
function recordingConnection(): { conn: HyperConnection; sends: Uint8Array[] } {
  const sends: Uint8Array[] = [];
  let ended = () => {};
  const socket = {
    writableLength: 0,
    write(bytes: Uint8Array, done?: () => void) {
      sends.push(bytes.slice());
      if (done) queueMicrotask(done);
      return true;
    },
    once() {},
  };
  const writable = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  writable.on("finish", () => ended());
  const conn = {
    sql: {
      unsafe: () => Object.assign(Promise.resolve(), { writable: () => Promise.resolve(writable) }),
    },
    socket,
    watch: {
      nextCopyOutcome: () => new Promise((resolve) => ended = () => resolve({ ok: true, rows: 1 })),
    },
  } as unknown as HyperConnection;
  return { conn, sends };
}

/** The payloads of the CopyData messages in `sends`, each send holding whole messages. */
function copyDataPayloads(sends: Uint8Array[]): Uint8Array[] {
  const payloads: Uint8Array[] = [];
  for (let i = 0; i < sends.length; i++) {
    let bytes = sends[i];
    if (bytes.length === 5) bytes = join([bytes, sends[++i]]); // a header sent alone, then its data
    assert.equal(bytes[0], 0x64, `send ${i} starts a CopyData message`);
    const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(1);
    assert.equal(length, bytes.length - 1, `send ${i} is one whole message`);
    payloads.push(bytes.subarray(5));
  }
  return payloads;
}

/** A medium batch's whole COPY stream from `encoder`, and what a fresh encoder makes of it. */
function mediumStream(
  encoder: HyperBinaryEncoder | ArrowEncoder,
): { chunks: Uint8Array[]; expected: Uint8Array } {
  const batch = () => generateBatch(MEDIUM, 2_000, new Rng("framing"), 1);
  const chunks = encoder.encode(batch());
  const fresh = encoder instanceof HyperBinaryEncoder
    ? new HyperBinaryEncoder(16 * 1024)
    : new ArrowEncoder({ chunkBytes: 16 * 1024 });
  return { chunks, expected: join(fresh.encode(batch())) };
}

Deno.test("copyIn sends each HyperBinary chunk with its CopyData header in one write, the stream's header with the first", async () => {
  const encoder = new HyperBinaryEncoder(16 * 1024);
  const { chunks, expected } = mediumStream(encoder);
  assert.ok(chunks.length > 3, "a small chunk size should split the rows");
  const { conn, sends } = recordingConnection();
  await copyIn(conn, "COPY t FROM STDIN", chunks, { owner: encoder });
  // The 19-byte header, then the rows: one send per chunk of rows.
  assert.equal(sends.length, chunks.length - 1);
  assert.deepEqual(join(copyDataPayloads(sends)), expected);
});

Deno.test("copyIn sends chunks with no room before them behind headers of their own, bytes unchanged", async () => {
  const encoder = new ArrowEncoder({ chunkBytes: 16 * 1024 });
  const { chunks, expected } = mediumStream(encoder);
  assert.ok(chunks.length > 2, "a small chunk size should split the stream");
  const { conn, sends } = recordingConnection();
  await copyIn(conn, "COPY t FROM STDIN", chunks, { owner: encoder });
  assert.equal(sends.length, 2 * chunks.length);
  assert.deepEqual(join(copyDataPayloads(sends)), expected);
});

Deno.test("HyperBinaryEncoder frees room only before its chunks of rows, and only until each is recycled", () => {
  const encoder = new HyperBinaryEncoder(16 * 1024);
  const [header, first, ...rest] = encoder.encode(generateBatch(MEDIUM, 500, new Rng("room"), 1));
  assert.equal(encoder.roomBefore(header), 0);
  assert.ok(encoder.roomBefore(first) >= 5 + header.length);
  assert.equal(
    encoder.roomBefore(first.subarray(1)),
    0,
    "a view inside a chunk has rows before it",
  );
  encoder.recycle(first);
  assert.equal(encoder.roomBefore(first), 0, "a recycled buffer is lent again");
  for (const chunk of rest) assert.equal(encoder.roomBefore(chunk), encoder.roomBefore(rest[0]));
});

Deno.test("copyIn sends a large chunk with no room before it at once, before it asks for the next", async () => {
  const { conn, sends } = recordingConnection();
  let sentBeforeNext = false;
  function* chunks() {
    yield new Uint8Array(1000).fill(7); // as an Arrow batch: the next one may take a while
    sentBeforeNext = sends.length > 0;
    yield new Uint8Array(10);
  }
  await copyIn(conn, "COPY t FROM STDIN", chunks());
  assert.ok(sentBeforeNext, "the first chunk was held until the second was made");
  assert.deepEqual(
    join(copyDataPayloads(sends)),
    join([new Uint8Array(1000).fill(7), new Uint8Array(10)]),
  );
});
