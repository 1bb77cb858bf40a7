/**
 * How the segments of a run meet on one server: segment 0 creates and seeds the databases, then
 * writes a ready mark (a small database of its own beside them); the other segments wait for the
 * mark of their run before their users start. Nobody but segment 0 opens the run's databases
 * before the mark, so its DROP DATABASE never finds them in use.
 */
import { join } from "node:path";
import { DatabaseError } from "../errors.ts";
import { connect, createDatabase, type Endpoint } from "../wire/connection.ts";
import { quoteIdent } from "../wire/sql.ts";

/** The mark's database, in the database dir. */
export const READY_FILE = "hyperstress_ready.hyper";
/** How often a waiting segment looks for the mark. */
const POLL_MS = 500;
/** How long segment 0 retries removing a mark a waiting segment is reading. */
const CLEAR_RETRY_MS = 10_000;
/** SQLSTATE of DROP DATABASE on a database another session has open. */
const IN_USE = "55006";

/** What identifies the run a mark belongs to. */
export interface ReadyMark {
  layoutDigest: string;
  segments: number;
}

/** Where the mark of the databases in `databaseDir` is. */
function readyPath(databaseDir: string): string {
  return join(databaseDir, READY_FILE);
}

/** Segment 0, before set-up: removes an earlier run's mark, retrying while a reader has it open. */
export async function clearReady(endpoint: Endpoint, databaseDir: string): Promise<void> {
  const until = performance.now() + CLEAR_RETRY_MS;
  const { sql } = connect(endpoint);
  try {
    for (;;) {
      try {
        await sql.unsafe(`DROP DATABASE IF EXISTS ${quoteIdent(readyPath(databaseDir))}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== IN_USE || performance.now() > until) throw error;
        await sleep(50);
      }
    }
  } finally {
    await sql.end({ timeout: 5 }).catch(() => {});
  }
}

/** Segment 0, after set-up: the databases are ready for the run `mark` names. */
export async function markReady(
  endpoint: Endpoint,
  databaseDir: string,
  mark: ReadyMark,
): Promise<void> {
  const path = readyPath(databaseDir);
  await createDatabase(endpoint, path);
  const { sql } = connect(endpoint, path);
  try {
    await sql.unsafe(
      "CREATE TABLE ready (layout_digest TEXT, segments INTEGER, created TIMESTAMPTZ)",
    );
    await sql.unsafe("INSERT INTO ready VALUES ($1, $2, now())", [
      mark.layoutDigest,
      mark.segments,
    ]);
  } finally {
    await sql.end({ timeout: 5 }).catch(() => {});
  }
}

/** What waiting for the mark needs. */
export interface WaitOptions {
  /** Give up after this long. */
  timeoutSec: number;
  /** Which segment waits, for the error. */
  segment: { index: number; count: number };
  /** Stops waiting (the run was interrupted). */
  signal?: AbortSignal;
}

/**
 * Waits for segment 0's mark of this run. A mark written more than `timeoutSec` before the wait
 * began (by the server's clock) is an earlier run's and is ignored. Throws a DatabaseError that
 * says what to do when none comes in time.
 */
export async function waitUntilReady(
  endpoint: Endpoint,
  databaseDir: string,
  mark: ReadyMark,
  options: WaitOptions,
): Promise<void> {
  const oldestMs = (await serverNow(endpoint)) - options.timeoutSec * 1000;
  const until = performance.now() + options.timeoutSec * 1000;
  let seen = "no mark yet";
  while (!options.signal?.aborted) {
    const found = await readMark(endpoint, databaseDir);
    if (found) {
      const fresh = found.created.getTime() >= oldestMs;
      if (fresh && found.layoutDigest === mark.layoutDigest && found.segments === mark.segments) {
        return;
      }
      seen = fresh
        ? `a mark of another run (layout ${found.layoutDigest}, ${found.segments} segments)`
        : `an earlier run's mark from ${found.created.toISOString()}`;
    }
    if (performance.now() > until) break;
    await sleep(POLL_MS);
  }
  if (options.signal?.aborted) return;
  const { index, count } = options.segment;
  throw new DatabaseError(
    `segment ${index}/${count}: the databases in ${databaseDir} were not ready within ` +
      `${options.timeoutSec} s (${seen}); segment 0 creates and seeds them: start it with the ` +
      "same seed and settings, --database-dir and --endpoint, or raise --start-timeout-sec",
  );
}

/** The server's clock, in ms since the epoch. */
async function serverNow(endpoint: Endpoint): Promise<number> {
  const { sql } = connect(endpoint);
  try {
    const [row] = await sql.unsafe("SELECT now() AS now");
    return (row.now as Date).getTime();
  } finally {
    await sql.end({ timeout: 5 }).catch(() => {});
  }
}

/** The mark in the database dir, or null while there is none. */
async function readMark(
  endpoint: Endpoint,
  databaseDir: string,
): Promise<{ layoutDigest: string; segments: number; created: Date } | null> {
  const { sql } = connect(endpoint, readyPath(databaseDir));
  try {
    const [row] = await sql.unsafe("SELECT layout_digest, segments, created FROM ready");
    if (!row) return null;
    return { layoutDigest: row.layout_digest, segments: row.segments, created: row.created };
  } catch {
    // No mark database yet, or segment 0 is creating it.
    return null;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
