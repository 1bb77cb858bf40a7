/**
 * `sweep`: many independent stress runs, each with its own hyperd, seed and sub-dir, then one
 * line per way they went wrong (sweep.json and a table). `--collect` merges shards' sweep.json.
 */
import { join } from "node:path";
import { runLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import { writeJson } from "../results/artifacts.ts";
import { prepareOutputDir } from "../run/output_dir.ts";
import { swarmDraw } from "../sweep/swarm.ts";
import {
  mergeSweeps,
  shardIndices,
  signatureExample,
  type SignatureGroup,
  sweepExitCode,
  type SweepFile,
  sweepFile,
  type SweepRun,
  sweepRun,
  sweepSeeds,
  sweepTable,
} from "../sweep/sweep_file.ts";
import type { Output } from "../output.ts";
import type { CommandContext } from "./context.ts";
import { runInDir, type RunInDirOptions } from "./run_in_dir.ts";
import { Interrupt } from "./interrupt.ts";

/** The sweep's file in its output dir. */
const SWEEP_FILE = "sweep.json";

/** Lines a sweep says once however many runs say them: the same for every run. */
const ONCE = /^(warning|disk budget off|monitor off|attached to)/;
/** Lines a sweep says for each run, after its number: what went wrong, and hyperd's pid. */
const EACH_RUN = /^(could not|hyperd pid)/;

/** Runs the sweep (or, with `--collect`, merges `dirs`' sweep files) and returns its exit code. */
export async function sweepCommand(
  config: Config,
  binary: () => Promise<HyperdBinary>,
  dirs: string[],
  context: CommandContext,
): Promise<number> {
  const { output } = context;
  if (config.collect) return await collect(config, dirs, output);
  const seeds = config.seeds.length > 0 ? config.seeds : sweepSeeds(config.seed, config.runs);
  const indices = shardIndices(seeds.length, config.shard);
  const base = await prepareOutputDir(config.outputDir);
  const hyperd = await binary();
  const interrupt = new Interrupt({ killServers: () => context.processes.killAll() });
  const stopListening = interrupt.listen();
  const runs: SweepRun[] = [];
  const examples = new Map<string, SignatureGroup["example"]>();
  try {
    const write = () => writeJson(join(base.path, SWEEP_FILE), sweepFile(runs, examples));
    output.say(
      `sweep of ${indices.length} runs (${
        config.shard ? `shard ${config.shard} of ${seeds.length}` : "all"
      }), ${config.parallel} at a time, in ${base.path}`,
    );
    // What this sweep's runs have said, so a line the same for every run is said once.
    const said = new Set<string>();
    const sayFor = (index: number) => (line: string) => {
      if (ONCE.test(line) && !said.has(line)) output.say(line);
      if (EACH_RUN.test(line)) output.say(`run ${index}: ${line}`);
      said.add(line);
    };
    let next = 0;
    const worker = async () => {
      while (next < indices.length && !interrupt.signal.aborted) {
        const index = indices[next++];
        const run = await oneRun(config, hyperd, base.path, index, seeds[index], {
          signal: interrupt.signal,
          say: sayFor(index),
          commandLine: context.commandLine,
          processes: context.processes,
        });
        runs.push(run.record);
        if (run.record.signature && !examples.has(run.record.signature)) {
          examples.set(run.record.signature, run.example);
        }
        // After every run, so an interrupted sweep keeps what it found.
        await write();
        output.say(runLine(run.record, runs.length, indices.length));
      }
    };
    await Promise.all(Array.from({ length: Math.min(config.parallel, indices.length) }, worker));
    await write();
    const file = sweepFile(runs, examples);
    output.print(sweepTable(file, replayCommand));
    output.say(`wrote ${join(base.path, SWEEP_FILE)}`);
    return sweepExitCode(file, interrupt.signal.aborted);
  } finally {
    stopListening();
    await base.release();
  }
}

/** One run of the sweep in `<base>/run_<index>`, saying only what `run.say` lets through. */
async function oneRun(
  config: Config,
  binary: HyperdBinary,
  base: string,
  index: number,
  seed: number,
  run: Pick<RunInDirOptions, "signal" | "say" | "commandLine" | "processes">,
): Promise<{ record: SweepRun; example: SignatureGroup["example"] }> {
  const draw = config.swarm ? swarmDraw(seed, config) : null;
  const dir = join(base, `run_${String(index).padStart(4, "0")}`);
  const runConfig: Config = { ...config, ...draw, seed, outputDir: dir, progressInterval: 0 };
  const { summary } = await runInDir({
    config: runConfig,
    layout: runLayout(runConfig),
    binary,
    dir,
    ...run,
  });
  return {
    record: sweepRun(index, seed, dir, draw, summary),
    example: signatureExample(summary, dir),
  };
}

/** `run 3 (4/20) seed 123: CrashDetected, exit <code>, 12.3 s, 1,234 ops: crash | ...`. */
function runLine(run: SweepRun, done: number, total: number): string {
  const what = run.signature ? `: ${run.signature}` : "";
  return `run ${run.index} (${done}/${total}) seed ${run.seed}: ${run.stopReason}, exit ${run.exitCode}, ` +
    `${run.durationSec.toFixed(1)} s, ${run.ops} ops${what}`;
}

/** The command that replays the run in `dir`. */
function replayCommand(dir: string): string {
  return `deno task stress --replay-file ${join(dir, "replay.json")}`;
}

/** `sweep --collect DIR...`: the shards' sweep.json merged into the output dir's. */
async function collect(config: Config, dirs: string[], output: Output): Promise<number> {
  if (dirs.length === 0) {
    throw new ConfigError(
      "sweep --collect: expected the dirs of the shards' sweeps after `sweep`, got none",
    );
  }
  const files: SweepFile[] = [];
  for (const dir of dirs) {
    const path = join(dir, SWEEP_FILE);
    try {
      files.push(JSON.parse(await Deno.readTextFile(path)));
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) throw error;
      throw new ConfigError(
        `sweep --collect: expected ${path} written by a sweep, got ${(error as Error).message}`,
      );
    }
  }
  let merged: SweepFile;
  try {
    merged = mergeSweeps(files);
  } catch (error) {
    throw new ConfigError(`sweep --collect: ${(error as Error).message}`);
  }
  const out = await prepareOutputDir(config.outputDir);
  try {
    await writeJson(join(out.path, SWEEP_FILE), merged);
    output.print(sweepTable(merged, replayCommand));
    output.say(`wrote ${join(out.path, SWEEP_FILE)}`);
    return sweepExitCode(merged);
  } finally {
    await out.release();
  }
}
