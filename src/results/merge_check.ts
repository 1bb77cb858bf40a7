/**
 * Whether summaries can be merged into one run: they must be the segments of one run (same seed,
 * layout, workload settings and segment count), each segment once, each with its own users.
 * Every problem is named with the dirs it concerns. Pure.
 */
import { settingEntries, type SettingKey, SETTINGS } from "../config/settings.ts";
import type { Summary } from "./summary.ts";

/** A segment's summary and the dir it was read from. */
export interface SegmentInput {
  dir: string;
  summary: Summary;
}

/** The settings that make two runs different runs (a replay file fixes them). */
const WORKLOAD_KEYS: SettingKey[] = settingEntries()
  .filter(([key, s]) => !s.operator && key !== "seed")
  .map(([key]) => key);

/**
 * What stops `inputs` from being merged, one line each; empty when they are all the segments of
 * one run.
 */
export function mergeProblems(inputs: readonly SegmentInput[]): string[] {
  const problems: string[] = [];
  const segments = inputs.filter((input) => {
    const { summary, dir } = input;
    if (!summary.segment) {
      problems.push(`${dir}: not a segment's summary (it ran without --segment i/n)`);
      return false;
    }
    if (!summary.histograms) {
      problems.push(`${dir}: its summary.json has no latency histograms to merge`);
      return false;
    }
    return true;
  });
  if (segments.length === 0) return problems;
  const [first, ...rest] = segments;
  const differs = (what: string, get: (input: SegmentInput) => unknown) => {
    for (const other of rest) {
      const [a, b] = [get(first), get(other)];
      if (JSON.stringify(a) === JSON.stringify(b)) continue;
      problems.push(
        `${what} differs: ${first.dir} has ${show(a)}, ${other.dir} has ${show(b)}`,
      );
    }
  };
  differs("seed", (s) => s.summary.config.seed);
  differs("segment count", (s) => s.summary.segment!.count);
  differs("layout (users and databases)", (s) => s.summary.segment!.layoutDigest);
  for (const key of WORKLOAD_KEYS) differs(`--${SETTINGS[key].flag}`, (s) => s.summary.config[key]);
  if (problems.length > 0) return problems;
  problems.push(...coverage(segments));
  return problems;
}

/** Each segment once, and each user in the segment it belongs to. */
function coverage(segments: readonly SegmentInput[]): string[] {
  const problems: string[] = [];
  const count = segments[0].summary.segment!.count;
  const byIndex = new Map<number, string>();
  for (const { dir, summary } of segments) {
    const { index } = summary.segment!;
    const earlier = byIndex.get(index);
    if (earlier) problems.push(`segment ${index}/${count} appears twice: ${earlier} and ${dir}`);
    byIndex.set(index, dir);
    const strangers = summary.users.filter((u) => u.id % count !== index).map((u) => u.id);
    if (strangers.length > 0) {
      problems.push(`${dir}: users ${strangers.join(", ")} do not belong to segment ${index}`);
    }
  }
  for (let index = 0; index < count; index++) {
    if (!byIndex.has(index)) problems.push(`segment ${index}/${count} is missing`);
  }
  return problems;
}

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
