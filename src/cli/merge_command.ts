/**
 * `merge DIR... --output-dir OUT [--endpoint HOST:PORT]`: the segments of one run (`--segment
 * i/n`) as one result, with its summary.json, report.html, replay.json and JUnit when asked, and
 * the run's exit code. With --endpoint each table is counted once against the rows every
 * segment's users had acknowledged.
 */
import { join } from "node:path";
import { formatHostPort, parseHostPort } from "../config/host_port.ts";
import { buildReplay, readReplay, type Replay } from "../config/replay.ts";
import { runLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { ConfigError, HyperdError } from "../errors.ts";
import type { Output } from "../output.ts";
import { failureText, writeArtifacts } from "../results/artifacts.ts";
import { mergeSummaries, writesTotal } from "../results/merge.ts";
import { mergeProblems, type SegmentInput } from "../results/merge_check.ts";
import { type Summary, SUMMARY_SCHEMA_VERSION } from "../results/summary.ts";
import { summaryText } from "../results/summary_text.ts";
import {
  checkIntegrity,
  type Integrity,
  integritySkipped,
  tablesToCheck,
} from "../run/integrity.ts";
import { databaseSpecs } from "../workload/layout.ts";
import { type Shape, SHAPES } from "../workload/table_shapes.ts";
import { prepareOutputDir } from "../run/output_dir.ts";
import { checkOutputFiles, outputFilesOf } from "./output_files.ts";

/** Merges the segments' summaries in `dirs` into `config.outputDir`; returns the exit code. */
export async function mergeCommand(
  dirs: string[],
  config: Config,
  output: Output,
): Promise<number> {
  if (dirs.length === 0) {
    throw new ConfigError(
      "merge: expected the output dirs of a run's segments after `merge`, got none",
    );
  }
  await checkOutputFiles(outputFilesOf(config));
  const inputs = await Promise.all(dirs.map(readSegment));
  const problems = mergeProblems(inputs);
  if (problems.length > 0) {
    throw new ConfigError(
      `merge: expected the summaries of one run's segments, each once:\n  ${problems.join("\n  ")}`,
    );
  }
  const first = inputs.find((i) => i.summary.segment!.index === 0)!;
  const integrity = await countTables(inputs, config.endpoint);
  const out = await prepareOutputDir(config.outputDir);
  try {
    const summary = mergeSummaries(inputs, {
      outputDir: out.path,
      integrity,
      thresholds: config.thresholds.length > 0
        ? config.thresholds
        : first.summary.config.thresholds,
      junit: config.junit,
      failOnFindings: config.failOnFindings || first.summary.config.failOnFindings,
    });
    output.print(summaryText(summary));
    const replay = await wholeRunReplay(first, summary);
    const { written, failed } = await writeArtifacts(out.path, summary, replay);
    for (const failure of failed) output.say(failureText(failure));
    if (written.length > 0) output.say(`wrote ${written.join(", ")}`);
    return summary.exitCode;
  } finally {
    await out.release();
  }
}

/** A segment's summary.json, checked to be one this hyperstress writes. */
async function readSegment(dir: string): Promise<SegmentInput> {
  const path = join(dir, "summary.json");
  let summary: Summary;
  try {
    summary = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new ConfigError(
      `merge: expected ${path} written by a segment's run, got ${(error as Error).message}`,
    );
  }
  if (summary.schemaVersion !== SUMMARY_SCHEMA_VERSION) {
    throw new ConfigError(
      `merge: expected ${path} with schemaVersion ${SUMMARY_SCHEMA_VERSION}, got ` +
        `${summary.schemaVersion}`,
    );
  }
  return { dir, summary };
}

/**
 * Each table counted once against the rows acknowledged over all segments, when --endpoint names
 * the server and every segment ended with its writes known; else why not.
 */
async function countTables(
  inputs: readonly SegmentInput[],
  endpointText: string | undefined,
): Promise<Integrity> {
  if (!endpointText) {
    return integritySkipped("merged without --endpoint: the tables were not counted");
  }
  for (const { summary } of inputs) {
    const which = `segment ${summary.segment!.index}`;
    if (summary.stopReason === "CrashDetected") return integritySkipped(`${which}: hyperd crashed`);
    if (summary.stopReason === "ServerUnreachable") {
      return integritySkipped(`${which}: the server stopped answering`);
    }
    if (summary.stopReason === "Stalled") return integritySkipped(`${which}: hyperd stalled`);
    if (summary.users.some((u) => u.unfinished)) {
      return integritySkipped(`${which}: some users did not finish their last operation`);
    }
  }
  const databases = inputs.map((i) => i.summary.databases ?? []).find((d) => d.length > 0);
  if (!databases) return integritySkipped("no segment got past set-up");
  const endpoint = parseHostPort(endpointText)!;
  try {
    (await Deno.connect({ hostname: endpoint.host, port: endpoint.port })).close();
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new HyperdError(
      "HYPERD_UNREACHABLE",
      `merge: nothing answers at --endpoint ${formatHostPort(endpoint)} to count the tables ` +
        `(${(error as Error).message}); merge without --endpoint to skip counting`,
    );
  }
  const { config } = inputs[0].summary;
  const seeds = databaseSpecs(config.seed, config.databases);
  const { writes, inDoubtWrites } = writesTotal(inputs);
  const tables = tablesToCheck(
    databases.map((d) => ({
      ...d,
      schemaSeed: seeds[d.index].schemaSeed,
      tables: d.tables.map((name) => ({ name, shape: shapeOf(name) })),
    })),
    writes ?? {},
    inDoubtWrites ?? [],
  );
  return await checkIntegrity(endpoint, tables);
}

/** The shape a workload table's name ends with (`t1_medium`). */
function shapeOf(table: string): Shape {
  const shape = SHAPES.find((s) => table.endsWith(`_${s.name}`));
  if (!shape) throw new ConfigError(`merge: expected a workload table name, got "${table}"`);
  return shape;
}

/** replay.json of the whole run: segment 0's users and databases, every user in one process. */
async function wholeRunReplay(first: SegmentInput, summary: Summary): Promise<Replay> {
  const path = join(first.dir, "replay.json");
  let layout: { users: Replay["users"]; databases: Replay["databases"] };
  try {
    layout = await readReplay(path, "merge");
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    // Without the segment's replay file, the layout its settings derive.
    layout = runLayout(summary.config);
  }
  return buildReplay(summary.config, layout.users, layout.databases, summary.stopReason);
}
