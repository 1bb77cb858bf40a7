/**
 * A first run as a newcomer makes it (issue 32): `deno task stress` with the default settings in
 * an 80-column terminal, only shorter and with a small disk budget. It must run its whole
 * duration through a spent budget, show the read-only phase, and end by naming what it left.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { processExists } from "../helpers/hyperd.ts";
import { withTempDir } from "../helpers/temp_dir.ts";
import { hyperdPidIn, shellWord, Terminal, whyMissing } from "../helpers/terminal.ts";

const CHECKOUT = fileURLToPath(new URL("../..", import.meta.url));
const NO_TMUX = await whyMissing("tmux", "-V");
if (NO_TMUX) console.warn(`first_run_terminal_test.ts skipped: ${NO_TMUX}`);

const DURATION_SEC = 20;
/**
 * Start-up (5-20 s with module loading on a loaded 2-core machine), the run, the users' last
 * operations (up to 30 s) and the artifacts: generous, as the machine is shared and slow.
 */
const FINISHED_MS = 240_000;

Deno.test({
  name: "a default run with a small disk budget runs its duration, reads only, and names its size",
  ignore: NO_TMUX !== null,
  fn: async () => {
    await withTempDir(async (dir) => {
      const line = [Deno.execPath(), "task", "stress", `--duration=${DURATION_SEC}s`]
        .concat("--max-disk-mb=1")
        .map(shellWord).join(" ");
      // The output dir is the default temp dir: removed below once the pane has named it.
      const terminal = await Terminal.open(dir, line, { columns: 80, cwd: CHECKOUT });
      let lines: string[] = [];
      try {
        lines = await terminal.waitFor((l) => Terminal.exitCode(l) !== null, FINISHED_MS);
      } finally {
        await terminal.close();
        const pid = hyperdPidIn(lines.join("\n"));
        if (pid && processExists(pid)) Deno.kill(pid, "SIGKILL");
        const outputDir = /^hyperstress: output dir (\S+)$/m.exec(lines.join("\n"))?.[1];
        if (outputDir) await Deno.remove(outputDir, { recursive: true }).catch(() => {});
      }
      const text = lines.join("\n");
      assert.equal(Terminal.exitCode(lines), 0, text);
      // Before the start: how long, how much disk, and where.
      assert.match(text, /runs 20 s \(--duration\); its databases may use 1 MB in \/\S+ /);
      // The whole duration, through the spent budget.
      assert.match(text, /^Stop reason: {2}DurationElapsed$/m);
      const duration = Number(/^Duration: {5}([\d.]+) s$/m.exec(text)?.[1]);
      assert.ok(duration >= DURATION_SEC, `ran ${duration} s`);
      assert.match(text, /^Read-only: {4}from [\d.]+ s on: the disk budget was spent/m);
      assert.match(text, /rows\/s over the [\d.]+ s inserts were allowed/);
      assert.match(text, /^PASSED/m);
      // The closing line: the output dir's size and how to remove it.
      assert.match(
        text,
        /^hyperstress: \/\S+ holds [\d.,]+ [kMG]B; remove it with: rm -rf \/\S+$/m,
      );
      // A quiet start: `deno task` echoes no 400-column permission line.
      assert.doesNotMatch(text, /^Task hyperstress /m);
    });
  },
});
