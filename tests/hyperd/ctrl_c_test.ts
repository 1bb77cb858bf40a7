/**
 * Ctrl-C as a person presses it: `deno task stress` in a terminal, where one press signals the
 * whole foreground group and `deno task` passes its own SIGINT on as well.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { processExists } from "../helpers/hyperd.ts";
import { withTempDir } from "../helpers/temp_dir.ts";
import { goneWithin, hyperdPidIn, shellWord, Terminal, whyMissing } from "../helpers/terminal.ts";

const CHECKOUT = fileURLToPath(new URL("../..", import.meta.url));
const NO_TMUX = await whyMissing("tmux", "-V");
if (NO_TMUX) console.warn(`ctrl_c_test.ts skipped: ${NO_TMUX}`);

/** Generous on a loaded 2-core machine: start-up with module loading takes 5-20 s there. */
const USERS_RUNNING_MS = 90_000;
/** The first press waits for users' last operations (up to 30 s) and writes every artifact. */
const STOPPED_MS = 60_000;

/** `deno task stress` with a small load, its stdout into `stdout.txt`, in an 80-column pane. */
function stressLine(dir: string): string {
  const args = [
    "task",
    "stress",
    "--duration=120",
    "--progress-interval=1",
    "--seed=3",
    "--databases=1",
    "--inserter-users=1",
    "--query-users=1",
    "--mixed-users=0",
    "--batch-max=500",
    `--output-dir=${join(dir, "out")}`,
  ];
  return `${[Deno.execPath(), ...args].map(shellWord).join(" ")} > ${
    shellWord(join(dir, "stdout.txt"))
  }`;
}

/** Opens the terminal, waits for users to run, and hands over the pane and hyperd's pid. */
async function withRunningStress(
  body: (terminal: Terminal, dir: string, hyperdPid: number) => Promise<void>,
): Promise<void> {
  await withTempDir(async (dir) => {
    const terminal = await Terminal.open(dir, stressLine(dir), { columns: 80, cwd: CHECKOUT });
    let hyperdPid: number | null = null;
    try {
      const lines = await terminal.waitFor(
        (l) => l.some((line) => /^\[\d+\/120s\]/.test(line)) || Terminal.exitCode(l) !== null,
        USERS_RUNNING_MS,
      );
      hyperdPid = hyperdPidIn(lines.join("\n"));
      assert.ok(hyperdPid, `no hyperd started:\n${lines.join("\n")}`);
      assert.equal(Terminal.exitCode(lines), null, `the run ended early:\n${lines.join("\n")}`);
      await body(terminal, dir, hyperdPid);
    } finally {
      await terminal.close();
      if (hyperdPid && processExists(hyperdPid)) Deno.kill(hyperdPid, "SIGKILL");
    }
  });
}

Deno.test({
  name: "one Ctrl-C to deno task stress stops the run: exit 130, summary, every artifact",
  ignore: NO_TMUX !== null,
  async fn() {
    await withRunningStress(async (terminal, dir, hyperdPid) => {
      await terminal.pressCtrlC();
      const lines = await terminal.waitFor((l) => Terminal.exitCode(l) !== null, STOPPED_MS);
      const screen = lines.join("\n");
      assert.equal(Terminal.exitCode(lines), 130, screen);
      assert.equal(screen.match(/SIGINT received/g)?.length, 1, screen);
      const stdout = await Deno.readTextFile(join(dir, "stdout.txt"));
      assert.match(stdout, /^Stop reason: +Interrupted/m);
      assert.match(stdout, /^Integrity: +ok/m);
      assert.match(stdout, /^INTERRUPTED \(exit 130\)$/m);
      const out = join(dir, "out");
      const summary = JSON.parse(await Deno.readTextFile(join(out, "summary.json")));
      const replay = JSON.parse(await Deno.readTextFile(join(out, "replay.json")));
      assert.equal(summary.stopReason, "Interrupted");
      assert.equal(replay.stopReason, "Interrupted");
      assert.ok((await Deno.stat(join(out, "report.html"))).size > 0);
      assert.ok(await goneWithin(hyperdPid, 5000), `hyperd ${hyperdPid} is still running`);
    });
  },
});

Deno.test({
  name: "a second Ctrl-C 3 s after the first quits at once, with the summary so far",
  ignore: NO_TMUX !== null,
  async fn() {
    await withRunningStress(async (terminal, dir, hyperdPid) => {
      // A frozen hyperd holds the users' last operations, so the first stop is still waiting.
      Deno.kill(hyperdPid, "SIGSTOP");
      await terminal.pressCtrlC();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.equal(Terminal.exitCode(await terminal.lines()), null, "the first stop ended");
      await terminal.pressCtrlC();
      // At once: well inside the 30 s the first stop would still wait for the users.
      const lines = await terminal.waitFor((l) => Terminal.exitCode(l) !== null, 10_000);
      assert.equal(Terminal.exitCode(lines), 130, lines.join("\n"));
      const stdout = await Deno.readTextFile(join(dir, "stdout.txt"));
      assert.match(stdout, /^Stop reason: +Interrupted/m);
      assert.match(stdout, /^Integrity: +not checked \(the run was quit before its end\)/m);
      assert.match(stdout, /^Operations: +[1-9]/m);
      assert.ok(await goneWithin(hyperdPid, 5000), `hyperd ${hyperdPid} is still running`);
    });
  },
});
