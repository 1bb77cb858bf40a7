/**
 * COPY FROM STDIN over postgres.js that always settles: with the row count the server
 * reported, or with a CopyRejectedError carrying the server's message. postgres.js starts and
 * ends the COPY; the data goes straight to the socket, each chunk as it is behind its own
 * CopyData header. Through postgres.js's writable every chunk would be copied into a new frame
 * (Buffer.concat), and Deno zero-fills every new buffer. Where the encoder left room before a
 * chunk, its header is written there and both go out in one send.
 */
import type { CopyOutcome } from "./backend_watch.ts";
import type { HyperConnection } from "./connection.ts";
import { CopyRejectedError } from "../errors.ts";
import { TIMED_OUT, within } from "../time.ts";

/** Bytes a COPY may have queued for the socket before the writer waits for it to drain. */
const MAX_IN_FLIGHT = 1 << 20;

/** How long to wait for the server's verdict after the last byte, in ms. */
const OUTCOME_TIMEOUT_MS = 60_000;

/** Bytes of a CopyData message's header: 'd', then its length, itself included. */
const HEADER_BYTES = 5;

/** A chunk this small with no room before it (a stream's header) may wait for the next chunk. */
const SMALL_CHUNK_BYTES = 64;

/** Writes a CopyData header for `dataBytes` bytes at `at` in `bytes`. */
function writeHeader(bytes: Uint8Array, at: number, dataBytes: number): void {
  bytes[at] = 0x64;
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at + 1, dataBytes + 4);
}

/** A CopyData header of its own, for a chunk with no room before it. */
function copyDataHeader(dataBytes: number): Uint8Array {
  const header = new Uint8Array(HEADER_BYTES);
  writeHeader(header, 0, dataBytes);
  return header;
}

/**
 * One CopyData message in place: `chunk` with its header, and `held` between the two, written in
 * the room before `chunk` in its buffer (which must hold them).
 */
function framedInPlace(chunk: Uint8Array, held: Uint8Array | null): Uint8Array {
  const heldBytes = held?.length ?? 0;
  const start = chunk.byteOffset - heldBytes - HEADER_BYTES;
  const frame = new Uint8Array(chunk.buffer, start, HEADER_BYTES + heldBytes + chunk.length);
  writeHeader(frame, 0, heldBytes + chunk.length);
  if (held) frame.set(held, HEADER_BYTES);
  return frame;
}

/** Whose the chunks are: what a COPY may do with each one's buffer (a CopyEncoder is one). */
export interface ChunkOwner {
  /** Takes back a chunk the connection is done with, so its buffer can be reused. */
  recycle(chunk: Uint8Array): void;
  /** Bytes before `chunk` in its buffer that may be overwritten. */
  roomBefore(chunk: Uint8Array): number;
}

/** Chunks nobody takes back, with no room before them. */
const NO_OWNER: ChunkOwner = { recycle: () => {}, roomBefore: () => 0 };

/** What else a COPY may be told. */
export interface CopyOptions {
  /** Whose the chunks are; by default nobody's, and no room is written. */
  owner?: ChunkOwner;
  /** How long to wait for the server's verdict after the last byte, in ms. */
  timeoutMs?: number;
}

/**
 * Streams `chunks` into `COPY ... FROM STDIN` (`copySql`) and resolves with the rows the
 * server inserted. A rejected COPY throws CopyRejectedError; the connection stays usable.
 */
export async function copyIn(
  conn: HyperConnection,
  copySql: string,
  chunks: Iterable<Uint8Array>,
  { owner = NO_OWNER, timeoutMs = OUTCOME_TIMEOUT_MS }: CopyOptions = {},
): Promise<number> {
  let settled: CopyOutcome | null = null;
  // A COPY the server rejects before it starts throws here, before it waits for an outcome.
  const query = conn.sql.unsafe(copySql);
  // The watch reports the outcome; the query's own promise would reject unheard when the
  // connection breaks (hyperd killed mid-COPY) and end the process.
  query.catch(() => {});
  const writable = await query.writable();
  const socket = conn.socket!; // connected: the server has answered the COPY
  const outcome = conn.watch.nextCopyOutcome().then((o) => (settled = o));
  writable.on("error", () => {}); // the outcome above reports failures
  // Keep up to MAX_IN_FLIGHT bytes queued, so the next chunk is encoded while the server still
  // has bytes to read; waiting for every drain would leave it idle meanwhile.
  const send = async (bytes: Uint8Array, chunk: Uint8Array) => {
    if (!socket.write(bytes, () => owner.recycle(chunk)) && socket.writableLength > MAX_IN_FLIGHT) {
      await Promise.race([new Promise((resolve) => socket.once("drain", resolve)), outcome]);
    }
  };
  const sendAlone = async (chunk: Uint8Array) => {
    socket.write(copyDataHeader(chunk.length));
    await send(chunk, chunk);
  };
  // A small chunk with no room before it (a stream's header) waits for the next chunk, to go
  // out in that one's room if it fits. Each send is a syscall that wakes hyperd: one send per
  // chunk instead of two or three cut the tool's CPU at the moderate preset by 3.6%.
  // A larger one goes at once: held, it would wait for the next batch to be made, and the server
  // with it.
  let held: Uint8Array | null = null;
  try {
    for (const chunk of chunks) {
      if (settled) break; // rejected mid-stream: stop sending, end the COPY
      const room = owner.roomBefore(chunk);
      if (room < HEADER_BYTES + (held?.length ?? 0)) {
        if (held) await sendAlone(held);
        held = null;
        if (room < HEADER_BYTES) {
          if (chunk.length <= SMALL_CHUNK_BYTES) held = chunk;
          else await sendAlone(chunk);
          continue;
        }
      }
      const frame = framedInPlace(chunk, held);
      if (held) owner.recycle(held); // copied into the frame
      held = null;
      await send(frame, chunk);
    }
    if (held && !settled) await sendAlone(held);
  } catch (error) {
    // The rows could not be made: end the COPY with CopyFail. A COPY left open holds its table
    // in hyperd for good once the connection is gone (docs/hyper-bugs.md).
    writable.destroy(error as Error);
    await within(outcome, timeoutMs);
    throw error;
  }
  // postgres.js destroys its stream once the COPY completes, and its destroy sends CopyFail
  // ("null") after the fact: hyperd logs one ignored message per COPY. A COPY that was sent whole
  // has nothing to fail.
  writable._destroy = (error, callback) => callback(error);
  writable.end();
  const result = await within(outcome, timeoutMs);
  if (result === TIMED_OUT) {
    throw new CopyRejectedError(
      "57014",
      `no answer from the server ${timeoutMs} ms after the COPY`,
    );
  }
  if (!result.ok) throw new CopyRejectedError(result.sqlState, result.message);
  return result.rows;
}
