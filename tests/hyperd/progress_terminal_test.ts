import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TASK_PERMISSIONS } from "../helpers/cli.ts";
import { shellWord, Terminal, whyMissing } from "../helpers/terminal.ts";
import { processExists } from "../helpers/hyperd.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const XSD = fileURLToPath(new URL("../fixtures/junit-10.xsd", import.meta.url));
const COLUMNS = 80;

const NO_TMUX = await whyMissing("tmux", "-V");
if (NO_TMUX) console.warn(`progress_terminal_test.ts skipped: ${NO_TMUX}`);
const NO_XMLLINT = await whyMissing("xmllint", "--version");

Deno.test({
  name:
    "at 80 columns the progress line redraws in place: never over 80 columns, no stale fragment",
  ignore: NO_TMUX !== null,
  async fn() {
    await withTempDir(async (dir) => {
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
      const command = [Deno.execPath(), ...args].map(shellWord).join(" ");
      const terminal = await Terminal.open(dir, command, { columns: COLUMNS });
      let lines: string[];
      try {
        lines = await terminal.waitFor((l) => Terminal.exitCode(l) !== null, 120_000);
      } finally {
        await terminal.close();
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
      assert.ok(pid > 0 && !processExists(pid), `hyperd pid ${pid} is still running`);
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
