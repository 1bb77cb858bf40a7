/**
 * sweep.json: what each run of a sweep did, and its runs grouped by signature so twenty crashes
 * of one bug read as one line. Pure: building, merging shards, the text table.
 */
import { crashSignature, failureSignature } from "../results/signature.ts";
import type { Summary } from "../results/summary.ts";
import { textTable } from "../results/format.ts";
import { findingVerdict, sweepExitCode as policyExitCode } from "../verdict_policy.ts";
import { Rng } from "../workload/rng.ts";
import type { SwarmDraw } from "./swarm.ts";

/** Version of the sweep.json layout. */
export const SWEEP_SCHEMA_VERSION = 1;

/** One run of a sweep. */
export interface SweepRun {
  index: number;
  seed: number;
  /** The run's output dir (its replay.json reproduces it). */
  dir: string;
  /** What swarm mode drew for this run; null without --swarm. */
  config: SwarmDraw | null;
  exitCode: number;
  stopReason: string;
  /** What went wrong, normalised; null for a clean run. */
  signature: string | null;
  /**
   * The known Hyper bugs among its findings (known_bugs.ts), by id, and the signatures of its
   * findings that are no known bug: what a sweep should look at first. Absent in older files.
   */
  knownBugs?: string[];
  newFindings?: string[];
  durationSec: number;
  ops: number;
}

/** One signature's runs. */
export interface SignatureGroup {
  count: number;
  seeds: number[];
  /** The first run's own words: hyperd's cause, or the first failure. */
  example: { kind: string; code: string; message: string; dir: string };
}

/** The whole sweep.json. */
export interface SweepFile {
  schemaVersion: typeof SWEEP_SCHEMA_VERSION;
  runs: SweepRun[];
  signatures: Record<string, SignatureGroup>;
}

/** `runs` seeds derived from `seed`: the same sweep seed gives the same run seeds. */
export function sweepSeeds(seed: number, runs: number): number[] {
  const rng = new Rng(`${seed}:sweep`);
  return Array.from({ length: runs }, () => rng.int(0, 2 ** 32 - 1));
}

/** The run indices of shard `i/n` of `total` runs: run k belongs to shard k mod n. */
export function shardIndices(total: number, shard: string | undefined): number[] {
  const all = Array.from({ length: total }, (_, k) => k);
  if (!shard) return all;
  const [i, n] = shard.split("/").map(Number);
  return all.filter((k) => k % n === i);
}

/** The run's first data integrity finding (lost, extra, duplicated, corrupted, torn), if any. */
function firstIntegrityFinding(summary: Summary): Summary["findings"][number] | undefined {
  return (summary.findings ?? []).find((f) => findingVerdict(f.kind) === "dataIntegrity");
}

/** The first failure's SQLSTATE and message, from `"<SQLSTATE>: <message>"`. */
function firstFailure(summary: Summary): { code: string; message: string } | null {
  const error = summary.errors[0];
  if (!error) return null;
  const match = /^([0-9A-Z]{5}): (.*)$/s.exec(error.message);
  return match ? { code: match[1], message: match[2] } : { code: "", message: error.message };
}

/**
 * What went wrong in a run, normalised: hyperd's crash, a stall, its first data integrity finding
 * (`integrity | corrupted | medium | price`), a wrong result's shrunk query shape (or an internal
 * query error), or the first failure's SQLSTATE for a run that failed without a crash; null for a
 * clean run.
 */
export function runSignature(summary: Summary): string | null {
  if (summary.crash) return crashSignature(summary.crash.cause, summary.crash);
  if (summary.stopReason === "Stalled") return "Stalled";
  const integrity = firstIntegrityFinding(summary);
  if (integrity) return integrity.signature;
  // A wrong answer, then an internal query error: their finding's signature (constants masked).
  const query = (summary.findings ?? []).find((f) => f.kind === "wrong-result") ??
    (summary.findings ?? []).find((f) => f.kind === "query-error");
  if (query) return query.signature;
  const failure = firstFailure(summary);
  if (failure) return failureSignature(failure.code, failure.message);
  // Wrong data found by a check (the ledger, a user's own table) is what went wrong.
  const wrong = (summary.findings ?? []).find((f) =>
    f.kind === "invariant-broken" || f.kind === "lost-update" || f.kind === "model-mismatch"
  );
  return wrong?.signature ?? null;
}

/** The run's record for sweep.json. */
export function sweepRun(
  index: number,
  seed: number,
  dir: string,
  draw: SwarmDraw | null,
  summary: Summary,
): SweepRun {
  return {
    index,
    seed,
    dir,
    config: draw,
    exitCode: summary.exitCode,
    stopReason: summary.stopReason,
    signature: runSignature(summary),
    knownBugs: [
      ...new Set((summary.findings ?? []).flatMap((f) => f.knownBug ? [f.knownBug] : [])),
    ],
    newFindings: [
      ...new Set((summary.findings ?? []).filter((f) => !f.knownBug).map((f) => f.signature)),
    ],
    durationSec: summary.durationSec,
    ops: summary.totals.ops,
  };
}

/** The example of a run's signature: hyperd's cause, the stall, or the first failure. */
export function signatureExample(summary: Summary, dir: string): SignatureGroup["example"] {
  const cause = summary.crash?.cause;
  if (cause) return { ...cause, dir };
  if (summary.crash) {
    const how = summary.crash.signal ?? `exit code ${summary.crash.exitCode}`;
    return { kind: "crash", code: "", message: `hyperd died (${how})`, dir };
  }
  if (summary.stopReason === "Stalled") {
    return { kind: "stall", code: "", message: summary.stopDetail ?? "", dir };
  }
  const integrity = firstIntegrityFinding(summary);
  if (integrity) return { kind: integrity.kind, code: "", message: integrity.description, dir };
  const failure = firstFailure(summary);
  return { kind: "failure", code: failure?.code ?? "", message: failure?.message ?? "", dir };
}

/** sweep.json from its runs; `examples` holds each signature's first example. */
export function sweepFile(
  runs: readonly SweepRun[],
  examples: ReadonlyMap<string, SignatureGroup["example"]>,
): SweepFile {
  const signatures: Record<string, SignatureGroup> = {};
  for (const run of [...runs].sort((a, b) => a.index - b.index)) {
    if (!run.signature) continue;
    const group = signatures[run.signature] ??= {
      count: 0,
      seeds: [],
      example: examples.get(run.signature)!,
    };
    group.count++;
    group.seeds.push(run.seed);
  }
  return {
    schemaVersion: SWEEP_SCHEMA_VERSION,
    runs: [...runs].sort((a, b) => a.index - b.index),
    signatures,
  };
}

/** The shards' sweep files as one: runs by index, signatures counted again, examples kept. */
export function mergeSweeps(files: readonly SweepFile[]): SweepFile {
  const runs = files.flatMap((f) => f.runs);
  const indices = new Set<number>();
  for (const run of runs) {
    if (indices.has(run.index)) {
      throw new Error(`run ${run.index} appears in two of the sweep files`);
    }
    indices.add(run.index);
  }
  const examples = new Map<string, SignatureGroup["example"]>();
  for (const file of files) {
    for (const [signature, group] of Object.entries(file.signatures)) {
      if (!examples.has(signature)) examples.set(signature, group.example);
    }
  }
  return sweepFile(runs, examples);
}

/** The sweep's exit code, as the verdict policy ranks its runs; `interrupted` when cut short. */
export function sweepExitCode(file: SweepFile, interrupted = false): number {
  return policyExitCode(file.runs, interrupted);
}

/** The table a person reads: each signature, how often, the first seed and how to replay it. */
export function sweepTable(file: SweepFile, replayCommand: (dir: string) => string): string {
  const clean = file.runs.filter((r) => r.signature === null).length;
  const rows = Object.entries(file.signatures)
    .sort(([, a], [, b]) => b.count - a.count)
    .map(([signature, group]) => [
      signature,
      String(group.count),
      String(group.seeds[0]),
      replayCommand(group.example.dir),
    ]);
  const head = `${file.runs.length} runs: ${clean} clean, ${
    file.runs.length - clean
  } with a finding`;
  if (rows.length === 0) return head;
  return `${head}\n\n${
    textTable(["signature", "runs", "first seed", "replay"], rows, [
      "left",
      "right",
      "right",
      "left",
    ])
  }`;
}
