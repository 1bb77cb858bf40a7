/** Web Worker that hosts one or more simulated users and reports their numbers. */
/// <reference lib="deno.worker" />
import { ArrowEncoder } from "./arrow_stream.ts";
import type { HyperConnection } from "./connection.ts";
import { openGrpcReader } from "./grpc_reader.ts";
import { HyperBinaryEncoder } from "./hyper_binary.ts";
import type { OpContext } from "./ops/context.ts";
import { OpStats } from "./op_stats.ts";
import { SharedFlags } from "./shared_flags.ts";
import { runUser } from "./user.ts";
import type { FromWorker, StartMessage, WorkerDatabase } from "./worker_protocol.ts";

const TICK_MS = 1000;

function post(message: FromWorker): void {
  self.postMessage(message);
}

async function start(message: StartMessage): Promise<void> {
  const stats = new OpStats();
  const flags = new SharedFlags(message.flags);
  const ticker = setInterval(() => post(stats.tick(message.workerId)), TICK_MS);
  const encoder = new HyperBinaryEncoder();
  const arrow = new ArrowEncoder();

  const contextFor = (database: WorkerDatabase) => async (conn: HyperConnection) => {
    const base = {
      conn,
      tables: database.tables,
      dataFormat: message.settings.dataFormat,
      encoder,
      arrowEncoder: (batch: Parameters<ArrowEncoder["encode"]>[0]) => arrow.encode(batch),
    };
    if (message.settings.transport === "grpc" && message.grpcPort !== null) {
      const reader = await openGrpcReader(message.endpoint.host, message.grpcPort, database.path);
      return {
        ...base,
        read: (sql: string) => reader.read(sql),
        readTransport: "grpc",
      } as OpContext;
    }
    const read = async (sql: string) => (await conn.sql.unsafe(sql)).length;
    return { ...base, read, readTransport: "libpq" } as OpContext;
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
        contextFor: contextFor(database),
      });
    }));
    clearInterval(ticker);
    post(stats.tick(message.workerId));
    post({ type: "done", workerId: message.workerId, users, ...stats.totals() });
  } catch (error) {
    clearInterval(ticker);
    post({ type: "fatal", workerId: message.workerId, message: String(error) });
  }
}

self.onmessage = (event: MessageEvent<StartMessage>) => {
  if (event.data.type === "start") start(event.data);
};
