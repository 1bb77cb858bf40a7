/**
 * A TCP relay between the tool and hyperd that leaves an insert unanswered: armed, the next
 * connection to hand hyperd a whole insert (a COPY's CopyDone, or the Sync after an INSERT's
 * Parse) gets nothing more from hyperd, which commits the insert all the same, so the insert
 * stays in flight however long the tool waits. Everything else passes through. Stopped by
 * `close()`, which ends every connection it relays.
 */
import net from "node:net";

/** A running relay. */
export interface HoldRelay {
  port: number;
  /** Holds the answers on the next `count` connections that hand hyperd an insert. */
  arm(count?: number): void;
  /** Connections whose answers are held so far. */
  readonly held: number;
  close(): Promise<void>;
}

const COPY_DONE = "c".charCodeAt(0);
const PARSE = "P".charCodeAt(0);
const SYNC = "S".charCodeAt(0);

/** Starts a relay to `target`. */
export async function startHoldRelay(target: { host: string; port: number }): Promise<HoldRelay> {
  let armed = 0;
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
    let parsedInsert = false;
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
        if (type === PARSE) {
          // The body: the statement's name, NUL, its text.
          const body = fromClient.subarray(5, 1 + length);
          const text = body.toString("utf8", body.indexOf(0) + 1, body.indexOf(0) + 12);
          parsedInsert = text.toUpperCase().startsWith("INSERT");
        }
        const whole = type === COPY_DONE || (type === SYNC && parsedInsert);
        if (whole && armed > 0 && !holding) {
          armed--;
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
    arm: (count = 1) => void (armed += count),
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
