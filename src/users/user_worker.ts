/** Web Worker that hosts one or more simulated users and reports their numbers. */
/// <reference lib="deno.worker" />
import type { CopyEncoder } from "../encode/copy_encoder.ts";
import type { HyperConnection } from "../wire/connection.ts";
import type { GrpcReader } from "../wire/grpc_reader.ts";
import { HyperBinaryEncoder } from "../encode/hyper_binary.ts";
import type { OpContext } from "./ops/context.ts";
import { OpStats } from "../stats/op_stats.ts";
import type { RowBatch } from "../workload/row_batch.ts";
import type { Shape } from "../workload/table_shapes.ts";
import { nowMs } from "../time.ts";
import { LoadCurve } from "../workload/stages.ts";
import type { BalanceRead, FaultEvent, RangeMismatch, TransferRecord } from "../workload/ledger.ts";
import { OwnedModel } from "../workload/owned_model.ts";
import { activeUsers } from "../workload/user_ramp.ts";
import type { UserSpec } from "../workload/layout.ts";
import { ArrivalInbox } from "./arrival_inbox.ts";
import { SharedFlags } from "./shared_flags.ts";
import { runUser, type UserEnvironment } from "./user_loop.ts";
import type { FromWorker, StartMessage, ToWorker, WorkerDatabase } from "./worker_protocol.ts";

const TICK_MS = 1000;

/** Open model: a user's arrivals, made on its first "go" or its start, whichever comes first. */
type Inbox = (user: number) => ArrivalInbox;

function post(message: FromWorker): void {
  self.postMessage(message);
}

function postFatal(workerId: number, error: unknown): void {
  const permission = error instanceof Deno.errors.NotCapable;
  post({ type: "fatal", workerId, message: String(error), permission });
}

/** What answers "flush": the worker's tick once its users may run; until then it has none. */
interface Flusher {
  tick: (() => void) | null;
}

async function start(message: StartMessage, inbox: Inbox, flusher: Flusher): Promise<void> {
  const warmupEndMs = message.warmupSec > 0
    ? message.runStartMs + message.warmupSec * 1000
    : undefined;
  const stats = new OpStats({ warmupEndMs });
  const flags = new SharedFlags(message.flags);
  let copyEncoder: CopyEncoder = new HyperBinaryEncoder();
  const batches = new Map<Shape, RowBatch>();
  let openGrpcReader: typeof import("../wire/grpc_reader.ts").openGrpcReader | null = null;
  try {
    // Loaded only when used: each costs memory in every worker, and grpc-js reads its own env.
    if (message.settings.dataFormat === "arrow") {
      copyEncoder = new (await import("../encode/arrow_stream.ts")).ArrowEncoder();
    }
    if (message.settings.transport === "grpc") {
      openGrpcReader = (await import("../wire/grpc_reader.ts")).openGrpcReader;
    }
  } catch (error) {
    postFatal(message.workerId, error);
    return;
  }
  const tick = () => {
    const warmup = stats.takeWarmup();
    if (warmup) post({ type: "tick", workerId: message.workerId, tally: warmup });
    post({ type: "tick", workerId: message.workerId, tally: stats.tick() });
  };
  const ticker = setInterval(tick, TICK_MS);
  // Kept after the users end or fail: a user still running after another's failure reports so.
  flusher.tick = tick;

  // One gRPC channel per database serves every user of this worker on it.
  const grpcReaders = new Map<number, Promise<GrpcReader>>();
  const grpcReader = (database: WorkerDatabase): Promise<GrpcReader> => {
    let reader = grpcReaders.get(database.index);
    if (!reader) {
      reader = openGrpcReader!(message.endpoint.host, message.grpcPort!, database.path);
      grpcReaders.set(database.index, reader);
    }
    return reader;
  };

  // Each user's model of its own table, made once: it outlives the user's reconnections.
  const contextFor = (database: WorkerDatabase, user: number, owned = new OwnedModel()) =>
  async (
    conn: HyperConnection,
  ): Promise<OpContext> => {
    const base = {
      conn,
      tables: database.tables,
      database: database.index,
      queryKnownBugs: message.settings.queryKnownBugs ?? false,
      copyEncoder,
      batches,
      ledger: {
        user,
        database: database.index,
        accounts: message.settings.accounts,
        nowSec: () => (nowMs() - message.runStartMs) / 1000,
        transfer: (record: TransferRecord) => stats.recordTransfer(record),
        read: (read: BalanceRead) => stats.recordBalanceRead(read),
        rangeChecked: () => stats.recordRangeCheck(),
        rangeMismatch: (mismatch: RangeMismatch) => stats.recordRangeMismatch(mismatch),
        fault: (event: FaultEvent) => stats.recordFault(event),
      },
      owned,
      endpoint: message.endpoint,
      databasePath: database.path,
    };
    if (message.settings.transport === "grpc") {
      const reader = await grpcReader(database);
      return { ...base, read: (sql: string) => reader.read(sql), readTransport: "grpc" };
    }
    return { ...base, read: (sql: string) => conn.countRows(sql), readTransport: "libpq" };
  };

  post({ type: "ready", workerId: message.workerId });
  try {
    const users = await Promise.all(message.users.map((spec) => {
      const database = message.databases.find((d) => d.index === spec.database)!;
      return runUser(spec, {
        endpoint: message.endpoint,
        database,
        settings: message.settings,
        flags,
        stats,
        runStartMs: message.runStartMs,
        startAtMs: message.startAtMs?.[spec.id] ?? null,
        contextFor: contextFor(database, spec.id),
        ...pacing(message, spec, flags, inbox),
      });
    }));
    clearInterval(ticker);
    tick();
    post({ type: "done", workerId: message.workerId, users });
  } catch (error) {
    clearInterval(ticker);
    tick();
    postFatal(message.workerId, error);
  } finally {
    for (const reader of grpcReaders.values()) reader.then((r) => r.close(), () => {});
  }
}

/** How `spec` is paced: by arrivals (open), by the ramp (closed with stages), or neither. */
function pacing(
  message: StartMessage,
  spec: UserSpec,
  flags: SharedFlags,
  inbox: Inbox,
): Pick<UserEnvironment, "arrivals" | "active"> {
  const { load, workerId, runStartMs } = message;
  if (load.model === "open") {
    const mine = inbox(spec.id);
    return {
      arrivals: {
        take: () => mine.take(() => flags.stopped),
        free: () => post({ type: "free", workerId, user: spec.id }),
      },
      active: null,
    };
  }
  if (!load.ramp) return { arrivals: null, active: null };
  const { stages, ranks, total } = load.ramp;
  const curve = new LoadCurve(0, stages);
  const rank = ranks[spec.id];
  const active = () => rank < activeUsers(curve, (nowMs() - runStartMs) / 1000, total);
  return { arrivals: null, active };
}

/** Takes the pool's messages; the users' inboxes are this worker's, kept here. */
function listen(): void {
  const inboxes = new Map<number, ArrivalInbox>();
  const inbox: Inbox = (user) => {
    let found = inboxes.get(user);
    if (!found) inboxes.set(user, found = new ArrivalInbox());
    return found;
  };
  const flusher: Flusher = { tick: null };
  let workerId = 0;
  self.onmessage = (event: MessageEvent<ToWorker>) => {
    const message = event.data;
    if (message.type === "start") {
      workerId = message.workerId;
      start(message, inbox, flusher);
    } else if (message.type === "go") inbox(message.user).push(message.arrivalMs);
    else {
      // Users awaiting the server leave this event loop free: the answer comes at once.
      flusher.tick?.();
      post({ type: "flushed", workerId });
    }
  };
}

listen();
