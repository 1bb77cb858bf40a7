/**
 * A hyperd that runs on its own, as a user runs one to attach hyperstress to: a free loopback
 * port, no callback, started by the test and always stopped by its PID.
 */
import { join } from "node:path";
import { TIMED_OUT, within } from "../../src/time.ts";
import { testBinary } from "./hyperd.ts";
import { withTempDir } from "./temp_dir.ts";

/** A running standalone hyperd. */
export interface StandaloneHyperd {
  pid: number;
  /** `127.0.0.1:<port>`, what `--endpoint` takes. */
  endpoint: string;
  port: number;
  /** Its hyperd.log. */
  logFile: string;
  /** Resolves when it has exited. */
  exited: Promise<Deno.CommandStatus>;
  /** Sends `signal` to it. */
  kill(signal: Deno.Signal): void;
}

/** A port nobody listens on right now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** True when something accepts TCP connections on `port`. */
async function listening(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

/** Resource logging for backpressure (a sample every second, always, every figure). */
const FULL_LOGGING = [
  "--log_resource_usage_interval=1s",
  "--log_resource_usage_mode=2047",
  "--log_resource_usage_always=1",
];

/**
 * Runs `body` with a standalone hyperd and a temp dir, then stops hyperd by its PID (SIGTERM,
 * then SIGKILL) unless it has already gone, and removes the dir. Its resource log has a sample
 * every second, always, with every figure; with `logging: "default"` it has hyperd's defaults
 * (no sample while idle, no CPU), as a hyperd started by hand has.
 */
export async function withStandaloneHyperd<T>(
  body: (hyperd: StandaloneHyperd, dir: string) => Promise<T>,
  options: { logging?: "full" | "default" } = {},
): Promise<T> {
  return await withTempDir(async (dir) => {
    const port = freePort();
    const logDir = join(dir, "server-log");
    await Deno.mkdir(logDir);
    const child = new Deno.Command((await testBinary()).path, {
      args: [
        "run",
        `--listen-connection=tab.tcp://127.0.0.1:${port}`,
        "--init-user=tableau_internal_user",
        "--no-password",
        "--skip-license",
        "--language=en_US",
        `--log-dir=${logDir}`,
        ...(options.logging === "default" ? [] : FULL_LOGGING),
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let stderr = "";
    const draining = (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) stderr += chunk;
    })();
    const exited = child.status;
    let gone = false;
    exited.then(() => (gone = true));
    try {
      const until = performance.now() + 30_000;
      while (!(await listening(port))) {
        if (gone) throw new Error(`hyperd exited before listening on ${port}: ${stderr}`);
        if (performance.now() > until) throw new Error(`hyperd never listened on ${port}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return await body({
        pid: child.pid,
        endpoint: `127.0.0.1:${port}`,
        port,
        logFile: join(logDir, "hyperd.log"),
        exited,
        kill: (signal) => {
          if (!gone) Deno.kill(child.pid, signal);
        },
      }, dir);
    } finally {
      if (!gone) {
        Deno.kill(child.pid, "SIGTERM");
        if (await within(exited, 5000) === TIMED_OUT && !gone) Deno.kill(child.pid, "SIGKILL");
      }
      await exited;
      await draining;
    }
  });
}

/** True while hyperd still answers at `port`. */
export function stillListening(hyperd: StandaloneHyperd): Promise<boolean> {
  return listening(hyperd.port);
}
