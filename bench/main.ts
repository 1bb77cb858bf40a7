/**
 * `deno task bench`: every performance figure of hyperstress in one run, written as JSON to
 * BENCH_OUT (default bench/results.json). Speeds are measured here, never asserted by tests.
 * BENCH_SOAK=1 adds the 10-minute soak (bench/soak.ts; BENCH_SOAK_SEC sets another length);
 * BENCH_DEFAULT_RUN=1 the end-of-run check of a 300 s default run (bench/default_run_check.ts).
 */
import { join } from "node:path";
import { Hyperd } from "../src/hyperd/process.ts";
import { benchHyperd } from "./bench_run.ts";
import { type ClientCost, clientCost } from "./client_cost.ts";
import { encodeNsPerRow, genEncodeNsPerRow } from "./encode.ts";
import { ingest } from "./ingest.ts";
import { integrityCost } from "./integrity_cost.ts";
import type { DefaultRunCheckFigures } from "./default_run_check.ts";
import { moderate } from "./moderate.ts";
import { tallyCost } from "./tally_cost.ts";
import { queryGenCost } from "./query_gen_cost.ts";
import type { SoakFigures } from "./soak.ts";
import type { Users1000Figures } from "./users1000.ts";

const out = Deno.env.get("BENCH_OUT") ?? new URL("./results.json", import.meta.url).pathname;
const step = (what: string) => console.error(`bench: ${what}`);

/**
 * Runs a bench script in a fresh process, so the resident memory it reports is its own, with the
 * stress task's V8 flag (a small young generation per worker isolate); its figures are the last
 * line it prints, as JSON.
 */
async function inOwnProcess<T>(script: string, args: string[], what: string): Promise<T> {
  const path = new URL(script, import.meta.url).pathname;
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--v8-flags=--max-semi-space-size=2", path, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!result.success) throw new Error(`${what} failed`);
  const lines = new TextDecoder().decode(result.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

const binary = await benchHyperd();
step("the main thread's tally");
const tally = tallyCost();
step("encoding");
const encode = encodeNsPerRow();
step("generation and encoding");
const genEncode = genEncodeNsPerRow();
step("the client's CPU per generated query");
const queryGen = queryGenCost();

step("ingest on one connection");
const dir = await Deno.makeTempDir({ prefix: "hyperstress-bench-" });
const hyperd = await Hyperd.start({ binary: binary.path, logDir: join(dir, "log") });
let ingestFigures;
let integrityFigures;
try {
  ingestFigures = await ingest(hyperd, dir);
  step("the integrity check's cost per million rows");
  integrityFigures = await integrityCost(hyperd, dir, 500_000);
} finally {
  await hyperd.stop();
  await Deno.remove(dir, { recursive: true });
}

const rss: Record<string, number> = {};
for (const users of [1, 18, 64]) {
  step(`memory with ${users} users`);
  rss[String(users)] = (await inOwnProcess<{ perUserMb: number }>(
    "./memory_probe.ts",
    [String(users)],
    `memory probe with ${users} users`,
  )).perUserMb;
}

step("moderate preset");
const moderateFigures = await moderate();

const cost: Record<"moderate" | "high", ClientCost> = {} as Record<"moderate" | "high", ClientCost>;
for (const run of ["moderate", "high"] as const) {
  step(`client cost, ${run} load (60 s)`);
  cost[run] = await clientCost(run, 60);
}

step("1,000 users (20 s)");
const users1000Figures = await inOwnProcess<Users1000Figures>(
  "./users1000.ts",
  [],
  "the 1,000-user run",
);

let defaultRunCheckFigures: DefaultRunCheckFigures | null = null;
if (Deno.env.get("BENCH_DEFAULT_RUN") === "1") {
  step("the end-of-run check of a default run (300 s)");
  defaultRunCheckFigures = await inOwnProcess<DefaultRunCheckFigures>(
    "./default_run_check.ts",
    [],
    "the default run",
  );
}

let soakFigures: SoakFigures | null = null;
if (Deno.env.get("BENCH_SOAK") === "1") {
  const seconds = Number(Deno.env.get("BENCH_SOAK_SEC") ?? 600);
  step(`soak (${seconds} s)`);
  soakFigures = await inOwnProcess<SoakFigures>("./soak.ts", [String(seconds)], "the soak");
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
  integrityCost: integrityFigures,
  rssMbPerUser: rss,
  moderate: moderateFigures,
  clientCost: cost,
  genEncodeNsPerRow: genEncode,
  tallyCost: tally,
  queryGenCost: queryGen,
  users1000: users1000Figures,
  defaultRunCheck: defaultRunCheckFigures,
  soak: soakFigures,
};
await Deno.writeTextFile(out, JSON.stringify(results, null, 2) + "\n");
console.log(JSON.stringify(results, null, 2));
step(`wrote ${out}`);
