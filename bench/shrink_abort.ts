/**
 * The shrink benchmark: hyperd's memory-limit abort (seed 1, memory_limit 300m, batches of
 * 20,000-50,000 rows, nine users) shrunk within --max-minutes, then the result replayed as its
 * REPRO.md says. Prints the minutes, the size before and after, the rate shrink measured and the
 * rate of the extra replays. Slow (about 20 minutes): run it by hand, not in CI.
 *
 *   deno run --allow-all bench/shrink_abort.ts [max-minutes=15] [replays=6] [parallel=1]
 */
import { join } from "node:path";
import type { ShrinkReport } from "../src/shrink/shrink_report.ts";
import type { Summary } from "../src/results/summary.ts";
import { hyperdEnv, spawnCli } from "../tests/helpers/cli.ts";

const [maxMinutes = "15", replays = "6", parallel = "1"] = Deno.args;
const withHome = hyperdEnv();

/** The CLI run to its end: no test deadline here, a shrink takes its --max-minutes. */
async function runCli(args: string[], env: Record<string, string>) {
  const out = await spawnCli(args, env).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}
const dir = await Deno.makeTempDir({ prefix: "hyperstress_shrink_bench_" });
try {
  const original = join(dir, "original");
  const crash = await runCli([
    "stress",
    "--seed=1",
    "--memory-limit=300m",
    "--batch-min=20000",
    "--batch-max=50000",
    "--duration=20",
    "--progress-interval=0",
    `--output-dir=${original}`,
  ], withHome);
  if (crash.code !== 4) throw new Error(`the original did not crash (exit ${crash.code})`);
  const summary: Summary = JSON.parse(await Deno.readTextFile(join(original, "summary.json")));

  const out = join(dir, "shrunk");
  const started = Date.now();
  const shrink = await runCli([
    "shrink",
    `--replay-file=${join(original, "replay.json")}`,
    "--until=crash",
    "--duration=20",
    `--max-minutes=${maxMinutes}`,
    `--parallel=${parallel}`,
    `--output-dir=${out}`,
  ], withHome);
  const minutes = (Date.now() - started) / 60_000;
  if (shrink.code !== 0) throw new Error(`shrink exited ${shrink.code}:\n${shrink.stderr}`);
  // Its progress, one line per candidate, for the benchmark page.
  console.error(shrink.stderr);
  const report: ShrinkReport = JSON.parse(await Deno.readTextFile(join(out, "shrink.json")));
  const result = report.result!;

  const args = result.command.split(" ").slice(3);
  let crashes = 0;
  for (let i = 0; i < Number(replays); i++) {
    const run = await runCli(
      ["stress", ...args, `--output-dir=${join(dir, `replay_${i}`)}`, "--progress-interval=0"],
      withHome,
    );
    if (run.code === 4) crashes++;
  }
  const load = (await Deno.readTextFile("/proc/loadavg").catch(() => "")).split(" ")[0];
  console.log(JSON.stringify(
    {
      minutes: Number(minutes.toFixed(1)),
      before: {
        users: summary.users.length,
        opsSent: summary.users.reduce((n, u) => n + u.ops, 0),
        rates: report.original.rates,
      },
      after: { users: result.users, ops: result.ops, candidate: result.candidate },
      changes: result.changes,
      measuredByShrink: result.rate,
      replayed: { k: crashes, n: Number(replays) },
      candidates: report.attempts.length,
      stoppedBy: report.stoppedBy,
      loadAverageAtEnd: Number(load),
      command: result.command,
    },
    null,
    2,
  ));
} finally {
  await Deno.remove(dir, { recursive: true });
}
