/**
 * `--out FORMAT=FILE`: where the per-second metrics stream goes. Parsed here once, for the
 * setting's validation and for the stream that opens the files.
 */

/** The stream's formats: one JSON object a line, or CSV with a header line. */
export const METRICS_FORMATS = ["jsonl", "csv"] as const;

/** One of METRICS_FORMATS. */
export type MetricsFormat = typeof METRICS_FORMATS[number];

/** One metrics stream: its format and file. */
export interface MetricsOut {
  format: MetricsFormat;
  path: string;
}

/** What a valid value looks like, for error messages and --help. */
export const METRICS_OUT_EXPECTS = '"jsonl=FILE" or "csv=FILE"';

/** `jsonl=run.jsonl` as a MetricsOut, or what is wrong with it. */
export function parseMetricsOut(spec: string): MetricsOut | string {
  const at = spec.indexOf("=");
  if (at === -1) return `expected ${METRICS_OUT_EXPECTS}, got no "=" and format`;
  const format = spec.slice(0, at).trim().toLowerCase();
  const path = spec.slice(at + 1);
  if (!(METRICS_FORMATS as readonly string[]).includes(format)) {
    return `expected the format jsonl or csv before "=", got ${JSON.stringify(format)}`;
  }
  if (path.trim() === "") return `expected a file path after "${format}=", got none`;
  return { format: format as MetricsFormat, path };
}
