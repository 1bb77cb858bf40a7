/** The kinds of setting and the builders that derive each one's schema and expected text. */
import { z } from "zod";
import { parseHostPort } from "./host_port.ts";

/** How a raw string from a flag or env variable becomes a value. */
export type Kind = "int" | "number" | "string" | "list" | "bool";

/** One setting: everything about it in one place. */
export interface Setting<T extends z.ZodType = z.ZodType> {
  /** Typed schema with the range; also validates values read from a replay file. */
  schema: T;
  kind: Kind;
  env: string;
  flag: string;
  /** Default value, or a function for defaults decided at start (a random seed). */
  default?: z.input<T> | (() => z.input<T>);
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
