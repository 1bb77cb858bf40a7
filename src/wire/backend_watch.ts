/**
 * Reads the bytes a Hyper connection receives before postgres.js does. It reports the outcome of
 * each COPY: postgres.js 3.4.9 drops a COPY's ErrorResponse (porsager/postgres#1173). And while a
 * read's rows are counted, it counts them here and keeps them from postgres.js, which would make
 * a Buffer view of every value (docs/architecture.md, "The wire").
 */
import { Buffer } from "node:buffer";

/** How a COPY ended on the server. */
export type CopyOutcome =
  | { ok: true; rows: number }
  | { ok: false; sqlState: string; message: string };

const COPY_IN_RESPONSE = 0x47; // G
const COMMAND_COMPLETE = 0x43; // C
const ERROR_RESPONSE = 0x45; // E
const DATA_ROW = 0x44; // D
const BACKEND_KEY_DATA = 0x4b; // K

/** What a CancelRequest names the connection's session by (BackendKeyData). */
export interface BackendKey {
  pid: number;
  secret: number;
}

/**
 * Parses the backend message stream (type byte, int32 length, body) chunk by chunk. After each
 * CopyInResponse, the next CommandComplete or ErrorResponse is that COPY's outcome.
 */
export class BackendWatch {
  #header = new Uint8Array(5);
  #headerFill = 0;
  #type = 0;
  #remaining = 0;
  #body: number[] | null = null;
  #inCopy = false;
  #counting = false;
  #rowsCounted = 0;
  /** The message being read is a counted DataRow: none of its bytes are passed on. */
  #dropping = false;
  #waiters: ((outcome: CopyOutcome) => void)[] = [];
  /** Outcomes that arrived before their COPY asked for them. */
  #unclaimed: CopyOutcome[] = [];
  /** Set while the connection is down: the outcome of any COPY that asks now. */
  #lost: CopyOutcome | null = null;
  #key: BackendKey | null = null;

  /** The session's key from its BackendKeyData, which a CancelRequest needs; null before. */
  get backendKey(): BackendKey | null {
    return this.#key;
  }

  /**
   * Resolves with the outcome of the COPY that is running: call it once the server has accepted
   * the COPY (its CopyInResponse came), so a COPY rejected before it started leaves no waiter
   * behind to take the next COPY's outcome.
   */
  nextCopyOutcome(): Promise<CopyOutcome> {
    const ready = this.#unclaimed.shift() ?? this.#lost;
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Counts the DataRows that arrive from now on, and passes none of them on, until
   * `stopCountingRows`. The connection must run nothing but the counted read meanwhile.
   */
  startCountingRows(): void {
    this.#counting = true;
    this.#rowsCounted = 0;
  }

  /** Passes DataRows on again; returns how many came since `startCountingRows`. */
  stopCountingRows(): number {
    this.#counting = false;
    return this.#rowsCounted;
  }

  /** A new socket of the connection is up (postgres.js reconnects on its own): parse afresh. */
  connected(): void {
    this.#lost = null;
    this.#parseAfresh();
  }

  /**
   * Fails the running COPY, and any COPY that asks for its outcome before the connection is up
   * again: the connection is gone, and no outcome will come.
   */
  connectionLost(message: string): void {
    const lost: CopyOutcome = { ok: false, sqlState: "08006", message };
    if (this.#inCopy || this.#waiters.length > 0) this.#settle(lost);
    this.#lost = lost;
    this.#parseAfresh();
  }

  /** Forgets where in the stream parsing was: the next byte starts a message. */
  #parseAfresh(): void {
    this.#inCopy = false;
    this.#dropping = false;
    this.#headerFill = 0;
    this.#remaining = 0;
    this.#body = null;
  }

  /**
   * Feeds bytes as they arrive from the server; returns the bytes to pass on to postgres.js:
   * `chunk` itself, or while rows are counted what is left of it without them (null: nothing).
   */
  feed(chunk: Uint8Array): Uint8Array | null {
    const kept: Uint8Array[] = [];
    let keepFrom = this.#dropping ? -1 : 0; // where the bytes being kept start; -1: dropping
    let i = 0;
    while (i < chunk.length) {
      if (this.#remaining === 0 && this.#headerFill < 5) {
        if (this.#headerFill === 0) {
          // A message starts at i.
          this.#dropping = this.#counting && chunk[i] === DATA_ROW;
          if (this.#dropping) {
            this.#rowsCounted++;
            if (keepFrom >= 0 && i > keepFrom) kept.push(chunk.subarray(keepFrom, i));
            keepFrom = -1;
          } else if (keepFrom < 0) keepFrom = i;
          if (i + 5 <= chunk.length) {
            const length = (chunk[i + 1] << 24) | (chunk[i + 2] << 16) | (chunk[i + 3] << 8) |
              chunk[i + 4];
            this.#startMessage(chunk[i], length);
            i += 5;
            continue;
          }
        }
        const take = Math.min(5 - this.#headerFill, chunk.length - i);
        this.#header.set(chunk.subarray(i, i + take), this.#headerFill);
        this.#headerFill += take;
        i += take;
        if (this.#headerFill < 5) break;
        const h = this.#header;
        this.#startMessage(h[0], (h[1] << 24) | (h[2] << 16) | (h[3] << 8) | h[4]);
        continue;
      }
      const take = Math.min(this.#remaining, chunk.length - i);
      if (this.#body) {
        for (let k = 0; k < take; k++) this.#body.push(chunk[i + k]);
      }
      this.#remaining -= take;
      i += take;
      if (this.#remaining === 0) this.#endMessage();
    }
    if (keepFrom === 0) return chunk;
    if (keepFrom > 0 && keepFrom < chunk.length) kept.push(chunk.subarray(keepFrom));
    if (kept.length === 0) return null;
    return kept.length === 1 ? kept[0] : Buffer.concat(kept);
  }

  /** A message of `type` whose length field (itself included) is `length` starts. */
  #startMessage(type: number, length: number): void {
    this.#headerFill = 5;
    this.#type = type;
    this.#remaining = length - 4;
    const wanted = this.#type === BACKEND_KEY_DATA || (this.#inCopy &&
      (this.#type === COMMAND_COMPLETE || this.#type === ERROR_RESPONSE));
    this.#body = wanted ? [] : null;
    if (this.#remaining <= 0) {
      this.#remaining = 0;
      this.#endMessage();
    }
  }

  #endMessage(): void {
    const body = this.#body;
    this.#headerFill = 0;
    this.#body = null;
    if (this.#type === COPY_IN_RESPONSE) {
      this.#inCopy = true;
      return;
    }
    if (!body) return;
    if (this.#type === BACKEND_KEY_DATA) {
      const view = new DataView(new Uint8Array(body).buffer);
      if (body.length >= 8) this.#key = { pid: view.getInt32(0), secret: view.getInt32(4) };
      return;
    }
    this.#inCopy = false;
    if (this.#type === COMMAND_COMPLETE) {
      const tag = new TextDecoder().decode(new Uint8Array(body)).replace(
        /\0$/,
        "",
      );
      this.#settle({ ok: true, rows: Number(/(\d+)$/.exec(tag)?.[1] ?? 0) });
    } else {
      this.#settle({ ok: false, ...parseErrorFields(body) });
    }
  }

  #settle(outcome: CopyOutcome): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(outcome);
    else this.#unclaimed.push(outcome);
  }
}

/** Reads SQLSTATE (`C`) and message (`M`) from an ErrorResponse body. */
function parseErrorFields(
  body: number[],
): { sqlState: string; message: string } {
  const decoder = new TextDecoder();
  let sqlState = "";
  let message = "";
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const field = body[i++];
    const end = body.indexOf(0, i);
    const value = decoder.decode(new Uint8Array(body.slice(i, end)));
    if (field === 0x43) sqlState = value;
    if (field === 0x4d) message = value;
    i = end + 1;
  }
  return { sqlState, message };
}
