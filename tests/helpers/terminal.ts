/** A command run in a real terminal (tmux on a private socket), typed at and read as a person would. */
import { join } from "node:path";
import { hyperdEnv } from "./cli.ts";
import { processExists } from "./hyperd.ts";

/** Why a tool cannot run here, or null when it can. */
export async function whyMissing(tool: string, versionFlag: string): Promise<string | null> {
  try {
    const out = await new Deno.Command(tool, {
      args: [versionFlag],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return out.success ? null : `${tool} ${versionFlag} failed (exit ${out.code})`;
  } catch (error) {
    return `${tool} is not installed (${(error as Error).message}); apt-get install ${tool}`;
  }
}

/** A word for `sh -c`, quoted so nothing in it is expanded. */
export function shellWord(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** True once process `pid` is gone within `ms`: a killed process lingers until it is reaped. */
export async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (processExists(pid) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !processExists(pid);
}

/** The pid of the hyperd a run's output names (`hyperd pid N`), or null before it says so. */
export function hyperdPidIn(text: string): number | null {
  const pid = Number(/hyperd pid (\d+)/.exec(text)?.[1]);
  return pid > 0 ? pid : null;
}

/**
 * One tmux session running `command` (a shell line) in a pane of `columns` columns. The line is
 * followed by `echo EXIT=$?`, so the pane shows how the command ended.
 */
export class Terminal {
  readonly #socket: string;

  private constructor(socket: string) {
    this.#socket = socket;
  }

  /** Starts `command` in `dir` (the tmux socket goes there too). */
  static async open(
    dir: string,
    command: string,
    options: { columns: number; rows?: number; cwd?: string },
  ): Promise<Terminal> {
    const terminal = new Terminal(join(dir, "tmux.sock"));
    const cd = options.cwd ? `cd ${shellWord(options.cwd)} && ` : "";
    await terminal.#tmux(
      "new-session",
      "-d",
      "-s",
      "run",
      "-x",
      String(options.columns),
      "-y",
      String(options.rows ?? 24),
      `${cd}${command}; echo "EXIT=$?"; sleep 600`,
    );
    return terminal;
  }

  /** The whole pane, history included, with wrapped lines joined as they were written. */
  async lines(): Promise<string[]> {
    const text = await this.#tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "run");
    return text.split("\n").map((line) => line.trimEnd());
  }

  /** Polls the pane until `done` holds of its lines or `timeoutMs` passes; returns the lines. */
  async waitFor(done: (lines: string[]) => boolean, timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let lines = await this.lines();
    while (!done(lines) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      lines = await this.lines();
    }
    return lines;
  }

  /** The exit code the pane shows, or null while the command runs. */
  static exitCode(lines: string[]): number | null {
    const line = lines.find((l) => l.startsWith("EXIT="));
    return line ? Number(line.slice("EXIT=".length)) : null;
  }

  /** Types Ctrl-C, as a person would: the terminal signals its whole foreground group. */
  async pressCtrlC(): Promise<void> {
    await this.#tmux("send-keys", "-t", "run", "C-c");
  }

  /** Ends the session; a command still running gets two Ctrl-Cs first, so it ends its hyperd. */
  async close(): Promise<void> {
    if (Terminal.exitCode(await this.lines().catch(() => [])) === null) {
      await this.pressCtrlC().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await this.pressCtrlC().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
    await this.#tmux("kill-server").catch(() => {});
  }

  /** Runs tmux on this terminal's private socket, so no other tmux server is touched. */
  async #tmux(...args: string[]): Promise<string> {
    const out = await new Deno.Command("tmux", {
      args: ["-S", this.#socket, "-f", "/dev/null", ...args],
      env: { ...hyperdEnv(), TERM: "xterm-256color", NO_COLOR: "1" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
    }
    return new TextDecoder().decode(out.stdout);
  }
}
