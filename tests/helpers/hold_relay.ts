/**
 * A TCP relay between the tool and hyperd that leaves a statement unanswered: armed with a
 * pattern, the next connection to hand hyperd a whole statement matching it (a COPY with its
 * CopyDone, or the Sync after the statement's Parse) gets nothing more from hyperd, which runs the
 * statement all the same, so it stays in flight however long the tool waits. Everything else
 * passes through. Stopped by `close()`, which ends every connection it relays.
 */
import { FrontendMessages } from "./frontend_messages.ts";
import { listenRelay } from "./tcp_relay.ts";

/** A running relay. */
export interface HoldRelay {
  port: number;
  /** Holds the answers on the next connection that hands hyperd a statement matching `pattern`. */
  arm(pattern: RegExp): void;
  /** Connections whose answers are held so far. */
  readonly held: number;
  close(): Promise<void>;
}

/** Starts a relay to `target`. */
export async function startHoldRelay(target: { host: string; port: number }): Promise<HoldRelay> {
  const armed: RegExp[] = [];
  let held = 0;
  const relay = await listenRelay(target, (client, upstream) => {
    let holding = false;
    const messages = new FrontendMessages();
    client.on("data", (chunk: Buffer) => {
      for (const { type, statement } of messages.push(chunk)) {
        const copy = /^COPY/i.test(statement);
        const whole = copy ? type === "c" : type === "S" || type === "Q";
        const match = whole && !holding ? armed.findIndex((p) => p.test(statement)) : -1;
        if (match >= 0) {
          armed.splice(match, 1);
          held++;
          holding = true;
        }
      }
      // Held before it is passed on: hyperd's answer cannot come earlier.
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!holding) client.write(chunk);
    });
  });
  return {
    port: relay.port,
    arm: (pattern) => void armed.push(pattern),
    get held() {
      return held;
    },
    close: relay.close,
  };
}
