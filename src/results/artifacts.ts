/** Writes a run's files: summary.json, replay.json, report.html and, when asked, JUnit XML. */
import { join } from "node:path";
import { junitXml } from "./junit.ts";
import type { Replay } from "../config/replay.ts";
import { reportHtml } from "./report/page.ts";
import type { Summary } from "./summary.ts";

/** Paths of the files written. */
export interface ArtifactPaths {
  summary: string;
  replay: string;
  report: string;
  junit: string | null;
}

/** Writes every artifact of a finished run into `outputDir` (JUnit where the config says). */
export async function writeArtifacts(
  outputDir: string,
  summary: Summary,
  replay: Replay,
): Promise<ArtifactPaths> {
  const paths: ArtifactPaths = {
    summary: join(outputDir, "summary.json"),
    replay: join(outputDir, "replay.json"),
    report: join(outputDir, "report.html"),
    junit: summary.config.junit ?? null,
  };
  await writeJson(paths.replay, replay);
  await writeJson(paths.summary, summary);
  await writeText(paths.report, reportHtml(summary));
  if (paths.junit) await writeText(paths.junit, junitXml(summary));
  return paths;
}

/** Writes `value` as pretty JSON, atomically. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeText(path, JSON.stringify(value, null, 2) + "\n");
}

/** Writes text via a temp file and a rename, so a reader never sees half a file. */
export async function writeText(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${crypto.randomUUID()}`;
  await Deno.writeTextFile(temp, text);
  await Deno.rename(temp, path);
}
