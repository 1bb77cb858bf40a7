/** What a run measured, from which the summary is built. */
import type { InDoubtRecord } from "../stats/op_records.ts";
import type { WriteRecord } from "../workload/writes.ts";
import type { Config } from "../config/settings.ts";
import type { Segment } from "../config/segment.ts";
import type { CrashInfo } from "../hyperd/crash.ts";
import type { ResourceReport } from "../hyperd/monitor.ts";
import type { LatencySummary } from "../stats/latency.ts";
import type { InFlightOp, OpFailure, SlowOp } from "../stats/op_records.ts";
import type { OracleTally } from "../stats/oracle_stats.ts";
import type {
  ErrorGroup,
  LatencyHistograms,
  LatencySpectrum,
  OpTotals,
  TimelinePoint,
} from "../stats/run_stats.ts";
import type { UserResult } from "../users/worker_protocol.ts";
import type { OpKind } from "../workload/op_table.ts";
import type { ClientCpuReport } from "./client_cpu.ts";
import type { Integrity } from "./integrity.ts";
import type { LoadOutcome } from "./load_driver.ts";
import type { WatchPoint } from "./resource_watch.ts";
import type { ServerFacts } from "./server.ts";
import type { StopReason } from "../verdict_policy.ts";
import type { LedgerCheck } from "./ledger_check.ts";
import type { LedgerTotals } from "../stats/ledger_stats.ts";

/** The ledger's part of a run's outcome (docs/ledger-and-faults.md). */
export interface LedgerOutcome extends LedgerTotals {
  /** Accounts per database. */
  accounts: number;
  /** What every read of all balances must sum to. */
  invariant: number;
  check: LedgerCheck;
}

/** Everything a finished run measured, from which the summary is built. */
export interface RunOutcome {
  hyperd: { path: string; version: string };
  outputDir: string;
  config: Config;
  startedAt: Date;
  durationSec: number;
  stopReason: StopReason;
  stopDetail: string | null;
  /** How the server was reached and what could be measured; null when it never answered. */
  server: ServerFacts | null;
  /** This process's part of a segmented run, and the digest of the whole run's layout. */
  segment: (Segment & { layoutDigest: string }) | null;
  byOp: Record<OpKind, OpTotals>;
  /** The response time: from the arrival in the open model, from the send in the closed one. */
  latencyMs: LatencySummary;
  /** From the send to the completion (the same as `latencyMs` in the closed model). */
  serviceTimeMs: LatencySummary;
  /** The load's model, the open model's arrivals and what the warm-up left out. */
  load: LoadOutcome;
  /** The latency histograms themselves, so segments' results merge exactly. */
  histograms: LatencyHistograms;
  /** Rows the server acknowledged per `database/table`. */
  acknowledged: Record<string, number>;
  /** The acknowledged inserts per `database/table`, so a merge can check segments exactly. */
  writes: Record<string, WriteRecord[]>;
  /** Inserts whose outcome is unknown. */
  inDoubtWrites: InDoubtRecord[];
  /** The databases as the server sees them, with their base tables. */
  databases: { index: number; path: string; tables: string[] }[];
  /** Latency at fixed percentiles over the run, overall and per kind. */
  latencySpectrum: LatencySpectrum;
  resources: ResourceReport;
  diskBytes: number;
  writesRedirected: number;
  /** Wall time users ran with writes turned into reads (the disk budget spent), by their clock. */
  readOnlySec: number;
  errors: OpFailure[];
  /** Every failure reported, by kind and message. */
  errorGroups: ErrorGroup[];
  /** The slowest operations, slowest first, with those a stall left in flight. */
  slowest: SlowOp[];
  crash: CrashInfo | null;
  /** A stall: each user's operation in flight when no operation had completed for too long. */
  stall: { inFlight: InFlightOp[] } | null;
  /** schedule.jsonl.gz: one line per executed operation; error when writing it stopped. */
  schedule: { file: string; lines: number; error: string | null } | null;
  integrity: Integrity;
  /** The ledger's transfers, reads and end check; null when no ledger operation ran. */
  ledger?: LedgerOutcome | null;
  transport: { grpcReads: number; libpqReads: number };
  /** What generated queries found. */
  oracles: OracleTally;
  users: UserResult[];
  workers: number;
  timeline: TimelinePoint[];
  /** The resource watch's looks: disk use and hyperstress's own CPU, about once a second. */
  watch: WatchPoint[];
  /** hyperstress's own CPU over the run. */
  client: ClientCpuReport;
  /** hyperstress's own failure: a missing permission (usage) or a bug (internal); else null. */
  ownFault: "usage" | "internal" | null;
}
