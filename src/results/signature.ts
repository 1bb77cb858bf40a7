/**
 * Normalised signatures of what went wrong in a run, so that the same problem reads the same
 * across seeds: numbers, paths and ids are replaced, table names become their shape. A finding's
 * signature is its kind, the operation and the table shape; a crash's is hyperd's fatal entry
 * kind, SQLSTATE and message. Pure; the sweep counts runs by these.
 */
import { SHAPES } from "../workload/table_shapes.ts";

/** Separates the parts of a signature; hyperd's messages hold colons, never this. */
const SEPARATOR = " | ";

const PATH = /(?<![\w.])(?:[A-Za-z]:)?[\\/][\w.-]+(?:[\\/][\w.-]*)+/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const HEX = /\b0x[0-9a-f]+\b/gi;
const NUMBER = /[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi;
const SHAPE_SUFFIX = new RegExp(`_(${SHAPES.map((s) => s.name).join("|")})$`);

/**
 * `text` with paths as `<path>`, UUIDs as `<id>`, hex as `<hex>`, every other number as `<n>`,
 * and runs of white space as one space.
 */
export function normaliseText(text: string): string {
  return text
    .replace(PATH, "<path>")
    .replace(UUID, "<id>")
    .replace(HEX, "<hex>")
    .replace(NUMBER, "<n>")
    .replace(/\s+/g, " ")
    .trim();
}

/** The shape of a workload table (`t1_medium` → `medium`); other names normalised. */
export function tableShape(table: string): string {
  return SHAPE_SUFFIX.exec(table)?.[1] ?? normaliseText(table);
}

/** Parts normalised and joined; empty parts are left out. */
export function signatureOf(parts: readonly string[]): string {
  return parts.map(normaliseText).filter((p) => p !== "").join(SEPARATOR);
}

/** What went wrong with an operation: `slow-operation | BulkInsert | medium`. */
export function opSignature(what: string, op: { kind: string; table: string }): string {
  return signatureOf([what, op.kind, tableShape(op.table)]);
}

/** A warning hyperd logged: `starvation | shared-mutex-starvation-detected`. */
export function warningSignature(what: string, warningKind: string): string {
  return signatureOf([what, warningKind]);
}

/** A failed operation: `failure | 22012` by its SQLSTATE, else its message normalised. */
export function failureSignature(code: string, message: string): string {
  // A SQLSTATE is an identity, so it is kept out of the number rule.
  return code ? ["failure", code].join(SEPARATOR) : signatureOf(["failure", message]);
}

/**
 * A hyperd crash: `crash | finalize-version-failed | 53S02 | Cannot allocate <n> bytes ...` from
 * hyperd's cause; without one (a kill -9), the signal or exit code.
 */
export function crashSignature(
  cause: { kind: string; code: string; message: string } | null,
  exit: { signal: string | null; exitCode: number },
): string {
  // SQLSTATEs (53S02) and exit codes are identities, so they are kept out of the number rule.
  const parts = cause
    ? ["crash", cause.kind, cause.code, normaliseText(rootCause(cause.message))]
    : ["crash", exit.signal ?? `exit code ${exit.exitCode}`];
  return parts.filter((p) => p !== "").join(SEPARATOR);
}

/**
 * hyperd's message from its first capitalised part: hyperd puts lowercase context before a cause
 * (`unable to write compressed datablock: Cannot allocate ...`), and the same abort comes with
 * and without it. A message with no capitalised part is kept whole.
 */
function rootCause(message: string): string {
  const parts = message.split(": ");
  const first = parts.findIndex((part) => /^[A-Z]/.test(part));
  return first <= 0 ? message : parts.slice(first).join(": ");
}

/**
 * A statement's shape: text constants as `'?'`, numbers as `?`, so the same query found by many
 * seeds (with other constants and id windows) has one signature. Table names become their shape.
 */
export function queryShape(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'/g, "'?'")
    .replace(/"t\d+_(small|medium|wide)"/g, '"<$1>"')
    .replace(/(?<![\w"])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi, "?")
    .replace(/\s+/g, " ")
    .trim();
}
