/**
 * A run's findings: what a person should look at even when every threshold held. A crash, a
 * stall, an operation slower than --slow-op-sec, starvation hyperd reported, a monitor that went
 * blind, and rows the integrity check found lost, extra, duplicated, corrupted or torn. Each has a
 * one-line description, its evidence, its run second and a normalised signature. Pure.
 */
import { type CrashInfo, describeCause } from "../hyperd/crash.ts";
import { WARNING_KINDS, type WarningStats } from "../hyperd/warnings.ts";
import type { MonitorSight } from "../hyperd/monitor.ts";
import type { FindingKind, StopReason } from "../verdict_policy.ts";
import type { SlowOp } from "../stats/op_records.ts";
import type { IntegrityFinding, IntegrityKind } from "../run/integrity.ts";
import { describeIntegrity, integritySignature } from "./integrity_findings.ts";
import type { OracleTally, QueryError, WrongResult } from "../stats/oracle_stats.ts";
import { formatSeconds, plural } from "./format.ts";
import type { LedgerOutcome } from "../run/run_outcome.ts";
import { type LedgerFinding, ledgerFindings } from "./ledger_findings.ts";
import { markKnownBugs } from "./known_bugs.ts";
import {
  crashSignature,
  normaliseText,
  opSignature,
  queryShape,
  signatureOf,
  warningSignature,
} from "./signature.ts";

/** One finding of a given kind (verdict_policy.ts says how it counts) with its evidence. */
interface FindingOf<K extends FindingKind, E> {
  kind: K;
  /** One line for people. */
  description: string;
  evidence: E;
  /** When it happened (a slow operation: when it started), in run seconds. */
  atSec: number;
  /** Normalised (signature.ts), the same for the same problem across seeds. */
  signature: string;
}

/**
 * Something a run found, keyed on `kind`; `knownBug` names the known Hyper bug it is
 * (known_bugs.ts), null for a new one (absent in older summaries).
 */
export type Finding =
  & (
    | FindingOf<"crash", Pick<CrashInfo, "exitCode" | "signal" | "cause">>
    | FindingOf<"stall", { detail: string | null; inFlight: SlowOp[] }>
    | FindingOf<"slow-operation", SlowOp>
    | FindingOf<"starvation", WarningStats["example"] & { count: number }>
    | FindingOf<"wrong-result", WrongResult>
    | FindingOf<"query-error", QueryError>
    | FindingOf<"blind-monitor", MonitorSight>
    | FindingOf<IntegrityKind, IntegrityFinding>
    | LedgerFinding
  )
  & { knownBug?: string | null };

/** What findings are drawn from: the summary's parts (not the summary, so no cycle). */
export interface FindingSource {
  stopReason: StopReason;
  stopDetail: string | null;
  durationSec: number;
  crash: CrashInfo | null;
  slowest: SlowOp[];
  serverWarnings: Record<string, WarningStats>;
  /** Operations that took longer than this are findings. */
  slowOpSec: number;
  /** The ledger, when ledger operations ran (absent in older summaries). */
  ledger?: LedgerOutcome | null;
  /** What generated queries found; absent in older summaries. */
  oracles?: OracleTally;
  /** How well the monitor saw hyperd; null or absent when it was off. */
  sight?: MonitorSight | null;
  /** The integrity check's findings (absent in older summaries). */
  integrity?: { findings?: readonly IntegrityFinding[] };
}

/**
 * A spell without a fresh resource sample this long is a finding: backpressure could not act
 * for that long. Shorter spells are in the summary's figures only.
 */
export const BLIND_FINDING_SEC = 10;

/** Statements longer than this are cut in a description. */
const BRIEF_SQL_CHARS = 48;

/** The findings of a run: the crash, the stall, slow operations (slowest first), starvation. */
export function findingsOf(source: FindingSource): Finding[] {
  const findings: Finding[] = [];
  const { crash } = source;
  if (crash) {
    findings.push({
      kind: "crash",
      description: `hyperd crashed at ${formatSeconds(crash.atSec)}: ` +
        (crash.cause
          ? describeCause(crash.cause)
          : `exit ${crash.exitCode}${crash.signal ? ` (${crash.signal})` : ""}`),
      evidence: { exitCode: crash.exitCode, signal: crash.signal, cause: crash.cause },
      atSec: crash.atSec,
      signature: crashSignature(crash.cause, crash),
    });
  }
  // Wrong data outranks slowness: the ledger's findings come right after a crash.
  findings.push(...ledgerFindings(source.ledger, source.durationSec));
  const stalled = source.slowest.filter((op) => op.outcome === "stalled");
  if (source.stopReason === "Stalled") findings.push(stallFinding(source, stalled));
  // A stalled operation is the stall's evidence, not a finding of its own.
  for (const op of source.slowest) {
    if (op.outcome === "stalled" || op.durationMs <= source.slowOpSec * 1000) continue;
    findings.push({
      kind: "slow-operation",
      description:
        `${
          op.outcome === "failed" ? "a failed" : op.outcome === "aborted" ? "an aborted" : "an"
        } operation took ` +
        `${formatSeconds(op.durationMs / 1000)} (${opLabel(op)})`,
      evidence: op,
      atSec: op.startedAtSec,
      signature: opSignature("slow-operation", op),
    });
  }
  for (const [kind, stats] of Object.entries(source.serverWarnings)) {
    const row = Object.hasOwn(WARNING_KINDS, kind) ? WARNING_KINDS[kind] : undefined;
    if (!row?.starvation) continue;
    const about = [stats.example.detail, stats.count > 1 ? plural(stats.count, "time") : ""]
      .filter(Boolean).join(", ");
    findings.push({
      kind: "starvation",
      description: `hyperd reported ${row.label} at ${formatSeconds(stats.firstAtSec)}` +
        (about ? ` (${about})` : ""),
      evidence: { ...stats.example, count: stats.count },
      atSec: stats.firstAtSec,
      signature: warningSignature("starvation", kind),
    });
  }
  for (const wrong of source.oracles?.wrongResults ?? []) {
    findings.push({
      kind: "wrong-result",
      description: `${wrong.oracle} gave two answers at ${formatSeconds(wrong.atSec)}: ` +
        `${wrong.whole ?? "NULL"} and ${wrong.parts ?? "NULL"} ` +
        `(user ${wrong.user}, seq ${wrong.seq}, seed ${wrong.seed})`,
      evidence: wrong,
      atSec: wrong.atSec,
      // The shrunk statement's shape, constants masked: one line per bug across seeds.
      signature: signatureOf([
        "wrong-result",
        wrong.oracle,
        queryShape(wrong.shrunk?.query ?? wrong.query),
      ]),
    });
  }
  for (const error of source.oracles?.internalErrors ?? []) {
    findings.push({
      kind: "query-error",
      description: `a generated query failed with ${error.sqlState} at ` +
        `${formatSeconds(error.atSec)}: ${error.message} (user ${error.user}, seq ${error.seq})`,
      evidence: error,
      atSec: error.atSec,
      signature: signatureOf(["query-error", error.sqlState, normaliseText(error.message)]),
    });
  }
  const { sight } = source;
  if (sight && sight.longestBlindSec >= BLIND_FINDING_SEC) {
    findings.push({
      kind: "blind-monitor",
      description: `the monitor was blind for ${formatSeconds(sight.longestBlindSec)} ` +
        `(no resource sample from hyperd's log for longer than ` +
        `${formatSeconds(sight.staleAfterSec)}; ${formatSeconds(sight.blindSec)} in ` +
        `${plural(sight.blindSpells, "spell")}): backpressure could not act meanwhile`,
      evidence: sight,
      atSec: source.durationSec,
      signature: signatureOf(["blind-monitor"]),
    });
  }
  for (const finding of source.integrity?.findings ?? []) {
    findings.push({
      kind: finding.kind,
      description: describeIntegrity(finding),
      evidence: finding,
      atSec: source.durationSec,
      signature: integritySignature(finding),
    });
  }
  return markKnownBugs(findings);
}

/** The stall, with what was in flight; its signature names the longest-waiting operation. */
function stallFinding(source: FindingSource, inFlight: SlowOp[]): Finding {
  const oldest = inFlight.reduce<SlowOp | undefined>(
    (a, b) => (a && a.durationMs >= b.durationMs ? a : b),
    undefined,
  );
  const waiting = oldest
    ? `; ${plural(inFlight.length, "operation")} in flight, the longest ` +
      `${formatSeconds(oldest.durationMs / 1000)} (${opLabel(oldest)})`
    : "";
  return {
    kind: "stall",
    description: `hyperd stalled: ${source.stopDetail ?? "no operation completed"}${waiting}`,
    evidence: { detail: source.stopDetail, inFlight },
    atSec: source.durationSec,
    signature: oldest ? opSignature("stall", oldest) : signatureOf(["stall"]),
  };
}

/** `COPY "t1_medium" …, user 3, seq 120`. */
export function opLabel(op: Pick<SlowOp, "sql" | "user" | "seq">): string {
  return `${briefSql(op.sql)}, user ${op.user}, seq ${op.seq}`;
}

/** A statement short enough for one line: a COPY by its table, others cut at a word. */
export function briefSql(sql: string): string {
  const copy = /^COPY\s+("(?:[^"]|"")*"|\S+)/i.exec(sql);
  if (copy) return `COPY ${copy[1]} …`;
  const flat = sql.replace(/\s+/g, " ").trim();
  if (flat.length <= BRIEF_SQL_CHARS) return flat;
  const cut = flat.slice(0, BRIEF_SQL_CHARS);
  const space = cut.lastIndexOf(" ");
  return `${space > BRIEF_SQL_CHARS / 2 ? cut.slice(0, space) : cut} …`;
}
