/** The hyperd hyperstress starts for a run, its log and databases in the output dir. */
import { join } from "node:path";
import type { Config } from "../config/settings.ts";
import { type CrashInfo, crashInfo, describeExit } from "../hyperd/crash.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import { LOAD_ONLY_TEXT } from "../hyperd/backpressure.ts";
import { MODE_CPU } from "../hyperd/log_check.ts";
import type { MonitorLog } from "../hyperd/monitor.ts";
import { Hyperd, type HyperdProcesses } from "../hyperd/process.ts";
import type { InFlightOp } from "../stats/op_records.ts";
import type { Say } from "../output.ts";
import type { Endpoint } from "../wire/connection.ts";
import type { Server, ServerFacts, ServerLoss } from "./server.ts";

/** hyperd's log folder inside the output dir. */
export const LOG_DIR = "log";

/** What starting hyperd for a run needs. */
export interface StartOptions {
  config: Config;
  binary: HyperdBinary;
  outputDir: string;
  /** Where the line naming hyperd's pid and port goes. */
  say: Say;
  /** Where the started hyperd is recorded, for a forced exit to kill. */
  processes?: HyperdProcesses;
}

/** A hyperd this run started and will stop. */
export class StartedServer implements Server {
  readonly facts: ServerFacts;
  readonly identity: { path: string; version: string };
  readonly endpoint: Endpoint;
  readonly grpcPort: number | null;
  readonly pid: number;
  readonly databaseDir: string;
  readonly monitorLog: MonitorLog;
  readonly logIntervalSec: number;
  readonly loadOnlySaid: boolean;
  readonly diskDir: string;
  readonly #hyperd: Hyperd;

  private constructor(hyperd: Hyperd, options: StartOptions) {
    this.#hyperd = hyperd;
    this.identity = { path: options.binary.path, version: options.binary.version };
    this.endpoint = { host: hyperd.host, port: hyperd.port };
    this.grpcPort = hyperd.grpcPort;
    this.pid = hyperd.pid;
    this.databaseDir = options.outputDir;
    this.diskDir = options.outputDir;
    this.monitorLog = { file: join(hyperd.logDir, "hyperd.log"), startAtEnd: false };
    // hyperstress sets it (log_resource_usage_interval) when it starts hyperd.
    this.logIntervalSec = options.config.logInterval;
    this.loadOnlySaid = !(options.config.logMode & MODE_CPU);
    this.facts = {
      mode: "started",
      endpoint: `${hyperd.host}:${hyperd.port}`,
      databaseDir: options.outputDir,
      log: this.monitorLog.file,
      monitorOff: null,
      diskOff: null,
      logging: null,
    };
  }

  /** Starts hyperd with the run's log settings, its log in `<outputDir>/log`. */
  static async start(options: StartOptions): Promise<StartedServer> {
    const { config } = options;
    const hyperd = await Hyperd.start({
      binary: options.binary.path,
      logDir: join(options.outputDir, LOG_DIR),
      grpc: config.transport === "grpc",
      startTimeoutMs: config.startTimeoutSec * 1000,
      processes: options.processes,
      settings: {
        log_resource_usage_interval: `${config.logInterval}s`,
        log_resource_usage_mode: config.logMode,
        log_resource_usage_always: 1,
        memory_limit: config.memoryLimit,
      },
    });
    options.say(`hyperd pid ${hyperd.pid} listening on ${hyperd.host}:${hyperd.port}`);
    if (!(config.logMode & MODE_CPU)) options.say(LOAD_ONLY_TEXT);
    return new StartedServer(hyperd, options);
  }

  /** A crash is hyperd exiting without being asked to. */
  watch(onLost: (loss: ServerLoss) => void): void {
    this.#hyperd.onUnexpectedExit((exit) =>
      onLost({ reason: "CrashDetected", detail: describeExit(exit), exit })
    );
  }

  /** The crash report from hyperd's exit and its log. */
  async crashInfo(
    loss: ServerLoss,
    atSec: number,
    inFlight: InFlightOp[],
  ): Promise<CrashInfo | null> {
    if (!loss.exit) return null;
    return await crashInfo(loss.exit, atSec, this.#hyperd.logDir, inFlight);
  }

  /** Stops hyperd: callback close, SIGTERM, SIGKILL. */
  async release(stepMs?: number): Promise<void> {
    await this.#hyperd.stop(stepMs);
  }
}
