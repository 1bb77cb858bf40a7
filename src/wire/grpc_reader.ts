/**
 * Read-only queries over hyperd's gRPC endpoint (HyperService.ExecuteQuery with Arrow IPC
 * results), the one module that uses @grpc/grpc-js and @grpc/proto-loader.
 */
import type { Buffer } from "node:buffer";
import { fileURLToPath } from "node:url";
import grpc from "@grpc/grpc-js";
import protoLoader from "@grpc/proto-loader";
import { type ArrowRows, decodeArrowStream } from "../encode/arrow_stream.ts";
import { DatabaseError } from "../errors.ts";

const PROTO_PATH = fileURLToPath(new URL("./hyper_service.proto", import.meta.url));
const ARROW_IPC = 5;
const TRANSFER_SYNC = 2;
// The default gRPC role has an empty user name, for which hyperd refuses to attach any
// database ("access denied", 42501). The `user` setting runs the query as the user hyperd was
// started with (`--init-user`, as in connection.ts); a name hyperd does not know fails with
// "unable to connect as '<name>'".
const QUERY_USER = "tableau_internal_user";
// Names the workload in hyperd's log; without it hyperd also logs one warning line per query.
const WORKLOAD = "hyperstress";
const CONNECT_TIMEOUT_MS = 10_000;

/** A gRPC connection to hyperd that runs read queries against one database. */
export interface GrpcReader {
  /** Runs `sql` and resolves with the number of rows it returned, without decoding them. */
  read(sql: string, signal?: AbortSignal): Promise<number>;
  /** Runs `sql` and decodes its rows, for tests and checks. */
  query(sql: string, signal?: AbortSignal): Promise<ArrowRows>;
  /** Closes the channel; calls in flight fail. */
  close(): void;
}

/** The server rejected a gRPC query; carries the server's message and SQLSTATE. */
export class GrpcQueryError extends Error {
  /** gRPC status code, e.g. 3 (INVALID_ARGUMENT) for a SQL error. */
  readonly grpcCode: number;
  /** SQLSTATE from the server's error details, e.g. `42703`; empty when none came. */
  readonly sqlState: string;
  /** The server's longer explanation (often the SQL text with a caret), or empty. */
  readonly detail: string;

  constructor(grpcCode: number, sqlState: string, message: string, detail = "") {
    super(message);
    this.name = "GrpcQueryError";
    this.grpcCode = grpcCode;
    this.sqlState = sqlState;
    this.detail = detail;
  }
}

interface QueryParam {
  sql: string;
  databases: { path: string; alias: string }[];
  output_format: number;
  transfer_mode: number;
  settings: Record<string, string>;
}

interface ExecuteQueryResponse {
  query_result?: { binary_part?: { data: Uint8Array }; result_part_row_count: number };
  query_info?: { query_status?: { row_count: number } };
}

interface ExecuteQueryMethod {
  /** `/salesforce.hyperdb.grpc.v1.HyperService/ExecuteQuery` */
  path: string;
  requestSerialize: (value: QueryParam) => Buffer;
  responseDeserialize: (bytes: Buffer) => ExecuteQueryResponse;
}

let method: Promise<ExecuteQueryMethod> | undefined;

function executeQueryMethod(): Promise<ExecuteQueryMethod> {
  method ??= protoLoader.load(PROTO_PATH, {
    keepCase: true,
    longs: Number, // row counts stay far below 2^53
    enums: Number,
    defaults: true,
    oneofs: true,
  }).then((definition) => {
    const service = definition["salesforce.hyperdb.grpc.v1.HyperService"] as unknown as Record<
      string,
      ExecuteQueryMethod
    >;
    return service.ExecuteQuery;
  });
  return method;
}

/** Connects to hyperd's gRPC port; every query then reads the .hyper file at `databasePath`. */
export async function openGrpcReader(
  host: string,
  port: number,
  databasePath: string,
): Promise<GrpcReader> {
  const executeQuery = await executeQueryMethod();
  const client = new grpc.Client(`${host}:${port}`, grpc.credentials.createInsecure(), {
    // Result parts can exceed grpc-js's 4 MB default (hyperd aims at 4 MB per message).
    "grpc.max_receive_message_length": -1,
    // hyperd is always on loopback: never route it through an http_proxy from the env.
    "grpc.enable_http_proxy": 0,
  });
  try {
    await new Promise<void>((resolve, reject) =>
      client.waitForReady(
        Date.now() + CONNECT_TIMEOUT_MS,
        (error) => error ? reject(error) : resolve(),
      )
    );
  } catch (error) {
    client.close();
    throw new DatabaseError(
      `could not reach hyperd's gRPC endpoint ${host}:${port}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const metadata = new grpc.Metadata();
  metadata.set("x-hyperdb-workload", WORKLOAD);

  function execute(
    sql: string,
    onResponse: (response: ExecuteQueryResponse) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    signal?.throwIfAborted();
    const param: QueryParam = {
      sql,
      // The first attached database is the default one: unqualified names resolve in it.
      databases: [{ path: databasePath, alias: "" }],
      output_format: ARROW_IPC,
      // SYNC streams every result part on this call; ADAPTIVE may leave parts to be fetched
      // with GetQueryResult.
      transfer_mode: TRANSFER_SYNC,
      settings: { user: QUERY_USER },
    };
    return new Promise((resolve, reject) => {
      const call = client.makeServerStreamRequest(
        executeQuery.path,
        executeQuery.requestSerialize,
        executeQuery.responseDeserialize,
        param,
        metadata,
      );
      const onAbort = () => call.cancel();
      signal?.addEventListener("abort", onAbort, { once: true });
      call.on("data", onResponse);
      call.on("error", (error: grpc.ServiceError) => {
        signal?.removeEventListener("abort", onAbort);
        reject(signal?.aborted ? signal.reason : queryError(error));
      });
      call.on("end", () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }

  return {
    async read(sql, signal) {
      let rows = 0;
      let reported = -1;
      await execute(sql, (response) => {
        if (response.query_result) rows += response.query_result.result_part_row_count;
        const status = response.query_info?.query_status;
        if (status) reported = status.row_count;
      }, signal);
      if (reported > rows) {
        throw new GrpcQueryError(
          grpc.status.DATA_LOSS,
          "",
          `the server reported ${reported} rows but sent ${rows}`,
        );
      }
      return rows;
    },
    async query(sql, signal) {
      const parts: Uint8Array[] = [];
      await execute(sql, (response) => {
        const data = response.query_result?.binary_part?.data;
        if (data?.length) parts.push(data);
      }, signal);
      if (parts.length === 0) return { fields: [], rows: [] }; // a statement, not a query
      return decodeArrowStream(parts);
    },
    close() {
      client.close();
    },
  };
}

/** A GrpcQueryError from a failed call, with the SQLSTATE from hyperd's ErrorInfo detail. */
function queryError(error: grpc.ServiceError): GrpcQueryError {
  const [details] = error.metadata?.get("grpc-status-details-bin") ?? [];
  const info = details instanceof Uint8Array ? errorInfo(details) : undefined;
  return new GrpcQueryError(
    error.code,
    info?.sqlState ?? "",
    error.details || error.message,
    info?.detail ?? "",
  );
}

const ERROR_INFO_TYPE = "type.googleapis.com/salesforce.hyperdb.grpc.v1.ErrorInfo";
const text = new TextDecoder();

/**
 * Reads `sqlstate` (field 2) and `customer_detail` (field 4) of the ErrorInfo inside a
 * google.rpc.Status (details = field 3, each an Any of type_url 1 and value 2). A dozen lines
 * of wire-format reading instead of a second protobuf library.
 */
function errorInfo(status: Uint8Array): { sqlState: string; detail: string } | undefined {
  for (const any of lengthDelimited(status, 3)) {
    const [typeUrl] = lengthDelimited(any, 1);
    const [value] = lengthDelimited(any, 2);
    if (!typeUrl || !value || text.decode(typeUrl) !== ERROR_INFO_TYPE) continue;
    const [sqlState] = lengthDelimited(value, 2);
    const [detail] = lengthDelimited(value, 4);
    return {
      sqlState: sqlState ? text.decode(sqlState) : "",
      detail: detail ? text.decode(detail) : "",
    };
  }
  return undefined;
}

/** The length-delimited values of field `wanted` in a protobuf message; skips all others. */
function lengthDelimited(message: Uint8Array, wanted: number): Uint8Array[] {
  const found: Uint8Array[] = [];
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; pos < message.length; shift += 7) {
      const byte = message[pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    return value;
  };
  while (pos < message.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    switch (key & 7) {
      case 0:
        varint();
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const length = varint();
        if (field === wanted) found.push(message.subarray(pos, pos + length));
        pos += length;
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        return found; // groups are not used by these messages; stop rather than misread
    }
  }
  return found;
}
