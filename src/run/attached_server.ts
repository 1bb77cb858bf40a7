/**
 * A hyperd someone else runs (`--endpoint`): checked to answer at the start, watched for
 * refusing connections, and never started, stopped or signalled by hyperstress.
 */
import { formatHostPort, type HostPort, isLoopback, parseHostPort } from "../config/host_port.ts";
import type { Config } from "../config/settings.ts";
import { ConfigError, HyperdError } from "../errors.ts";
import type { Say } from "../output.ts";
import type { CrashInfo } from "../hyperd/crash.ts";
import { LOAD_ONLY_TEXT } from "../hyperd/backpressure.ts";
import type { MonitorLog } from "../hyperd/monitor.ts";
import { TIMED_OUT, within } from "../time.ts";
import { connect, type Endpoint } from "../wire/connection.ts";
import { type AttachedLogging, checkAttachedLogging } from "./attached_logging.ts";
import { Reachability } from "./reachability.ts";
import type { Server, ServerFacts, ServerLoss } from "./server.ts";

/** How often the watch tries to connect. */
const PROBE_MS = 1000;
/** A connection attempt that takes longer than this counts as refused. */
const PROBE_TIMEOUT_MS = 2000;

/** What attaching needs. */
export interface AttachOptions {
  config: Config;
  /** The default database dir. */
  outputDir: string;
  /** Where the lines about the server (its version, what cannot be measured) go. */
  say: Say;
}

/** A running hyperd this run loads and leaves running. */
export class AttachedServer implements Server {
  readonly facts: ServerFacts;
  readonly identity: { path: string; version: string };
  readonly endpoint: Endpoint;
  readonly grpcPort: number | null;
  readonly pid = null;
  readonly databaseDir: string;
  readonly monitorLog: MonitorLog | null;
  readonly logIntervalSec: number;
  readonly loadOnlySaid: boolean;
  readonly diskDir: string | null;
  readonly #stallSec: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  private constructor(
    endpoint: HostPort,
    grpc: HostPort | null,
    version: string,
    config: Config,
    dirs: { databaseDir: string; diskDir: string | null; diskOff: string | null },
    logging: AttachedLogging | null,
  ) {
    const where = formatHostPort(endpoint);
    this.endpoint = endpoint;
    this.grpcPort = grpc?.port ?? null;
    this.identity = { path: `${where} (attached)`, version };
    this.databaseDir = dirs.databaseDir;
    this.diskDir = dirs.diskDir;
    this.monitorLog = config.hyperdLog ? { file: config.hyperdLog, startAtEnd: true } : null;
    this.logIntervalSec = logging?.intervalSec ?? config.logInterval;
    this.loadOnlySaid = logging?.loadOnly ?? false;
    this.#stallSec = config.stallSec;
    this.facts = {
      mode: "attached",
      endpoint: where,
      databaseDir: dirs.databaseDir,
      log: config.hyperdLog ?? null,
      monitorOff: config.hyperdLog ? null : "no --hyperd-log: hyperd's resource log is not read, " +
        "so there are no resource peaks and no backpressure",
      diskOff: dirs.diskOff,
      logging: logging?.warning ?? null,
    };
  }

  /**
   * Checks that hyperd answers at `--endpoint` (and `--grpc-endpoint`), prints its version, and
   * finds out what can be measured from here. Throws when nothing answers.
   */
  static async attach(options: AttachOptions): Promise<AttachedServer> {
    const { config } = options;
    const endpoint = parseHostPort(config.endpoint ?? "");
    if (!endpoint) throw new ConfigError(`--endpoint: expected HOST:PORT, got ${config.endpoint}`);
    const grpc = config.grpcEndpoint ? parseHostPort(config.grpcEndpoint) : null;
    await mustAnswer(endpoint, "--endpoint");
    if (grpc) await mustAnswer(grpc, "--grpc-endpoint");
    if (config.hyperdLog) await mustBeFile(config.hyperdLog);
    // Before any query of ours: with log_resource_usage_always=0 our own query would make
    // hyperd log the very sample the check waits for.
    const logging = config.hyperdLog
      ? await checkAttachedLogging(config.hyperdLog, config.logInterval)
      : null;
    const version = await serverVersion(endpoint);
    const databaseDir = config.databaseDir ?? options.outputDir;
    const local = isLoopback(endpoint.host) && await isDirectory(databaseDir);
    const diskOff = local
      ? null
      : isLoopback(endpoint.host)
      ? `the database dir ${databaseDir} is not a directory on this machine`
      : `the databases are on ${endpoint.host}, not on this machine`;
    const { say } = options;
    say(`attached to hyperd at ${formatHostPort(endpoint)}: ${version} (it is left running)`);
    if (diskOff) say(`disk budget off: ${diskOff}`);
    if (!config.hyperdLog) say("monitor off: no --hyperd-log given");
    if (logging?.warning) say(logging.warning);
    if (logging?.loadOnly) say(LOAD_ONLY_TEXT);
    return new AttachedServer(endpoint, grpc, version, config, {
      databaseDir,
      diskDir: local ? databaseDir : null,
      diskOff,
    }, logging);
  }

  /** Lost: the endpoint refused connections for --stall-sec seconds in a row. */
  watch(onLost: (loss: ServerLoss) => void): void {
    if (this.#timer !== undefined) return;
    const reachability = new Reachability(this.#stallSec);
    const startMs = performance.now();
    let probing = false;
    this.#timer = setInterval(async () => {
      if (probing) return;
      probing = true;
      try {
        const answered = await answers(this.endpoint);
        if (this.#timer === undefined) return;
        const refusedSec = reachability.update((performance.now() - startMs) / 1000, answered);
        if (reachability.lost(refusedSec)) {
          this.#stopWatching();
          onLost({
            reason: "ServerUnreachable",
            detail: `hyperd at ${this.facts.endpoint} refused connections for ` +
              `${Math.round(refusedSec)} s`,
            exit: null,
          });
        }
      } finally {
        probing = false;
      }
    }, PROBE_MS);
  }

  /** No exit to report and no log of the end to read for sure: the summary says unreachable. */
  crashInfo(): Promise<CrashInfo | null> {
    return Promise.resolve(null);
  }

  /** Stops watching; the server itself is never touched. */
  release(): Promise<void> {
    this.#stopWatching();
    return Promise.resolve();
  }

  #stopWatching(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** True when a TCP connection to `where` opens within PROBE_TIMEOUT_MS. */
async function answers(where: HostPort): Promise<boolean> {
  const connecting = Deno.connect({ hostname: where.host, port: where.port });
  try {
    const conn = await within(connecting, PROBE_TIMEOUT_MS);
    if (conn === TIMED_OUT) {
      connecting.then((late) => late.close(), () => {});
      return false;
    }
    conn.close();
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    return false;
  }
}

/** Throws a HyperdError naming the flag when nothing answers at `where`. */
async function mustAnswer(where: HostPort, flag: string): Promise<void> {
  if (await answers(where)) return;
  throw new HyperdError(
    "HYPERD_UNREACHABLE",
    `nothing answers at ${flag} ${
      formatHostPort(where)
    }: start hyperd there first (docs/scale-out.md: ` +
      `"Load a hyperd you run") or correct ${flag}`,
  );
}

/** `SELECT version()`: what hyperd says it is. */
async function serverVersion(endpoint: Endpoint): Promise<string> {
  const { sql } = connect(endpoint);
  try {
    const [row] = await sql.unsafe("SELECT version() AS version");
    return String(row.version);
  } catch (error) {
    throw new HyperdError(
      "HYPERD_UNREACHABLE",
      `the server at --endpoint ${endpoint.host}:${endpoint.port} accepts connections but did ` +
        `not answer SELECT version() as hyperd does: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await sql.end({ timeout: 5 }).catch(() => {});
  }
}

/** A ConfigError unless `path` is a file here: a mistyped --hyperd-log would read nothing. */
async function mustBeFile(path: string): Promise<void> {
  try {
    if ((await Deno.stat(path)).isFile) return;
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
  }
  throw new ConfigError(
    `--hyperd-log: expected the server's hyperd.log on this machine, got ${path}, which is not ` +
      "a file here (it must be readable from where hyperstress runs)",
  );
}

/** True when `path` is a directory here. */
async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    return false;
  }
}
