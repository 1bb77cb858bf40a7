import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hyperdEnv, TASK_PERMISSIONS } from "../helpers/cli.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const XSD = fileURLToPath(new URL("../fixtures/junit-10.xsd", import.meta.url));
const COLUMNS = 80;

/** Why a tool cannot run here, or null when it can. */
async function whyMissing(tool: string, versionFlag: string): Promise<string | null> {
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

const NO_TMUX = await whyMissing("tmux", "-V");
if (NO_TMUX) console.warn(`progress_terminal_test.ts skipped: ${NO_TMUX}`);
const NO_XMLLINT = await whyMissing("xmllint", "--version");

/** A word for `sh -c`, quoted so nothing in it is expanded. */
function shellWord(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Runs tmux on a private socket, so no other tmux server is touched. */
async function tmux(socket: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("tmux", {
    args: ["-S", socket, "-f", "/dev/null", ...args],
    env: { ...hyperdEnv(), TERM: "xterm-256color", NO_COLOR: "1" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return text;
}

/** The whole pane, history included, with wrapped lines joined as they were written. */
async function capture(socket: string): Promise<string[]> {
  const text = await tmux(socket, "capture-pane", "-p", "-J", "-S", "-", "-t", "run");
  return text.split("\n").map((line) => line.trimEnd());
}

/** True while process `pid` exists. */
function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "at 80 columns the progress line redraws in place: never over 80 columns, no stale fragment",
  ignore: NO_TMUX !== null,
  async fn() {
    await withTempDir(async (dir) => {
      const socket = join(dir, "tmux.sock");
      const junit = join(dir, "junit.xml");
      const args = [
        "run",
        ...TASK_PERMISSIONS,
        MAIN,
        "stress",
        "--duration=8",
        "--progress-interval=1",
        "--seed=3",
        "--databases=1",
        "--inserter-users=1",
        "--query-users=1",
        "--mixed-users=0",
        "--think-max-ms=20",
        "--batch-max=500",
        `--output-dir=${join(dir, "out")}`,
        `--junit=${junit}`,
      ];
      const command = `${[Deno.execPath(), ...args].map(shellWord).join(" ")}; ` +
        `echo "EXIT=$?"; sleep 600`;
      await tmux(
        socket,
        "new-session",
        "-d",
        "-s",
        "run",
        "-x",
        String(COLUMNS),
        "-y",
        "24",
        command,
      );
      let lines: string[] = [];
      try {
        const deadline = Date.now() + 120_000;
        while (!lines.some((l) => l.startsWith("EXIT=")) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          lines = await capture(socket);
        }
      } finally {
        // Ctrl-C twice ends a run that is still going, before the server and its pane go.
        if (!lines.some((l) => l.startsWith("EXIT="))) {
          await tmux(socket, "send-keys", "-t", "run", "C-c").catch(() => {});
          await new Promise((resolve) => setTimeout(resolve, 5000));
        }
        await tmux(socket, "kill-server").catch(() => {});
      }
      const screen = lines.join("\n");
      console.log(`--- the 80-column pane, wrapped lines joined ---\n${screen.trim()}\n---`);
      assert.ok(lines.includes("EXIT=0"), `the run did not end with exit 0:\n${screen}`);
      // Each redraw replaces the line, so one progress line is left, the last; a line that
      // wrapped would leave its first row behind at every redraw.
      const progress = lines.filter((l) => /^\[\d+\/8s\]/.test(l));
      assert.equal(progress.length, 1, `stale progress lines:\n${progress.join("\n")}`);
      assert.ok(progress[0].length <= COLUMNS, `${progress[0].length} columns: ${progress[0]}`);
      assert.match(progress[0], /^\[\d\/8s\] +[\d.,]+ ops\/s/);
      assert.ok(lines.includes("PASSED"), screen);
      const pid = Number(/hyperd pid (\d+)/.exec(screen)?.[1]);
      assert.ok(pid > 0 && !alive(pid), `hyperd pid ${pid} is still running`);
      if (NO_XMLLINT === null) {
        const lint = await new Deno.Command("xmllint", {
          args: ["--noout", "--schema", XSD, junit],
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.ok(lint.success, new TextDecoder().decode(lint.stderr));
      }
    });
  },
});
