/** HOST:PORT endpoints of a hyperd that runs elsewhere (--endpoint, --grpc-endpoint). Pure. */

/** A host and a TCP port. */
export interface HostPort {
  host: string;
  port: number;
}

/** `host:port`, `1.2.3.4:port` or `[::1]:port`; the brackets are not part of the host. */
const HOST_PORT =
  /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)):(\d{1,5})$/;

/** The host and port of `text`, or null when it is not HOST:PORT with a port from 1 to 65535. */
export function parseHostPort(text: string): HostPort | null {
  const match = HOST_PORT.exec(text.trim());
  if (!match) return null;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return null;
  return { host: match[1] ?? match[2], port };
}

/** HOST:PORT as written in a flag: IPv6 hosts in brackets. */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** True for a name or address that means this machine (what the tasks' --allow-net grants). */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The same host, spelled either way: localhost and 127.0.0.1 are one. */
export function sameHost(a: string, b: string): boolean {
  const canonical = (h: string) => isLoopback(h) ? "loopback" : h.toLowerCase();
  return canonical(a) === canonical(b);
}
