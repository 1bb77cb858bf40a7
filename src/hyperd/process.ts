/**
 * One running hyperd: started with a callback connection that tells us its port and doubles as
 * a dead man's switch, watched for unexpected exits, and stopped in escalating steps.
 */
import { join } from "node:path";
import { HyperdError } from "../errors.ts";
import { TIMED_OUT, within } from "../time.ts";

/** Options for starting hyperd. */
export interface HyperdOptions {
  /** Path of the hyperd binary. */
  binary: string;
  /** Folder for hyperd.log; created if missing. */
  logDir: string;
  /** Extra settings passed as `--name=value`, e.g. `{ memory_limit: "80%" }`. */
  settings?: Record<string, string | number>;
  /** Also listen for gRPC on a free loopback port. */
  grpc?: boolean;
  /** How long to wait for the callback, in ms. */
  startTimeoutMs?: number;
  /** The command's record of the hyperds it started, for a forced exit to kill; none in tests. */
  processes?: HyperdProcesses;
}

/** How hyperd ended. */
export interface HyperdExit {
  code: number;
  signal: Deno.Signal | null;
  /** True when the exit was not asked for by `stop()`. */
  unexpected: boolean;
}

const STOP_STEP_MS = 5000;
const OUTPUT_TAIL_BYTES = 16 * 1024;

/**
 * The hyperds a command started that have not exited yet: one record per command, made by it
 * and passed down, so a forced exit (a second Ctrl-C) can kill them all at once.
 */
export class HyperdProcesses {
  readonly #running = new Set<Deno.ChildProcess>();

  /** Records `child` until it exits. */
  track(child: Deno.ChildProcess, exited: Promise<unknown>): void {
    this.#running.add(child);
    exited.finally(() => this.#running.delete(child));
  }

  /** How many are running. */
  get size(): number {
    return this.#running.size;
  }

  /** Kills every one at once. */
  killAll(): void {
    for (const child of this.#running) killQuietly(child, "SIGKILL");
  }
}

/** A hyperd process started by this tool. */
export class Hyperd {
  /** Process id of hyperd. */
  readonly pid: number;
  /** libpq endpoint, always loopback. */
  readonly host: string;
  readonly port: number;
  /** gRPC port when started with `grpc`, else null. */
  readonly grpcPort: number | null;
  readonly logDir: string;
  /** Resolves once hyperd has exited, for whatever reason. */
  readonly exited: Promise<HyperdExit>;

  readonly #child: Deno.ChildProcess;
  readonly #callback: Deno.Conn;
  readonly #output: OutputTail;
  #stopping = false;

  private constructor(
    child: Deno.ChildProcess,
    callback: Deno.Conn,
    output: OutputTail,
    endpoint: { host: string; port: number; grpcPort: number | null },
    logDir: string,
    processes: HyperdProcesses | undefined,
  ) {
    this.#child = child;
    this.#callback = callback;
    this.#output = output;
    this.pid = child.pid;
    this.host = endpoint.host;
    this.port = endpoint.port;
    this.grpcPort = endpoint.grpcPort;
    this.logDir = logDir;
    this.exited = child.status.then((status) => ({
      code: status.code,
      signal: status.signal,
      unexpected: !this.#stopping,
    }));
    processes?.track(child, this.exited);
  }

  /** Starts hyperd and waits for its callback; on failure nothing is left running. */
  static async start(options: HyperdOptions): Promise<Hyperd> {
    await Deno.mkdir(options.logDir, { recursive: true });
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const listen = [
      "tab.tcp://localhost:0",
      ...(options.grpc ? ["tcp.grpc://127.0.0.1:0"] : []),
    ];
    const settings = Object.entries(options.settings ?? {}).map(([k, v]) => `--${k}=${v}`);
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(options.binary, {
        args: [
          "run",
          `--callback-connection=tab.tcp://127.0.0.1:${listener.addr.port}`,
          `--listen-connection=${listen.join(",")}`,
          "--init-user=tableau_internal_user",
          "--no-password",
          "--skip-license",
          "--language=en_US",
          `--log-dir=${options.logDir}`,
          "--default-database-version=3",
          ...settings,
        ],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        // Own process group: Ctrl-C reaches the tool, which then stops hyperd in order.
        detached: true,
      }).spawn();
    } catch (error) {
      listener.close();
      throw new HyperdError(
        "HYPERD_SPAWN_FAILED",
        `could not start hyperd at ${options.binary}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const output = new OutputTail(child);
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    try {
      const callback = await acceptCallback(
        listener,
        child,
        timeoutMs,
        options.logDir,
        output,
      );
      const endpoint = parseEndpoint(await readCallback(callback));
      const grpcPort = options.grpc ? await output.waitForGrpcPort(timeoutMs) : null;
      const hyperd = new Hyperd(
        child,
        callback,
        output,
        {
          ...endpoint,
          grpcPort,
        },
        options.logDir,
        options.processes,
      );
      return hyperd;
    } catch (error) {
      killQuietly(child, "SIGKILL");
      await child.status;
      throw error;
    } finally {
      listener.close();
    }
  }

  /** Calls `onExit` once if hyperd exits without `stop()` having been called. */
  onUnexpectedExit(onExit: (exit: HyperdExit) => void): void {
    this.exited.then((exit) => exit.unexpected && onExit(exit));
  }

  /**
   * Stops hyperd: closes the callback connection (hyperd then shuts down cleanly), then
   * SIGTERM, then SIGKILL, each after a timeout. Safe to call more than once.
   */
  async stop(stepMs = STOP_STEP_MS): Promise<HyperdExit> {
    if (!this.#stopping) {
      this.#stopping = true;
      try {
        this.#callback.close();
      } catch { /* already closed */ }
      for (const signal of ["SIGTERM", "SIGKILL"] as const) {
        if (await within(this.exited, stepMs) !== TIMED_OUT) break;
        killQuietly(this.#child, signal);
      }
    }
    const exit = await this.exited;
    await this.#output.done;
    return exit;
  }
}

async function acceptCallback(
  listener: Deno.Listener,
  child: Deno.ChildProcess,
  timeoutMs: number,
  logDir: string,
  output: OutputTail,
): Promise<Deno.Conn> {
  const first = await within(
    Promise.race([listener.accept(), child.status]),
    timeoutMs,
  );
  if (first !== TIMED_OUT && "readable" in first) return first;
  const what = first === TIMED_OUT
    ? `did not call back within ${timeoutMs} ms`
    : `exited with code ${first.code}${
      first.signal ? ` (${first.signal})` : ""
    } before calling back`;
  if (first === TIMED_OUT) killQuietly(child, "SIGKILL");
  await output.done;
  throw new HyperdError(
    "HYPERD_START_FAILED",
    `hyperd ${what}.\n--- hyperd output ---\n${output.text() || "(none)"}\n` +
      `--- last lines of ${join(logDir, "hyperd.log")} ---\n${await logTail(
        logDir,
      )}`,
  );
}

/** Reads the callback message: one length byte, then the endpoint text ending in NUL. */
async function readCallback(conn: Deno.Conn): Promise<string> {
  const received: number[] = [];
  const buffer = new Uint8Array(256);
  while (!received.includes(0)) {
    const n = await conn.read(buffer);
    if (n === null) break;
    received.push(...buffer.subarray(0, n));
  }
  const end = received.indexOf(0);
  return new TextDecoder().decode(
    new Uint8Array(received.slice(1, end < 0 ? undefined : end)),
  );
}

/** Parses `tab.tcp://127.0.0.1:36015` into host and port. */
export function parseEndpoint(text: string): { host: string; port: number } {
  const match = /^tab\.tcp:\/\/(.+):(\d+)$/.exec(text.trim());
  if (!match) {
    throw new HyperdError(
      "HYPERD_START_FAILED",
      `hyperd called back with an endpoint that is not tab.tcp://host:port: ${
        JSON.stringify(text)
      }`,
    );
  }
  const host = match[1] === "localhost" ? "127.0.0.1" : match[1];
  return { host, port: Number(match[2]) };
}

/** The last lines of hyperd.log in `logDir`, or a note that there is none. */
export async function logTail(logDir: string, lines = 20): Promise<string> {
  try {
    const text = await Deno.readTextFile(join(logDir, "hyperd.log"));
    return text.trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log file)";
  }
}

function killQuietly(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch { /* already gone */ }
}

/** Drains hyperd's stdout and stderr, keeping the last bytes and watching for the gRPC port. */
class OutputTail {
  readonly done: Promise<void>;
  #text = "";
  #grpcPort: number | null = null;
  #grpcWaiters: ((port: number) => void)[] = [];

  constructor(child: Deno.ChildProcess) {
    this.done = Promise.all([
      this.#drain(child.stdout),
      this.#drain(child.stderr),
    ]).then(() => {});
  }

  async #drain(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      this.#text = (this.#text + decoder.decode(chunk, { stream: true })).slice(
        -OUTPUT_TAIL_BYTES,
      );
      const grpc = /gRPC listening on [^\s:]+:(\d+)/.exec(this.#text);
      if (grpc && this.#grpcPort === null) {
        this.#grpcPort = Number(grpc[1]);
        for (const resolve of this.#grpcWaiters) resolve(this.#grpcPort);
      }
    }
  }

  text(): string {
    return this.#text.trimEnd();
  }

  async waitForGrpcPort(timeoutMs: number): Promise<number> {
    if (this.#grpcPort !== null) return this.#grpcPort;
    const port = await within(
      new Promise<number>((resolve) => this.#grpcWaiters.push(resolve)),
      timeoutMs,
    );
    if (port !== TIMED_OUT) return port;
    throw new HyperdError(
      "HYPERD_START_FAILED",
      `hyperd did not print its gRPC port within ${timeoutMs} ms:\n${this.text()}`,
    );
  }
}
