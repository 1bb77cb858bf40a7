/**
 * The socket wiring the test relays share: a listener on a free loopback port that pairs each
 * client with a new connection to the target, ends either side when the other errs or closes,
 * and on `close()` stops listening and ends every connection it paired. What flows between the
 * two sockets is each relay's own (`pair` adds the data handlers).
 */
import net from "node:net";

/** A listening relay. */
export interface TcpRelay {
  port: number;
  close(): Promise<void>;
}

/** Listens for clients; `pair` is called with each client and its upstream. */
export async function listenRelay(
  target: { host: string; port: number },
  pair: (client: net.Socket, upstream: net.Socket) => void,
): Promise<TcpRelay> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      a.on("error", () => b.destroy());
      a.on("close", () => {
        sockets.delete(a);
        b.destroy();
      });
    }
    pair(client, upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
