/** Numbers, durations and plain-text tables for people: one rounding rule, one number format. */

/** What every formatter prints for a value that was not measured (null, NaN, ±Infinity). */
export const DASH = "–";

/**
 * `value` rounded to `digits` decimals, halves up (Math.round). summary.json stores numbers
 * rounded this way, and every formatter below rounds the same way before it prints.
 */
export function round(value: number, digits = 3): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

const formats = new Map<string, Intl.NumberFormat>();

/** Intl's en-US format with `min`..`max` decimals, built once per pair. */
function numberFormat(min: number, max: number): Intl.NumberFormat {
  const key = `${min}-${max}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat("en-US", {
      minimumFractionDigits: min,
      maximumFractionDigits: max,
    });
    formats.set(key, format);
  }
  return format;
}

function format(value: number | null | undefined, min: number, max: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  // `+ 0` turns -0 into 0, so a tiny negative value never prints as "-0".
  return numberFormat(min, max).format(round(value, max) + 0);
}

/** `1,234.5`: thousands separators and at most `digits` decimals; DASH when not measured. */
export function formatNumber(value: number | null | undefined, digits = 0): string {
  return format(value, 0, digits);
}

/** `1,234.50`: thousands separators and exactly `digits` decimals, for columns that line up. */
export function formatFixed(value: number | null | undefined, digits: number): string {
  return format(value, digits, digits);
}

/** `60.0 s`: seconds with `digits` decimals; DASH alone when not measured. */
export function formatSeconds(seconds: number | null | undefined, digits = 1): string {
  return withUnit(formatFixed(seconds, digits), " s");
}

/**
 * The report's rule per quantity, the text summary's too: latency in ms with 2 decimals, sizes
 * in MB and shares in percent with 1, hyperd's load with 2, rates of operations with 1.
 */
export function formatMs(ms: number | null | undefined): string {
  return formatFixed(ms, 2);
}

/** Megabytes with 1 decimal: `1,024.0`. */
export function formatMb(mb: number | null | undefined): string {
  return formatFixed(mb, 1);
}

/** A percentage with `digits` decimals (1 unless a small share needs more), unit included. */
export function formatPercent(percent: number | null | undefined, digits = 1): string {
  return withUnit(formatFixed(percent, digits), "%");
}

/** hyperd's load (0..1 at saturation) with 2 decimals. */
export function formatLoad(load: number | null | undefined): string {
  return formatFixed(load, 2);
}

/** Operations per second with 1 decimal. */
export function formatRate(perSecond: number | null | undefined): string {
  return formatFixed(perSecond, 1);
}

/** A formatted number followed by its unit, or a lone DASH: never "– MB". */
export function withUnit(formatted: string, unit: string): string {
  return formatted === DASH ? DASH : `${formatted}${unit}`;
}

/** `1 event`, `2,000 events`. */
export function plural(count: number, noun: string): string {
  return `${formatNumber(count)} ${noun}${count === 1 ? "" : "s"}`;
}

/** Short axis labels: `950`, `1.5k`, `20M`, `3G` (thousands only from 10,000 up). */
export function formatShort(value: number): string {
  const abs = Math.abs(value);
  const trim = (x: number) => String(round(x, 2));
  if (abs >= 1e9) return `${trim(value / 1e9)}G`;
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4) return `${trim(value / 1e3)}k`;
  return trim(value);
}

/**
 * Labels for the ticks of one axis on one scale: `0, 5k, 10k, 15k` rather than `0, 5000, 10k`,
 * each with as many decimals as the finest tick needs (`0, 0.25, 0.5`).
 */
export function formatTicks(values: readonly number[]): string[] {
  const top = Math.max(0, ...values.map(Math.abs));
  const [divisor, suffix] = top >= 1e9
    ? [1e9, "G"]
    : top >= 1e6
    ? [1e6, "M"]
    : top >= 1e4
    ? [1e3, "k"]
    : [1, ""];
  const scaled = values.map((v) => v / divisor);
  let digits = 0;
  while (
    digits < 6 && scaled.some((v) => Math.abs(round(v, digits) - v) > 1e-9)
  ) {
    digits++;
  }
  return scaled.map((v) => `${formatNumber(v, digits)}${v === 0 ? "" : suffix}`);
}

/** How a text-table column lines up. */
export type Align = "left" | "right";

/**
 * A plain-text table: a header line, then one line per row, columns two spaces apart. By default
 * the first column is left-aligned and the others right-aligned, as numbers read best.
 * Lines carry no trailing spaces.
 */
export function textTable(head: string[], rows: string[][], align: Align[] = []): string {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[]) =>
    head.map((_, c) => {
      const cell = cells[c] ?? "";
      const side = align[c] ?? (c === 0 ? "left" : "right");
      return side === "left" ? cell.padEnd(widths[c]) : cell.padStart(widths[c]);
    }).join("  ").trimEnd();
  return [line(head), ...rows.map(line)].join("\n");
}
