/**
 * What generated queries found: checks that passed, errors valid SQL may raise (by SQLSTATE),
 * errors that mean the generator wrote bad SQL, wrong results and internal errors (findings).
 * A worker tallies an interval; the run adds the intervals up. Pure.
 */
import type { Judgement, Oracle } from "../workload/query_gen/oracles.ts";

/** A wrong result: the oracle's statement, its two sides and both answers. */
export interface WrongResult {
  atSec: number;
  user: number;
  seq: number;
  oracle: Oracle;
  /** The operation's seed and complexity: `generateCheck(seed, tables, complexity)` rebuilds it. */
  seed: number;
  complexity: number;
  /** Generated with --query-known-bugs (generateCheck's `knownBugs`). */
  knownBugs?: boolean;
  /** The database's base tables, as the generator saw them. */
  database: number;
  statement: string;
  query: string;
  partitions: string;
  whole: Judgement["whole"];
  parts: Judgement["parts"];
  differing: Judgement["differing"];
  /**
   * The check shrunk by its syntax tree right after it failed, against the data then (other
   * users kept inserting): the smallest that still failed. Null when nothing smaller failed.
   */
  shrunk: ShrunkResult | null;
}

/** A wrong result's smallest failing check. */
export interface ShrunkResult {
  query: string;
  partitions: string;
  statement: string;
  whole: Judgement["whole"];
  parts: Judgement["parts"];
  /** Candidates tried, and the smaller ones that still failed (steps). */
  attempts: number;
  steps: number;
}

/** A generated query hyperd failed with an internal error (XX000 and the like). */
export interface QueryError {
  atSec: number;
  user: number;
  seq: number;
  seed: number;
  complexity: number;
  knownBugs?: boolean;
  database: number;
  sqlState: string;
  message: string;
  statement: string;
}

/** What one generated query came to, as the operation reports it (the user adds who and when). */
export type OracleEvent =
  | { kind: "passed"; oracle: Oracle }
  | { kind: "expected"; sqlState: string }
  | { kind: "generator"; sqlState: string; message: string; statement: string }
  | { kind: "wrong-result"; result: Omit<WrongResult, "atSec" | "user" | "seq"> }
  | { kind: "internal"; error: Omit<QueryError, "atSec" | "user" | "seq"> };

/** Counts and evidence of generated queries. */
export interface OracleTally {
  checks: number;
  passed: Partial<Record<Oracle, number>>;
  /** Errors valid SQL may raise, by SQLSTATE. */
  expectedErrors: Record<string, number>;
  /** Errors that mean the generator wrote SQL hyperd refuses, by SQLSTATE: should stay empty. */
  generatorErrors: Record<string, number>;
  /** The first few of them, with the statement. */
  generatorExamples: { sqlState: string; message: string; statement: string }[];
  wrongResults: WrongResult[];
  /** Wrong results in all, though `wrongResults` keeps only the first few. */
  wrongResultCount: number;
  internalErrors: QueryError[];
  internalErrorCount: number;
}

/** Evidence kept of each kind: the first ones. */
const KEPT = 20;
const GENERATOR_EXAMPLES = 5;

/** An empty tally. */
export function emptyOracleTally(): OracleTally {
  return {
    checks: 0,
    passed: {},
    expectedErrors: {},
    generatorErrors: {},
    generatorExamples: [],
    wrongResults: [],
    wrongResultCount: 0,
    internalErrors: [],
    internalErrorCount: 0,
  };
}

/** Adds `event` of `user`'s operation `seq` at `atSec` to `tally`. */
export function addOracleEvent(
  tally: OracleTally,
  event: OracleEvent,
  at: { atSec: number; user: number; seq: number },
): void {
  tally.checks++;
  switch (event.kind) {
    case "passed":
      tally.passed[event.oracle] = (tally.passed[event.oracle] ?? 0) + 1;
      return;
    case "expected":
      tally.expectedErrors[event.sqlState] = (tally.expectedErrors[event.sqlState] ?? 0) + 1;
      return;
    case "generator":
      tally.generatorErrors[event.sqlState] = (tally.generatorErrors[event.sqlState] ?? 0) + 1;
      if (tally.generatorExamples.length < GENERATOR_EXAMPLES) {
        tally.generatorExamples.push({
          sqlState: event.sqlState,
          message: event.message,
          statement: event.statement,
        });
      }
      return;
    case "wrong-result":
      tally.wrongResultCount++;
      if (tally.wrongResults.length < KEPT) tally.wrongResults.push({ ...at, ...event.result });
      return;
    case "internal":
      tally.internalErrorCount++;
      if (tally.internalErrors.length < KEPT) tally.internalErrors.push({ ...at, ...event.error });
  }
}

/** Adds `from` into `into`, keeping the first evidence of each kind. */
export function mergeOracleTally(into: OracleTally, from: OracleTally): void {
  into.checks += from.checks;
  for (const [k, n] of Object.entries(from.passed)) {
    into.passed[k as Oracle] = (into.passed[k as Oracle] ?? 0) + n;
  }
  for (const [code, n] of Object.entries(from.expectedErrors)) {
    into.expectedErrors[code] = (into.expectedErrors[code] ?? 0) + n;
  }
  for (const [code, n] of Object.entries(from.generatorErrors)) {
    into.generatorErrors[code] = (into.generatorErrors[code] ?? 0) + n;
  }
  into.generatorExamples.push(
    ...from.generatorExamples.slice(0, GENERATOR_EXAMPLES - into.generatorExamples.length),
  );
  into.wrongResultCount += from.wrongResultCount;
  into.wrongResults.push(...from.wrongResults.slice(0, KEPT - into.wrongResults.length));
  into.internalErrorCount += from.internalErrorCount;
  into.internalErrors.push(...from.internalErrors.slice(0, KEPT - into.internalErrors.length));
}
