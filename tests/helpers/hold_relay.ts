/**
 * A TCP relay between the tool and hyperd that leaves a COPY unanswered: armed, the next
 * connection to finish a COPY (its CopyDone passed on to hyperd, which commits it) gets nothing
 * more from hyperd, so its insert stays in flight however long the tool waits. Everything else
 * passes through. Stopped by `close()`, which ends every connection it relays.
 */
import net from "node:net";

/** A running relay. */
export interface HoldRelay {
  port: number;
  /** Holds the answers on the next `count` connections that finish a COPY. */
  arm(count?: number): void;
  /** Connections whose answers are held so far. */
  readonly held: number;
  close(): Promise<void>;
}

/** The frontend message that ends a COPY's data. */
const COPY_DONE = "c".charCodeAt(0);

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
        if (fromClient[0] === COPY_DONE && armed > 0 && !holding) {
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
