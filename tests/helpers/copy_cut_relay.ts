/**
 * A loopback TCP relay that cuts a COPY in the middle, as a failing network would: armed, it
 * passes the next `COPY ... FROM STDIN` and its CopyData to hyperd until `afterBytes` of data
 * have gone through, then cuts the connection on both sides before CopyDone, with a FIN (a peer
 * that closed) or a RST (a peer that reset), between two CopyData messages or inside the last
 * one. Every other byte passes through unchanged. Stopped by `close()`.
 */
import type net from "node:net";
import { FrontendMessages } from "./frontend_messages.ts";
import { listenRelay, type TcpRelay } from "./tcp_relay.ts";

/** How the relay ends a cut connection: closed (FIN) or reset (RST). */
export type CutMode = "fin" | "rst";

/** A COPY the relay cut. */
export interface CopyCut {
  /** The COPY statement. */
  statement: string;
  /** Bytes of CopyData that reached hyperd before the cut. */
  copyDataBytes: number;
}

/** What a relay is told to do. */
export interface CopyCutOptions {
  /** CopyData bytes that reach hyperd first (a HyperBinary stream's header alone is 19). */
  afterBytes?: number;
  mode?: CutMode;
  /** Cut inside the last CopyData message: only its first half reaches hyperd. */
  midMessage?: boolean;
}

/** A running relay. */
export class CopyCutRelay {
  #relay: TcpRelay | null = null;
  readonly #afterBytes: number;
  readonly #mode: CutMode;
  readonly #midMessage: boolean;
  #armed = 0;
  /** The COPYs cut so far. */
  readonly cuts: CopyCut[] = [];

  private constructor(options: CopyCutOptions) {
    this.#afterBytes = options.afterBytes ?? 20;
    this.#mode = options.mode ?? "fin";
    this.#midMessage = options.midMessage ?? false;
  }

  /** Starts a relay to `target` on a free loopback port. */
  static async start(
    target: { host: string; port: number },
    options: CopyCutOptions = {},
  ): Promise<CopyCutRelay> {
    const relay = new CopyCutRelay(options);
    relay.#relay = await listenRelay(target, (client, upstream) => {
      upstream.on("data", (chunk: Buffer) => client.write(chunk));
      client.on("data", relay.#fromClient(client, upstream));
    });
    return relay;
  }

  get port(): number {
    return this.#relay!.port;
  }

  /** Cuts the next `count` COPYs, on whatever connections they come. */
  arm(count = 1): void {
    this.#armed += count;
  }

  /** Stops listening and ends every connection it relays. */
  close(): Promise<void> {
    return this.#relay!.close();
  }

  /** Client to server, message by message (frontend_messages.ts splits them). */
  #fromClient(client: net.Socket, upstream: net.Socket): (chunk: Buffer) => void {
    const messages = new FrontendMessages();
    let copyDataBytes = 0;
    let cut = false;
    return (chunk) => {
      if (cut) return;
      for (const { type, bytes: message, statement } of messages.push(chunk)) {
        const length = message.length;
        if (type === "") {
          upstream.write(message);
          continue;
        }
        if (type === "Q" || type === "P") copyDataBytes = 0;
        const cutting = type === "d" && this.#armed > 0 && /^\s*COPY\b/i.test(statement) &&
          copyDataBytes + length - 5 >= this.#afterBytes;
        const sent = cutting && this.#midMessage ? message.subarray(0, length >> 1) : message;
        upstream.write(sent);
        if (type === "d") copyDataBytes += Math.max(0, sent.length - 5);
        if (!cutting) continue;
        this.#armed--;
        cut = true;
        this.cuts.push({ statement, copyDataBytes });
        // The CopyData goes out before the cut: end() flushes it, then FIN; a reset waits for it.
        if (this.#mode === "fin") {
          upstream.end(() => client.destroy());
        } else {
          upstream.write(Buffer.alloc(0), () => {
            upstream.resetAndDestroy();
            client.resetAndDestroy();
          });
        }
        return;
      }
    };
  }
}
