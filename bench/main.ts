/**
 * `deno task bench`: every performance figure of hyperstress in one run, written as JSON to
 * BENCH_OUT (default bench/results.json). Speeds are measured here, never asserted by tests.
 * BENCH_SOAK=1 adds the 10-minute soak (bench/soak.ts; BENCH_SOAK_SEC sets another length).
 */
import { join } from "node:path";
import { Hyperd } from "../src/hyperd/process.ts";
import { benchHyperd } from "./bench_run.ts";
import { type ClientCost, clientCost } from "./client_cost.ts";
import { encodeNsPerRow, genEncodeNsPerRow } from "./encode.ts";
import { ingest } from "./ingest.ts";
import { moderate } from "./moderate.ts";
import { tallyCost } from "./tally_cost.ts";
import type { SoakFigures } from "./soak.ts";
import type { Users1000Figures } from "./users1000.ts";

const out = Deno.env.get("BENCH_OUT") ?? new URL("./results.json", import.meta.url).pathname;
const step = (what: string) => console.error(`bench: ${what}`);

/** The soak in a fresh process, so the resident memory it reports is the stress run's own. */
async function soakInOwnProcess(seconds: number): Promise<SoakFigures> {
  const script = new URL("./soak.ts", import.meta.url).pathname;
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--v8-flags=--max-semi-space-size=2", script, String(seconds)],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!result.success) throw new Error("the soak failed");
  const lines = new TextDecoder().decode(result.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

/** The 1,000-user run in a fresh process, so its resident memory is the stress run's own. */
async function users1000InOwnProcess(): Promise<Users1000Figures> {
  const script = new URL("./users1000.ts", import.meta.url).pathname;
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--v8-flags=--max-semi-space-size=2", script],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!result.success) throw new Error("the 1,000-user run failed");
  const lines = new TextDecoder().decode(result.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

async function rssPerUser(users: number): Promise<number> {
  const probe = new URL("./memory_probe.ts", import.meta.url).pathname;
  const result = await new Deno.Command(Deno.execPath(), {
    // The same V8 flag as the stress task: a small young generation per worker isolate.
    args: ["run", "--allow-all", "--v8-flags=--max-semi-space-size=2", probe, String(users)],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!result.success) throw new Error(`memory probe with ${users} users failed`);
  const lines = new TextDecoder().decode(result.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]).perUserMb;
}

const binary = await benchHyperd();
step("the main thread's tally");
const tally = tallyCost();
step("encoding");
const encode = encodeNsPerRow();
step("generation and encoding");
const genEncode = genEncodeNsPerRow();

step("ingest on one connection");
const dir = await Deno.makeTempDir({ prefix: "hyperstress-bench-" });
const hyperd = await Hyperd.start({ binary: binary.path, logDir: join(dir, "log") });
let ingestFigures;
try {
  ingestFigures = await ingest(hyperd, dir);
} finally {
  await hyperd.stop();
  await Deno.remove(dir, { recursive: true });
}

const rss: Record<string, number> = {};
for (const users of [1, 18, 64]) {
  step(`memory with ${users} users`);
  rss[String(users)] = await rssPerUser(users);
}

step("moderate preset");
const moderateFigures = await moderate();

const cost: Record<"moderate" | "high", ClientCost> = {} as Record<"moderate" | "high", ClientCost>;
for (const run of ["moderate", "high"] as const) {
  step(`client cost, ${run} load (60 s)`);
  cost[run] = await clientCost(run, 60);
}

step("1,000 users (20 s)");
const users1000Figures = await users1000InOwnProcess();

let soakFigures: SoakFigures | null = null;
if (Deno.env.get("BENCH_SOAK") === "1") {
  const seconds = Number(Deno.env.get("BENCH_SOAK_SEC") ?? 600);
  step(`soak (${seconds} s)`);
  soakFigures = await soakInOwnProcess(seconds);
}

const cpu = (await Deno.readTextFile("/proc/cpuinfo").catch(() => "")).match(
  /model name\s*:\s*(.*)/,
);
const results = {
  machine: {
    os: `${Deno.build.os}-${Deno.build.arch}`,
    cpu: cpu?.[1] ?? "unknown",
    cores: navigator.hardwareConcurrency,
    memoryGb: Math.round(Deno.systemMemoryInfo().total / 1024 ** 3),
  },
  denoVersion: Deno.version.deno,
  hyperdVersion: binary.version,
  encodeNsPerRow: encode,
  ingest: ingestFigures,
  rssMbPerUser: rss,
  moderate: moderateFigures,
  clientCost: cost,
  genEncodeNsPerRow: genEncode,
  tallyCost: tally,
  users1000: users1000Figures,
  soak: soakFigures,
};
await Deno.writeTextFile(out, JSON.stringify(results, null, 2) + "\n");
console.log(JSON.stringify(results, null, 2));
step(`wrote ${out}`);
