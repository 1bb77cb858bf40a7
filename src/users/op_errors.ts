/** How a user reads a failed operation: its words, a lost connection, an expected abort. */
import { CopyRejectedError } from "../errors.ts";

/** Codes of a connection that broke under an operation: the user reconnects. */
const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "08006",
  "57014",
]);

/** Hyper's "conflict with concurrent transaction": the first updater won (HYPER.md). */
export const CONFLICT_CODE = "40001";

/** The SQLSTATE or client code of an error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof CopyRejectedError) return error.sqlState;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The server's words: SQLSTATE and message where there is one. */
export function describe(error: unknown): string {
  if (error instanceof CopyRejectedError) return `${error.sqlState}: ${error.message}`;
  const e = error as { code?: string; message?: string };
  return e.code ? `${e.code}: ${e.message}` : String(e.message ?? error);
}

/** True when the operation's connection broke under it. */
export function isConnectionLost(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && CONNECTION_CODES.has(code);
}

/** True for a 40001 conflict: an expected abort, counted apart from failures. */
export function isConflict(error: unknown): boolean {
  return errorCode(error) === CONFLICT_CODE;
}
