/**
 * What a client sends hyperd, split into whole messages for the test relays. The first message
 * (start-up) has no type byte; an SSL request (8 bytes) is answered with one byte and followed by
 * the start-up; every other message is a type byte, an int32 length that counts itself, and the
 * body. A statement's text is a Query's ('Q') body, or a Parse's ('P') after the statement's name.
 */

/** One whole message from the client. */
export interface FrontendMessage {
  /** Its type byte as a letter; "" for the start-up (or SSL request) message. */
  type: string;
  /** The whole message, type and length included. */
  bytes: Buffer;
  /** The statement the client had handed hyperd by this message (this one's, if it hands one). */
  statement: string;
}

/** Splits a client's byte stream into whole messages, keeping what ends mid-message. */
export class FrontendMessages {
  #pending = Buffer.alloc(0);
  #started = false;
  #statement = "";

  /** Adds `chunk`; returns the whole messages it completes, in order. */
  push(chunk: Buffer): FrontendMessage[] {
    this.#pending = Buffer.concat([this.#pending, chunk]);
    const messages: FrontendMessage[] = [];
    let at = 0;
    for (;;) {
      const pending = this.#pending;
      if (pending.length - at < (this.#started ? 5 : 4)) break;
      const length = this.#started ? pending.readInt32BE(at + 1) + 1 : pending.readInt32BE(at);
      if (pending.length - at < length) break;
      const bytes = pending.subarray(at, at + length);
      at += length;
      if (!this.#started) {
        this.#started = length !== 8;
        messages.push({ type: "", bytes, statement: this.#statement });
        continue;
      }
      const type = String.fromCharCode(bytes[0]);
      if (type === "Q") this.#statement = cString(bytes, 5);
      if (type === "P") this.#statement = cString(bytes, bytes.indexOf(0, 5) + 1);
      messages.push({ type, bytes, statement: this.#statement });
    }
    this.#pending = this.#pending.subarray(at);
    return messages;
  }
}

/** The NUL-terminated text at `at` in `bytes`. */
function cString(bytes: Buffer, at: number): string {
  const end = bytes.indexOf(0, at);
  return bytes.toString("utf8", at, end < 0 ? bytes.length : end);
}
