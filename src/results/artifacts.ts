/** Writes a run's files: summary.json, replay.json, report.html and, when asked, JUnit XML. */
import { join } from "node:path";
import { junitXml } from "./junit.ts";
import type { Replay } from "../config/replay.ts";
import { reportHtml } from "./report/page.ts";
import type { Summary } from "./summary.ts";

/** One artifact that could not be written, and the error that stopped it. */
export interface ArtifactFailure {
  path: string;
  error: Error;
}

/** What `writeArtifacts` did: the paths written, in order, and the ones that failed. */
export interface ArtifactsWritten {
  written: string[];
  failed: ArtifactFailure[];
}

/**
 * Writes every artifact of a finished run into `outputDir` (JUnit where the config says). Never
 * throws: a file that fails is reported and the others are still attempted.
 */
export async function writeArtifacts(
  outputDir: string,
  summary: Summary,
  replay: Replay,
): Promise<ArtifactsWritten> {
  // summary.json first: it is what CI reads and what `report` rebuilds the page from.
  const files: [string, () => string][] = [
    [join(outputDir, "summary.json"), () => jsonText(summary)],
    [join(outputDir, "replay.json"), () => jsonText(replay)],
    [join(outputDir, "report.html"), () => reportHtml(summary)],
  ];
  if (summary.config.junit) files.push([summary.config.junit, () => junitXml(summary)]);
  const result: ArtifactsWritten = { written: [], failed: [] };
  for (const [path, text] of files) {
    try {
      await writeText(path, text());
      result.written.push(path);
    } catch (error) {
      result.failed.push({ path, error: error as Error });
    }
  }
  return result;
}

/** One line for a failed artifact: `could not write <path>: <OS error>`. */
export function failureText(failure: ArtifactFailure): string {
  return `could not write ${failure.path}: ${writeErrorReason(failure.error)}`;
}

/** An error's reason without Deno's `: <op> '<path>'` tail, which names the temp file. */
export function writeErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/: \w+ '.*'$/s, "");
}

/** Writes `value` as pretty JSON, atomically. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeText(path, jsonText(value));
}

/**
 * Writes text via a temp file and a rename, so a reader never sees half a file; on failure the
 * temp file is removed and the error rethrown.
 */
export async function writeText(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${crypto.randomUUID()}`;
  try {
    await Deno.writeTextFile(temp, text);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}
