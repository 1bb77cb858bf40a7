/**
 * Resident memory per simulated user: run in its own process by bench/main.ts, so each user
 * count starts from a clean heap. Prints `{users, baselineMb, peakMb, perUserMb}` as JSON.
 */
import { benchRun } from "./bench_run.ts";
import { round } from "./measure.ts";

const users = Number(Deno.args[0]);
const seconds = Number(Deno.args[1] ?? 12);
const mb = (bytes: number) => bytes / (1024 * 1024);

// Inserters, query and mixed users in the default 4:3:2 proportion, at least one user.
const inserters = Math.max(1, Math.round((users * 4) / 9));
const query = Math.round((users * 3) / 9);
const mixed = users - inserters - query;
const baseline = Deno.memoryUsage().rss;
let peak = baseline;
await benchRun([
  `--duration=${seconds}`,
  `--inserter-users=${inserters}`,
  `--query-users=${query}`,
  `--mixed-users=${mixed}`,
  "--seed=1",
  ...Deno.args.slice(2),
  "--progress-interval=0",
], () => {
  peak = Math.max(peak, Deno.memoryUsage().rss);
});
console.log(JSON.stringify({
  users,
  baselineMb: round(mb(baseline)),
  peakMb: round(mb(peak)),
  perUserMb: round(mb(peak - baseline) / users, 2),
}));
