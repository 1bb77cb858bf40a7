/**
 * COPY FROM STDIN over postgres.js that always settles: with the row count the server
 * reported, or with a CopyRejectedError carrying the server's message. postgres.js starts and
 * ends the COPY; the data goes straight to the socket, each chunk as it is behind its own
 * CopyData header. Through postgres.js's writable every chunk would be copied into a new frame
 * (Buffer.concat), and Deno zero-fills every new buffer.
 */
import type { CopyOutcome } from "./copy_outcome_watch.ts";
import type { HyperConnection } from "./connection.ts";
import { CopyRejectedError } from "../errors.ts";
import { TIMED_OUT, within } from "../time.ts";

/** Bytes a COPY may have queued for the socket before the writer waits for it to drain. */
const MAX_IN_FLIGHT = 1 << 20;

/** How long to wait for the server's verdict after the last byte, in ms. */
const OUTCOME_TIMEOUT_MS = 60_000;

/** The 5-byte header of a CopyData message ('d', then its length, itself included). */
function copyDataHeader(dataBytes: number): Uint8Array {
  const header = new Uint8Array(5);
  header[0] = 0x64;
  new DataView(header.buffer).setUint32(1, dataBytes + 4);
  return header;
}

/** What else a COPY may be told. */
export interface CopyOptions {
  /** Called with each chunk once the connection is done with it, so its buffer can be reused. */
  sent?: (chunk: Uint8Array) => void;
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
  { sent = () => {}, timeoutMs = OUTCOME_TIMEOUT_MS }: CopyOptions = {},
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
  try {
    for (const chunk of chunks) {
      if (settled) break; // rejected mid-stream: stop sending, end the COPY
      socket.write(copyDataHeader(chunk.length));
      // Keep up to MAX_IN_FLIGHT bytes queued, so the next chunk is encoded while the server
      // still has bytes to read; waiting for every drain would leave it idle meanwhile.
      if (!socket.write(chunk, () => sent(chunk)) && socket.writableLength > MAX_IN_FLIGHT) {
        await Promise.race([
          new Promise((resolve) => socket.once("drain", resolve)),
          outcome,
        ]);
      }
    }
  } catch (error) {
    // The rows could not be made: end the COPY with CopyFail. A COPY left open holds its table
    // in hyperd for good once the connection is gone (README, Hyper bugs found).
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
