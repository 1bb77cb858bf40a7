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
import { SharedFlags } from "./shared_flags.ts";
import { runUser } from "./user_loop.ts";
import type { FromWorker, StartMessage, WorkerDatabase } from "./worker_protocol.ts";

const TICK_MS = 1000;

function post(message: FromWorker): void {
  self.postMessage(message);
}

function postFatal(workerId: number, error: unknown): void {
  const permission = error instanceof Deno.errors.NotCapable;
  post({ type: "fatal", workerId, message: String(error), permission });
}

async function start(message: StartMessage): Promise<void> {
  const stats = new OpStats();
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
  const tick = () => post({ type: "tick", workerId: message.workerId, tally: stats.tick() });
  const ticker = setInterval(tick, TICK_MS);

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

  const contextFor =
    (database: WorkerDatabase) => async (conn: HyperConnection): Promise<OpContext> => {
      const base = {
        conn,
        tables: database.tables,
        copyEncoder,
        batches,
      };
      if (message.settings.transport === "grpc") {
        const reader = await grpcReader(database);
        return { ...base, read: (sql: string) => reader.read(sql), readTransport: "grpc" };
      }
      // Rows are counted as they stream in: no result array, no parsed values.
      const read = async (sql: string) => {
        let rows = 0;
        await conn.sql.unsafe(sql).raw().forEach(() => void rows++);
        return rows;
      };
      return { ...base, read, readTransport: "libpq" };
    };

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
        contextFor: contextFor(database),
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

self.onmessage = (event: MessageEvent<StartMessage>) => {
  if (event.data.type === "start") start(event.data);
};
