/**
 * A TCP relay between the tool and hyperd that leaves a statement unanswered: armed with a
 * pattern, the next connection to hand hyperd a whole statement matching it (a COPY with its
 * CopyDone, or the Sync after the statement's Parse) gets nothing more from hyperd, which runs the
 * statement all the same, so it stays in flight however long the tool waits. Everything else
 * passes through. Stopped by `close()`, which ends every connection it relays.
 */
import net from "node:net";

/** A running relay. */
export interface HoldRelay {
  port: number;
  /** Holds the answers on the next connection that hands hyperd a statement matching `pattern`. */
  arm(pattern: RegExp): void;
  /** Connections whose answers are held so far. */
  readonly held: number;
  close(): Promise<void>;
}

const COPY_DONE = "c".charCodeAt(0);
const PARSE = "P".charCodeAt(0);
const QUERY = "Q".charCodeAt(0);
const SYNC = "S".charCodeAt(0);

/** Starts a relay to `target`. */
export async function startHoldRelay(target: { host: string; port: number }): Promise<HoldRelay> {
  const armed: RegExp[] = [];
  let held = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    let holding = false;
    // The statement hyperd is being handed, from a simple Query or a Parse.
    let statement = "";
    // Client messages after the startup one: a type byte and an int32 length counting itself.
    let fromClient = Buffer.alloc(0);
    let started = false;
    client.on("data", (chunk: Buffer) => {
      fromClient = Buffer.concat([fromClient, chunk]);
      while (fromClient.length >= (started ? 5 : 4)) {
        if (!started) {
          const length = fromClient.readInt32BE(0);
          if (fromClient.length < length) break;
          fromClient = fromClient.subarray(length);
          // An SSL request is answered with one byte and followed by the startup message.
          started = length !== 8;
          continue;
        }
        const length = fromClient.readInt32BE(1);
        if (fromClient.length < 1 + length) break;
        const type = fromClient[0];
        const body = fromClient.subarray(5, 1 + length);
        if (type === QUERY) statement = body.toString("utf8", 0, body.indexOf(0));
        if (type === PARSE) {
          // The statement's name, NUL, its text.
          const from = body.indexOf(0) + 1;
          statement = body.toString("utf8", from, body.indexOf(0, from));
        }
        const copy = /^COPY/i.test(statement);
        const whole = copy ? type === COPY_DONE : type === SYNC || type === QUERY;
        const match = whole && !holding ? armed.findIndex((p) => p.test(statement)) : -1;
        if (match >= 0) {
          armed.splice(match, 1);
          held++;
          holding = true;
        }
        fromClient = fromClient.subarray(1 + length);
      }
      // Held before it is passed on: hyperd's answer cannot come earlier.
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!holding) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    arm: (pattern) => void armed.push(pattern),
    get held() {
      return held;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
