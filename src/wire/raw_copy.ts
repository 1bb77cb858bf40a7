/**
 * A COPY abandoned on purpose (the Disconnect fault, mid-COPY): a raw protocol session that
 * starts `COPY ... FROM STDIN`, sends part of a row and closes its socket before CopyDone, as a
 * client that dies would. postgres.js cannot stop halfway, so this speaks the protocol itself.
 */
import type { Endpoint } from "./connection.ts";

const COPY_IN_RESPONSE = 0x47; // G
const READY_FOR_QUERY = 0x5a; // Z
const ERROR_RESPONSE = 0x45; // E
/** Protocol 3.0 in a StartupMessage. */
const PROTOCOL_3 = 196608;

/** One frontend message: type byte, int32 length, body. */
function message(type: string, body: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(5 + body.length);
  bytes[0] = type.charCodeAt(0);
  new DataView(bytes.buffer).setInt32(1, 4 + body.length);
  bytes.set(body, 5);
  return bytes;
}

/** Reads backend messages until one of `type` has come; an ErrorResponse throws. */
async function readUntil(conn: Deno.Conn, type: number): Promise<void> {
  let pending = new Uint8Array(0);
  const buffer = new Uint8Array(1 << 16);
  for (;;) {
    while (pending.length >= 5) {
      const length = new DataView(pending.buffer, pending.byteOffset).getInt32(1);
      if (pending.length < 1 + length) break;
      if (pending[0] === type) return;
      if (pending[0] === ERROR_RESPONSE) throw new Error("hyperd refused the COPY");
      pending = pending.subarray(1 + length);
    }
    const n = await conn.read(buffer);
    if (n === null) throw new Error("hyperd closed the connection");
    const joined = new Uint8Array(pending.length + n);
    joined.set(pending);
    joined.set(buffer.subarray(0, n), pending.length);
    pending = joined;
  }
}

/**
 * Starts `COPY <table> ("id") FROM STDIN` (CSV) on `database`, sends a row and a half, and closes
 * the socket without CopyDone. Resolves once the socket is closed.
 */
export async function abandonCopy(
  endpoint: Endpoint,
  database: string,
  quotedTable: string,
): Promise<void> {
  const text = new TextEncoder();
  const conn = await Deno.connect({ hostname: endpoint.host, port: endpoint.port });
  try {
    const params = text.encode(`user\0tableau_internal_user\0database\0${database}\0\0`);
    const startup = new Uint8Array(8 + params.length);
    new DataView(startup.buffer).setInt32(0, startup.length);
    new DataView(startup.buffer).setInt32(4, PROTOCOL_3);
    startup.set(params, 8);
    await conn.write(startup);
    await readUntil(conn, READY_FOR_QUERY);
    const sql = `COPY ${quotedTable} ("id") FROM STDIN WITH (FORMAT CSV)\0`;
    await conn.write(message("Q", text.encode(sql)));
    await readUntil(conn, COPY_IN_RESPONSE);
    await conn.write(message("d", text.encode("1\n2")));
  } finally {
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}
