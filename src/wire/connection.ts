/** postgres.js connections to hyperd, each with a BackendWatch on its socket. */
import net from "node:net";
import postgres from "postgres";
import { type BackendKey, BackendWatch } from "./backend_watch.ts";
import { DatabaseError } from "../errors.ts";
import { quoteIdent } from "./sql.ts";

/**
 * Socket errors that only say hyperd went away, which the queries and the crash watch report;
 * and postgres.js's word for a connection ended on purpose (`end({ timeout })`, a Disconnect
 * fault), which rejects promises of its own that no query holds.
 */
const BROKEN_CONNECTION = new Set([
  "ECONNRESET",
  "EPIPE",
  "ECONNREFUSED",
  "CONNECTION_DESTROYED",
]);

// When hyperd resets a connection mid-read, Deno's node:net can reject a promise of its own that
// nobody holds; the break is already reported by the query that used the connection (or the
// crash watch), so that rejection must not end the process. Anything else still does.
globalThis.addEventListener("unhandledrejection", (event) => {
  const code = (event.reason as { code?: unknown } | null)?.code;
  if (typeof code === "string" && BROKEN_CONNECTION.has(code)) event.preventDefault();
});

/** Where hyperd listens. */
export interface Endpoint {
  host: string;
  port: number;
}

/** A postgres.js client on one connection, with the watch that reads its socket first. */
export interface HyperConnection {
  sql: postgres.Sql;
  watch: BackendWatch;
  /** The connection's socket once connected (null before): COPY writes its data straight to it. */
  readonly socket: net.Socket | null;
  /**
   * Runs a read and resolves with the number of rows it returned, counted on the wire: the rows
   * never reach postgres.js. Nothing else may run on the connection meanwhile.
   */
  countRows(query: string): Promise<number>;
  /**
   * Sends the protocol's CancelRequest for whatever the connection runs now, on a connection of
   * its own. Resolves false when the server never gave the session's key.
   */
  cancel(): Promise<boolean>;
}

/** Connects to `database` (a .hyper path), or to no database when it is omitted. */
export function connect(
  endpoint: Endpoint,
  database?: string,
): HyperConnection {
  const watch = new BackendWatch();
  let connected: net.Socket | null = null;
  const sql = postgres({
    host: endpoint.host,
    port: endpoint.port,
    user: "tableau_internal_user",
    database,
    ssl: false,
    max: 1,
    // Hyper invalidates cached statements on DDL (40001) and a cached DROP can turn into a
    // silent no-op: never prepare.
    prepare: false,
    // postgres.js 3.4.9 asks for the array types when a connection opens, from a promise nobody
    // catches: when hyperd refuses that query (memory_limit reached) the worker, and the whole
    // process, died of an unhandled rejection. No query here uses arrays.
    fetch_types: false,
    idle_timeout: 0,
    connect_timeout: 10,
    onnotice: () => {},
    // The typings of 3.4.9 lack `socket`, which the runtime supports.
    ...{
      // A socket of our own so the watch sees every byte before postgres.js does.
      socket: () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(endpoint.port, endpoint.host);
          socket.setNoDelay(true);
          // postgres.js reports a broken connection through its queries; an error before it has
          // added its own listener (hyperd killed mid-connect) must not end the process.
          socket.on("error", () => {});
          socket.once("error", reject);
          socket.once("connect", () => {
            socket.off("error", reject);
            watch.connected();
            connected = socket;
            // Every chunk goes through the watch, and postgres.js gets what the watch passes on.
            const emit = socket.emit.bind(socket);
            socket.emit = ((event: string | symbol, ...args: unknown[]) => {
              if (event !== "data") return emit(event, ...args);
              const passed = watch.feed(args[0] as Uint8Array);
              return passed === null || emit("data", passed);
            }) as typeof socket.emit;
            socket.on("close", () => watch.connectionLost("connection to hyperd closed"));
            resolve(socket);
          });
        }),
    } as postgres.Options<Record<string, never>>,
  });
  return {
    sql,
    watch,
    get socket() {
      return connected;
    },
    async cancel() {
      const key = watch.backendKey;
      if (!key) return false;
      await sendCancelRequest(endpoint, key);
      return true;
    },
    async countRows(query: string) {
      watch.startCountingRows();
      let rows = 0;
      try {
        await sql.unsafe(query);
      } finally {
        rows = watch.stopCountingRows();
      }
      return rows;
    },
  };
}

/** Creates the .hyper file at `path` if it does not exist yet. */
export async function createDatabase(
  endpoint: Endpoint,
  path: string,
): Promise<void> {
  const { sql } = connect(endpoint);
  try {
    await sql.unsafe(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(path)}`);
  } catch (error) {
    throw new DatabaseError(
      `could not create database ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** CancelRequest's code in place of a protocol version (PostgreSQL protocol, section 55.2.8). */
const CANCEL_REQUEST_CODE = 80877102;

/**
 * Sends a CancelRequest for the session `key` names: a 16-byte message on a new connection,
 * which the server closes without an answer.
 */
export async function sendCancelRequest(endpoint: Endpoint, key: BackendKey): Promise<void> {
  const message = new Uint8Array(16);
  const view = new DataView(message.buffer);
  view.setInt32(0, 16);
  view.setInt32(4, CANCEL_REQUEST_CODE);
  view.setInt32(8, key.pid);
  view.setInt32(12, key.secret);
  const conn = await Deno.connect({ hostname: endpoint.host, port: endpoint.port });
  try {
    await conn.write(message);
    // The server closes it once it has read the request; a read of 0 bytes says so.
    await conn.read(new Uint8Array(1)).catch(() => null);
  } finally {
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}
