/**
 * The nemesis: client-side faults, each an operation kind (docs/ledger-and-faults.md).
 * - Cancel: a long read on the user's connection, cancelled by the protocol's CancelRequest after
 *   the planned delay; the query must end within CANCEL_BOUND_MS and the connection serve the
 *   next statement.
 * - Disconnect: on a connection of its own, a long read, a transfer before its COMMIT, or a COPY
 *   on a table of its own is cut halfway by closing the socket; then a new connection must work,
 *   and what the cut left must be right: the balances still sum to the invariant, and the
 *   table of the cut COPY answers a read (an abandoned COPY that never ends is a known Hyper bug).
 */
import { connect, type HyperConnection } from "../../wire/connection.ts";
import { abandonCopy } from "../../wire/raw_copy.ts";
import { quoteIdent } from "../../wire/sql.ts";
import { TIMED_OUT, within } from "../../time.ts";
import type { TransferOutcome } from "../../workload/ledger.ts";
import type { PlannedOp } from "../../workload/planner.ts";
import { errorCode } from "../op_errors.ts";
import type { OpContext, OpOutcome } from "./context.ts";
import { balancesRead, READ_BALANCES_SQL } from "./read_balances.ts";
import { creditSql, debitSql } from "./transfer.ts";

/**
 * A read that runs for tens of seconds and returns one row: pg_sleep is disabled in Hyper
 * (HYPER.md), so the time goes into counting a cross join (3e10 rows took 78 s here).
 */
export const LONG_READ_SQL =
  "SELECT count(*) AS n FROM generate_series(1, 100000) AS a(x), generate_series(1, 300000) AS b(y)";
/** A cancelled query still running after this long ignored its cancel (a finding). */
export const CANCEL_BOUND_MS = 10_000;
/**
 * The read a Disconnect cuts: a few seconds long. hyperd does not notice a client gone while a
 * read runs (its session closes only when the read ends), so a cut read keeps a worker busy
 * for as long as it would have run: the long read would cost a minute of hyperd's CPU.
 */
export const CUT_READ_SQL =
  "SELECT count(*) AS n FROM generate_series(1, 100000) AS a(x), generate_series(1, 20000) AS b(y)";
/** A cancelled query still running after this long gets another CancelRequest. */
const CANCEL_RETRY_MS = 1_000;
/** The read of a cut COPY's table still unanswered after this long is blocked. */
const COPY_PROBE_MS = 3_000;
/** A fault's statement that Hyper's code for a cancelled one ends with. */
const QUERY_CANCELED = "57014";

/** The statement a fault hits, as the in-flight list shows it. */
export function faultSql(op: PlannedOp, user: number): string {
  if (op.kind === "Cancel") return `${LONG_READ_SQL} -- cancelled after ${op.fault!.delayMs} ms`;
  const cut = ` -- cut after ${op.fault!.delayMs} ms`;
  switch (op.fault!.phase) {
    case "read":
      return CUT_READ_SQL + cut;
    case "transaction":
      return `BEGIN; ${debitSql(op.transfer!.legs[0])}; ...${cut} before COMMIT`;
    case "copy":
      return `COPY ${quoteIdent(cutTable(user, op.seq))} ("id") FROM STDIN${cut}`;
  }
}

/** The table a Disconnect mid-COPY writes into: its own, as the cut may block it for good. */
function cutTable(user: number, seq: number): string {
  return `cut_copy_u${user}_${seq}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Cancels a long read after the planned delay; the connection must serve the next statement. */
export async function cancelOp(ctx: OpContext, op: PlannedOp): Promise<OpOutcome> {
  const { conn } = ctx;
  // Connected and idle first: the session's key comes with the connection, and a cancel that
  // caught postgres.js's own start-up query (fetch_types) would reject a promise nobody holds.
  await conn.sql.unsafe("SELECT 1");
  // postgres.js sends a query only once it is awaited or executed: send it now.
  const query = conn.sql.unsafe(LONG_READ_SQL).execute();
  const ended = query.then(() => "completed" as const, (error) => {
    if (errorCode(error) === QUERY_CANCELED) return "cancelled" as const;
    throw error;
  });
  ended.catch(() => {});
  await sleep(op.fault!.delayMs);
  const outcome = await cancelUntilEnded(conn, ended);
  if (outcome === TIMED_OUT) {
    ctx.ledger.fault({
      kind: "cancel-ignored",
      user: ctx.ledger.user,
      seq: op.seq,
      atSec: ctx.ledger.nowSec(),
      detail: `the query still ran ${CANCEL_BOUND_MS / 1000} s after its first cancel, ` +
        "with another cancel every second",
      sql: LONG_READ_SQL,
    });
    ended.catch(() => {});
    // The connection is busy for good: the user reconnects.
    conn.socket?.destroy();
    throw Object.assign(new Error("the cancelled query never ended"), {
      code: "CONNECTION_DESTROYED",
    });
  }
  const [row] = await conn.sql.unsafe("SELECT 1 AS one");
  if (Number(row.one) !== 1) throw new Error("the connection answered wrong after a cancel");
  return { rows: outcome === "completed" ? 1 : 0, insertedRows: 0 };
}

/**
 * Sends CancelRequests until `ended` settles or CANCEL_BOUND_MS pass: the request travels on a
 * connection of its own, so it may reach hyperd before the query has started there, and one
 * that arrives then cancels nothing. Only a query that outlives every request ignored them.
 */
async function cancelUntilEnded<T>(
  conn: HyperConnection,
  ended: Promise<T>,
): Promise<T | typeof TIMED_OUT> {
  const until = performance.now() + CANCEL_BOUND_MS;
  for (;;) {
    if (!await conn.cancel()) throw new Error("hyperd gave no BackendKeyData: cannot cancel");
    const left = until - performance.now();
    const outcome = await within(ended, Math.min(CANCEL_RETRY_MS, Math.max(0, left)));
    if (outcome !== TIMED_OUT || left <= CANCEL_RETRY_MS) return outcome;
  }
}

/** Cuts a connection of its own halfway through a read, a transfer or a COPY, then checks. */
export async function disconnectOp(ctx: OpContext, op: PlannedOp): Promise<OpOutcome> {
  const { phase, delayMs } = op.fault!;
  const cut = connect(ctx.endpoint, ctx.databasePath);
  try {
    if (phase === "read") await cutRead(cut, delayMs);
    else if (phase === "transaction") await cutTransfer(ctx, cut, op);
    else await cutCopy(ctx, op);
  } finally {
    await cut.sql.end({ timeout: 0 }).catch(() => {});
  }
  // A new connection works, and the ledger holds: nothing the cut began is half-done.
  const after = connect(ctx.endpoint, ctx.databasePath);
  try {
    await balancesRead(ctx, op, (sql) => after.sql.unsafe(sql), READ_BALANCES_SQL);
  } finally {
    await after.sql.end({ timeout: 1 }).catch(() => {});
  }
  return { rows: 0, insertedRows: 0 };
}

/** Starts the long read and closes the socket under it. */
async function cutRead(cut: HyperConnection, delayMs: number): Promise<void> {
  // Connected first, so the cut comes while the read runs, not while the session starts.
  await cut.sql.unsafe("SELECT 1");
  const query = cut.sql.unsafe(CUT_READ_SQL).execute();
  query.catch(() => {});
  await sleep(delayMs);
  cut.socket?.destroy();
  // postgres.js may notice the closed socket late: the read is not waited for long.
  await within(query.catch(() => {}), 1_000);
}

/** A transfer's debit and credits, then the socket closes instead of COMMIT. */
async function cutTransfer(ctx: OpContext, cut: HyperConnection, op: PlannedOp): Promise<void> {
  const { legs } = op.transfer!;
  await cut.sql.unsafe("SELECT 1");
  const startedAtSec = ctx.ledger.nowSec();
  let outcome: TransferOutcome = "failed";
  try {
    await cut.sql.unsafe("BEGIN");
    await cut.sql.unsafe(debitSql(legs[0]));
    for (const credit of legs.slice(1)) await cut.sql.unsafe(creditSql(credit));
    await sleep(Math.min(op.fault!.delayMs, 100));
  } catch (error) {
    // A conflict before the cut: the transfer aborted, and the cut still comes.
    if (errorCode(error) === "40001") outcome = "aborted";
  }
  cut.socket?.destroy();
  // Never committed: it must leave no trace, which the next read and the end check verify.
  ctx.ledger.transfer({
    database: ctx.ledger.database,
    user: ctx.ledger.user,
    seq: op.seq,
    legs,
    outcome,
    startedAtSec,
    endedAtSec: ctx.ledger.nowSec(),
  });
}

/**
 * Abandons a COPY into a table of its own, then reads that table: an answer (no rows) is a clean
 * rollback; none within COPY_PROBE_MS is Hyper's known abandoned-COPY hang.
 */
async function cutCopy(ctx: OpContext, op: PlannedOp): Promise<void> {
  const table = quoteIdent(cutTable(ctx.ledger.user, op.seq));
  const setup = connect(ctx.endpoint, ctx.databasePath);
  try {
    await setup.sql.unsafe(`CREATE TABLE ${table} ("id" INT NOT NULL)`);
  } finally {
    await setup.sql.end({ timeout: 1 }).catch(() => {});
  }
  const probe = connect(ctx.endpoint, ctx.databasePath);
  try {
    // Connected before the cut: the cancel below must find the probe's read, not its start-up.
    await probe.sql.unsafe("SELECT 1");
    await abandonCopy(ctx.endpoint, ctx.databasePath, table);
    const read = probe.sql.unsafe(`SELECT count(*) AS n FROM ${table}`).execute();
    read.catch(() => {});
    const answer = await within(read, COPY_PROBE_MS);
    if (answer !== TIMED_OUT) {
      if (Number(answer[0].n) !== 0) {
        throw new Error(`the cut COPY left ${answer[0].n} rows in ${table}, expected 0`);
      }
      return;
    }
    ctx.ledger.fault({
      kind: "abandoned-copy-hang",
      user: ctx.ledger.user,
      seq: op.seq,
      atSec: ctx.ledger.nowSec(),
      detail: `a read of ${table} got no answer within ${COPY_PROBE_MS / 1000} s of its COPY ` +
        "being cut before CopyDone",
      sql: `COPY ${table} ("id") FROM STDIN`,
    });
    // The probe waits behind the COPY for good: cancel it, then let its socket go.
    await probe.cancel().catch(() => {});
    await within(read.catch(() => {}), 1_000);
    probe.socket?.destroy();
  } finally {
    await probe.sql.end({ timeout: 0 }).catch(() => {});
  }
}

/** The alias a Reattach gives the user's database in a session of its own. */
function reattachAlias(user: number): string {
  return `reattach_u${user}`;
}

/** The statements of a Reattach, as the in-flight list shows them. */
export function reattachSql(ctx: Pick<OpContext, "databasePath">, user: number): string {
  const alias = quoteIdent(reattachAlias(user));
  return `ATTACH DATABASE ${quoteIdent(ctx.databasePath)} AS ${alias}; ` +
    `SELECT "id", "balance" FROM ${alias}."public"."accounts"; DETACH DATABASE ${alias}`;
}

/**
 * Reattach: a session with no database attaches the user's database under an alias while the
 * other users work in it, reads every balance through the alias (checked against the invariant)
 * and detaches it.
 */
export async function reattachOp(ctx: OpContext, op: PlannedOp): Promise<OpOutcome> {
  const alias = quoteIdent(reattachAlias(ctx.ledger.user));
  const session = connect(ctx.endpoint);
  try {
    await session.sql.unsafe(`ATTACH DATABASE ${quoteIdent(ctx.databasePath)} AS ${alias}`);
    const rows = await balancesRead(
      ctx,
      op,
      (sql) => session.sql.unsafe(sql),
      `SELECT "id", "balance" FROM ${alias}."public"."accounts" ORDER BY "id"`,
    );
    await session.sql.unsafe(`DETACH DATABASE ${alias}`);
    return { rows, insertedRows: 0 };
  } finally {
    await session.sql.end({ timeout: 1 }).catch(() => {});
  }
}
