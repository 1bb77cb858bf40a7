/** A worker's running tally: per operation kind, per interval, and acknowledged inserts. */
import { Latency } from "./latency.ts";
import { OP_KINDS, type OpKind } from "../workload/op_table.ts";
import type { DoneMessage, OpCounts, OpFailure, TickMessage } from "../users/worker_protocol.ts";

/** Failures kept per interval; the main thread keeps the first 100 of the run. */
const FAILURES_PER_TICK = 100;

const zeroCounts = (): Record<OpKind, OpCounts> =>
  Object.fromEntries(OP_KINDS.map((k) => [k, { ops: 0, failures: 0, rows: 0 }])) as Record<
    OpKind,
    OpCounts
  >;

/** Everything the users of one worker record. */
export class OpStats {
  readonly #total = zeroCounts();
  readonly #latency = Object.fromEntries(OP_KINDS.map((k) => [k, new Latency()])) as Record<
    OpKind,
    Latency
  >;
  #interval = zeroCounts();
  readonly #intervalLatency = new Latency();
  #intervalInserted = 0;
  #intervalFailures: OpFailure[] = [];
  readonly acknowledged: Record<string, number> = {};
  writesRedirected = 0;
  grpcReads = 0;
  libpqReads = 0;

  /** Records a finished operation. */
  recordSuccess(kind: OpKind, ms: number, rows: number): void {
    for (const counts of [this.#total[kind], this.#interval[kind]]) {
      counts.ops++;
      counts.rows += rows;
    }
    this.#latency[kind].record(ms);
    this.#intervalLatency.record(ms);
  }

  /** Records a failed operation with the server's message. */
  recordFailure(kind: OpKind, ms: number, failure: OpFailure): void {
    for (const counts of [this.#total[kind], this.#interval[kind]]) {
      counts.ops++;
      counts.failures++;
    }
    this.#latency[kind].record(ms);
    this.#intervalLatency.record(ms);
    if (this.#intervalFailures.length < FAILURES_PER_TICK) this.#intervalFailures.push(failure);
  }

  /** Counts rows the server acknowledged inserting into `table` of `database`. */
  recordInsert(database: number, table: string, rows: number): void {
    const key = `${database}/${table}`;
    this.acknowledged[key] = (this.acknowledged[key] ?? 0) + rows;
    this.#intervalInserted += rows;
  }

  /** The interval since the last tick; starts a new interval. */
  tick(workerId: number): TickMessage {
    const message: TickMessage = {
      type: "tick",
      workerId,
      byOp: this.#interval,
      insertedRows: this.#intervalInserted,
      latency: this.#intervalLatency.encode(),
      failures: this.#intervalFailures,
    };
    this.#interval = zeroCounts();
    this.#intervalLatency.reset();
    this.#intervalInserted = 0;
    this.#intervalFailures = [];
    return message;
  }

  /** The whole run's numbers, for the done message. */
  totals(): Pick<DoneMessage, "byOp" | "acknowledged" | "writesRedirected" | "transport"> {
    const byOp = Object.fromEntries(
      OP_KINDS.map((k) => [k, { ...this.#total[k], latency: this.#latency[k].encode() }]),
    ) as DoneMessage["byOp"];
    return {
      byOp,
      acknowledged: this.acknowledged,
      writesRedirected: this.writesRedirected,
      transport: { grpcReads: this.grpcReads, libpqReads: this.libpqReads },
    };
  }
}
