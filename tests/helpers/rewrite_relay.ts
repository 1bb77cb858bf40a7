/**
 * A TCP relay between the tool and hyperd that can make the server wrong on purpose: it passes
 * every byte through, except that in the Nth result whose columns include `column` (or in every
 * such result of a statement matching a pattern), it changes the first DataRow's value of that
 * column (its last digit, +1 mod 10; the length stays).
 * Stopped by `close()`, which ends every connection it relays.
 */
import { FrontendMessages } from "./frontend_messages.ts";
import { listenRelay } from "./tcp_relay.ts";

/** A running relay. */
export interface RewriteRelay {
  port: number;
  /** Results with the column seen so far, over all connections. */
  readonly results: number;
  /** Values rewritten, as [before, after]. */
  readonly rewrites: [string, string][];
  close(): Promise<void>;
}

/**
 * Starts a relay to `target`. `when`: the 1-based number of the result with `column` to change
 * (0: never), or a pattern the statement must match for its result to be changed.
 */
export async function startRewriteRelay(
  target: { host: string; port: number },
  column: string,
  when: number | RegExp,
): Promise<RewriteRelay> {
  let results = 0;
  const rewrites: [string, string][] = [];
  const relay = await listenRelay(target, (client, upstream) => {
    // The statement the client handed hyperd last: the one whose answer comes back.
    let statement = "";
    const messages = new FrontendMessages();
    client.on("data", (chunk: Buffer) => {
      upstream.write(chunk);
      for (const message of messages.push(chunk)) statement = message.statement;
    });
    // Server messages: a type byte and an int32 length that counts itself, then the body.
    let pending = Buffer.alloc(0);
    let columnAt = -1;
    let armed = false;
    upstream.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      let at = 0;
      while (pending.length - at >= 5) {
        const length = pending.readInt32BE(at + 1);
        if (pending.length - at < 1 + length) break;
        const type = String.fromCharCode(pending[at]);
        const body = pending.subarray(at + 5, at + 1 + length);
        if (type === "T") {
          columnAt = columnIndex(body, column);
          if (columnAt >= 0) {
            results++;
            armed = typeof when === "number" ? results === when : when.test(statement);
          }
        } else if (type === "D" && armed) {
          armed = false;
          const change = rewriteValue(body, columnAt);
          if (change) rewrites.push(change);
        }
        at += 1 + length;
      }
      client.write(pending.subarray(0, at));
      pending = pending.subarray(at);
    });
  });
  return {
    port: relay.port,
    get results() {
      return results;
    },
    rewrites,
    close: relay.close,
  };
}

/** The index of `name` among a RowDescription's fields, or -1. */
function columnIndex(body: Buffer, name: string): number {
  const count = body.readInt16BE(0);
  let at = 2;
  for (let i = 0; i < count; i++) {
    const end = body.indexOf(0, at);
    if (body.toString("utf8", at, end) === name) return i;
    at = end + 1 + 18; // table oid, column number, type oid, size, modifier, format
  }
  return -1;
}

/** Changes the last digit of field `index` of a DataRow in place; null if it has none. */
function rewriteValue(body: Buffer, index: number): [string, string] | null {
  let at = 2;
  for (let i = 0; i < index; i++) {
    const length = body.readInt32BE(at);
    at += 4 + Math.max(0, length);
  }
  const length = body.readInt32BE(at);
  if (length <= 0) return null;
  const value = body.subarray(at + 4, at + 4 + length);
  const before = value.toString("utf8");
  for (let i = value.length - 1; i >= 0; i--) {
    if (value[i] >= 0x30 && value[i] <= 0x39) {
      value[i] = 0x30 + ((value[i] - 0x30 + 1) % 10);
      return [before, value.toString("utf8")];
    }
  }
  return null;
}
