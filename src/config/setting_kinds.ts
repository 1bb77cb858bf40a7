/** The kinds of setting and the builders that derive each one's schema and expected text. */
import { z } from "zod";
import { parseHostPort } from "./host_port.ts";

/** How a raw string from a flag or env variable becomes a value. */
export type Kind = "int" | "number" | "string" | "list" | "bool" | "seconds" | "minutes";

/** One setting: everything about it in one place. */
export interface Setting<T extends z.ZodType = z.ZodType> {
  /** Typed schema with the range; also validates values read from a replay file. */
  schema: T;
  kind: Kind;
  env: string;
  flag: string;
  /** Default value, or a function for defaults decided at start (a random seed). */
  default?: z.input<T> | (() => z.input<T>);
  /** The words it takes, for "did you mean" when another is given. */
  choices?: readonly string[];
  /** What a valid value looks like, for error messages; built from the range. */
  expects: string;
  help: string;
  /**
   * True for settings of how to operate a run (where, how long, what to report): a replay file
   * does not fix them. Every other setting comes from the replay file when there is one.
   */
  operator?: boolean;
}

export function setting<T extends z.ZodType>(s: Setting<T>): Setting<T> {
  return s;
}

/** How a setting's default reads in `--help` and the docs: `random`, a list, or null for none. */
export function defaultText(s: Setting): string | null {
  if (s.default === undefined) return null;
  if (typeof s.default === "function") return "random";
  if (Array.isArray(s.default)) return s.default.length === 0 ? null : s.default.join(", ");
  return String(s.default);
}

/** An integer in [min, max]; the expected text says the range (and what the number means). */
export function integer(min: number, max?: number, note?: string) {
  const range = max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return {
    schema: z.number().int().min(min).max(max ?? Number.MAX_SAFE_INTEGER),
    kind: "int" as const,
    expects: note ? `${range} (${note})` : range,
  };
}

/** A number above 0 and at most `max`. */
export function decimal(max: number) {
  return {
    schema: z.number().gt(0).max(max),
    kind: "number" as const,
    expects: `a number above 0 and at most ${max}`,
  };
}

/** One of `values`; the expected text lists them. */
export function choice<const T extends readonly [string, ...string[]]>(values: T) {
  const quoted = values.map((v) => JSON.stringify(v));
  return {
    schema: z.enum(values),
    kind: "string" as const,
    choices: values,
    expects: `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`,
  };
}

/** The same setting, but it may be left unset. */
export function optional<T extends z.ZodType, R extends { schema: T }>(s: R) {
  return { ...s, schema: s.schema.optional() };
}

/** An on/off switch: a bare flag, or true/false (1/0) in its env variable. */
export function toggle() {
  return { schema: z.boolean(), kind: "bool" as const, expects: "true or false (1 or 0)" };
}

/** Optional free text, such as a path. */
export function text(expects: string) {
  return { schema: z.string().min(1).optional(), kind: "string" as const, expects };
}

/** HOST:PORT of a running hyperd, which may be left unset. */
export function hostPort() {
  const expects = 'HOST:PORT, e.g. "127.0.0.1:7483" or "hyperd:7483"';
  return {
    schema: z.string().refine((s) => parseHostPort(s) !== null, { message: `expected ${expects}` })
      .optional(),
    kind: "string" as const,
    expects,
  };
}

/** The units a duration takes, in seconds: `90s`, `5m`, `1.5h`; a bare number is in the base. */
export const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * A duration in seconds (or minutes), given bare or with a unit, so `--duration 5m` works as
 * `--stages 30s:50` does. `whole` asks for a whole number of the base unit.
 */
export function duration(
  min: number,
  max: number | undefined,
  options: { unit?: "seconds" | "minutes"; whole?: boolean; note?: string } = {},
) {
  const unit = options.unit ?? "seconds";
  const whole = options.whole ?? true;
  const short = unit === "seconds" ? "s" : "min";
  const base = whole ? z.number().int().min(min) : z.number().gt(min);
  const low = whole ? `${min} ${short}` : `above ${min} ${short}`;
  const range = max === undefined ? `of at least ${low}` : `from ${low} to ${max} ${short}`;
  const examples = unit === "seconds" ? '"90", "90s", "5m" or "1h"' : '"30", "30m" or "2h"';
  const note = options.note ? `; ${options.note}` : "";
  return {
    schema: base.max(max ?? Number.MAX_SAFE_INTEGER),
    kind: unit,
    expects: `a ${whole ? "whole " : ""}duration ${range}, e.g. ${examples} (bare: ${unit})${note}`,
  };
}

/** What a memory size looks like; the one text errors and help use. */
export const MEMORY_SIZE_EXPECTS =
  'a share like "80%" or a size with a unit k, m, g or t, like "4096m" or "8g"';

/** A memory size with a unit (`4096m`, `8g`) or a share of the machine's memory (`80%`). */
export function memorySize() {
  return {
    schema: z.string().superRefine((s, ctx) => {
      if (/^\d+(\.\d+)?%$|^\d+[kmgt]$/i.test(s)) return;
      // A bare number was once taken as bytes: 80 meant 80 bytes, never what anyone meant.
      const bare = /^\s*\d+(\.\d+)?\s*$/.test(s) ? "a bare number has no unit; " : "";
      ctx.addIssue({ code: "custom", message: `${bare}expected ${MEMORY_SIZE_EXPECTS}` });
    }),
    kind: "string" as const,
    expects: MEMORY_SIZE_EXPECTS,
  };
}
