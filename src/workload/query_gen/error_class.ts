/** What a generated query's error means, by its SQLSTATE. Pure. */

/** expected: valid SQL may raise it; generator: the generator wrote bad SQL; internal: a finding. */
export type QueryErrorClass = "expected" | "generator" | "internal" | "other";

/**
 * Class 22 (data exception: division by zero 22012, overflow 22003, invalid cast value 22P02 and
 * 22018, logarithm of zero 2201E, ...) is what valid SQL raises on some data. Class 42 (syntax,
 * types, unknown names) and 0A000 (not supported) mean the generator wrote SQL Hyper refuses.
 * XX (internal error) and 58 (system error) are Hyper failing. Anything else (40001, 53xxx,
 * 57014, connection loss) is an ordinary failed operation.
 */
export function classifyQueryError(sqlState: string | undefined): QueryErrorClass {
  if (!sqlState) return "other";
  if (sqlState.startsWith("22")) return "expected";
  if (sqlState.startsWith("42") || sqlState === "0A000") return "generator";
  if (sqlState.startsWith("XX") || sqlState.startsWith("58")) return "internal";
  return "other";
}
