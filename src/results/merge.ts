/**
 * One run's result from its segments' summaries (`merge`): counts summed, latency histograms
 * merged (so percentiles are exact, never averaged), series aligned on wall-clock time, hyperd's
 * figures taken from the segment whose monitor read its log, thresholds and the exit code
 * decided on the merged figures. Pure: counting the tables is the caller's.
 */
import type { Threshold } from "../config/thresholds.ts";
import type { Integrity } from "../run/integrity.ts";
import { EXIT, exitCodeOf, gravestCode, gravestStopReason } from "../verdict_policy.ts";
import { Latency, SPECTRUM_PERCENTILES } from "../stats/latency.ts";
import { SLOWEST_KEPT } from "../stats/op_stats.ts";
import { type LatencyHistograms, MAX_ERRORS, type OpTotals } from "../stats/run_stats.ts";
import { OP_KINDS, type OpKind } from "../workload/op_table.ts";
import { VERSION } from "../version.ts";
import type { MessageGroup } from "./error_groups.ts";
import { findingsOf } from "./findings.ts";
import type { SegmentInput } from "./merge_check.ts";
import {
  mergeBySecond,
  mergeTimelines,
  offsetSec,
  type Shifted,
  shiftSec,
} from "./merge_timeline.ts";
import { type MergedSegment, perSecond, type Summary } from "./summary.ts";
import { evaluateThresholds, metricValues } from "./thresholds.ts";

/** What the merge decides beyond the segments' summaries. */
export interface MergeOptions {
  /** Where the merged files go. */
  outputDir: string;
  /** The tables counted once for the whole run, or why they were not. */
  integrity: Integrity;
  /** Checked on the merged figures. */
  thresholds: Threshold[];
  /** The merged JUnit file, if asked for. */
  junit: string | undefined;
  failOnFindings: boolean;
}

/** Rows acknowledged per `database/table`, summed over the segments. */
export function acknowledgedTotal(inputs: readonly SegmentInput[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const { summary } of inputs) {
    for (const [key, rows] of Object.entries(summary.acknowledged ?? {})) {
      total[key] = (total[key] ?? 0) + rows;
    }
  }
  return total;
}

/** The histograms of every segment added up. */
export function mergeHistograms(all: readonly LatencyHistograms[]): {
  overall: Latency;
  byOp: Record<OpKind, Latency>;
} {
  const overall = new Latency();
  const byOp = Object.fromEntries(OP_KINDS.map((k) => [k, new Latency()])) as Record<
    OpKind,
    Latency
  >;
  for (const histograms of all) {
    overall.add(new Latency(histograms.overall));
    // A summary written before a kind existed has no histogram of it.
    for (const kind of OP_KINDS) {
      if (histograms.byOp[kind]) byOp[kind].add(new Latency(histograms.byOp[kind]));
    }
  }
  return { overall, byOp };
}

/** The merged summary of `inputs`, which mergeProblems() has found to be one run's segments. */
export function mergeSummaries(inputs: readonly SegmentInput[], options: MergeOptions): Summary {
  const segments = [...inputs].sort((a, b) => a.summary.segment!.index - b.summary.segment!.index);
  const summaries = segments.map((s) => s.summary);
  const first = summaries[0];
  const baseMs = Math.min(...summaries.map((s) => Date.parse(s.startedAt)));
  const offsets = summaries.map((s) => offsetSec(s.startedAt, baseMs));
  const shifted = <T>(points: (s: Summary) => readonly T[]): Shifted<T>[] =>
    summaries.map((s, i) => ({ offsetSec: offsets[i], points: points(s) }));
  const durationSec = Math.max(...summaries.map((s, i) => offsets[i] + s.durationSec));
  const sum = (get: (s: Summary) => number) => summaries.reduce((n, s) => n + get(s), 0);

  const histograms = mergeHistograms(summaries.map((s) => s.histograms!));
  const byOp = Object.fromEntries(OP_KINDS.map((kind) => [kind, {
    count: sum((s) => s.byOp[kind]?.count ?? 0),
    failures: sum((s) => s.byOp[kind]?.failures ?? 0),
    aborted: sum((s) => s.byOp[kind]?.aborted ?? 0),
    rows: sum((s) => s.byOp[kind]?.rows ?? 0),
    latencyMs: histograms.byOp[kind].summary(),
  }])) as Record<OpKind, OpTotals>;
  const ops = OP_KINDS.reduce((n, k) => n + byOp[k].count, 0);
  const failures = OP_KINDS.reduce((n, k) => n + byOp[k].failures, 0);
  const insertedRows = byOp.BulkInsert.rows + byOp.SingleInsert.rows;

  // hyperd's own figures come from the (first) segment whose monitor read its log.
  const monitorAt = Math.max(0, summaries.findIndex((s) => s.server?.log));
  const monitored = summaries[monitorAt];
  const monitorOffset = offsets[monitorAt];
  // The gravest stop reason any segment had speaks for the run.
  const reason = gravestStopReason(summaries.map((s) => s.stopReason));

  const merged: Summary = {
    // Fields merged nowhere below are the first segment's.
    ...first,
    hyperstress: { version: VERSION, deno: Deno.version.deno },
    commandLine: null,
    outputDir: options.outputDir,
    config: {
      ...first.config,
      segment: undefined,
      outputDir: options.outputDir,
      thresholds: options.thresholds,
      junit: options.junit,
      failOnFindings: options.failOnFindings,
    },
    startedAt: new Date(baseMs).toISOString(),
    durationSec: Math.round(durationSec * 1000) / 1000,
    stopReason: reason,
    stopDetail: summaries.filter((s) => s.stopDetail)
      .map((s) => `segment ${s.segment!.index}: ${s.stopDetail}`).join("; ") || null,
    exitCode: EXIT.ok,
    totals: {
      ops,
      failures,
      insertedRows,
      opsPerSec: perSecond(ops, durationSec),
      insertRowsPerSec: perSecond(insertedRows, durationSec),
    },
    latencyMs: histograms.overall.summary(),
    latencySpectrum: {
      percentiles: [...SPECTRUM_PERCENTILES],
      allMs: histograms.overall.spectrum(),
      byOpMs: Object.fromEntries(
        OP_KINDS.filter((k) => byOp[k].count > 0).map((k) => [k, histograms.byOp[k].spectrum()]),
      ),
    },
    byOp,
    peak: monitored.peak,
    memory: monitored.memory,
    // The segments measure the same database files: the largest figure is the run's.
    disk: {
      usedMb: Math.max(...summaries.map((s) => s.disk.usedMb)),
      budgetMb: first.disk.budgetMb,
      writesRedirected: sum((s) => s.disk.writesRedirected),
      readOnlySec: Math.max(...summaries.map((s) => s.disk.readOnlySec ?? 0)),
    },
    backpressure: monitored.backpressure,
    sight: monitored.sight,
    errors: summaries.flatMap((s, i) =>
      s.errors.map((e) => ({ ...e, atSec: shiftSec(e.atSec, offsets[i]) }))
    )
      .sort((a, b) => a.atSec - b.atSec).slice(0, MAX_ERRORS),
    errorCount: sum((s) => s.errorCount),
    errorGroups: mergeErrorGroups(shifted((s) => s.errorGroups ?? [])),
    serverErrors: monitored.serverErrors,
    serverWarnings: Object.fromEntries(
      Object.entries(monitored.serverWarnings).map(([kind, w]) => [kind, {
        ...w,
        firstAtSec: shiftSec(w.firstAtSec, monitorOffset),
        lastAtSec: shiftSec(w.lastAtSec, monitorOffset),
        example: { ...w.example, atSec: shiftSec(w.example.atSec, monitorOffset) },
      }]),
    ),
    slowest: summaries.flatMap((s, i) =>
      s.slowest.map((op) => ({ ...op, startedAtSec: shiftSec(op.startedAtSec, offsets[i]) }))
    ).sort((a, b) => b.durationMs - a.durationMs).slice(0, SLOWEST_KEPT),
    findings: [],
    crash: firstShifted(summaries, offsets, (s) => s.crash, (c, o) => ({
      ...c,
      atSec: shiftSec(c.atSec, o),
    })),
    stall: summaries.some((s) => s.stall)
      ? {
        inFlight: summaries.flatMap((s, i) =>
          (s.stall?.inFlight ?? []).map((op) => ({
            ...op,
            startedAtSec: shiftSec(op.startedAtSec, offsets[i]),
          }))
        ),
      }
      : null,
    // Each segment keeps its own timing history beside its summary.
    schedule: null,
    integrity: options.integrity,
    transport: {
      grpcReads: sum((s) => s.transport.grpcReads),
      libpqReads: sum((s) => s.transport.libpqReads),
    },
    users: summaries.flatMap((s) => s.users).sort((a, b) => a.id - b.id),
    workers: sum((s) => s.workers),
    client: {
      cpuSec: Math.round(sum((s) => s.client.cpuSec) * 10) / 10,
      // Each segment on its own machine: the busiest one says whether the tool kept up.
      cpuPercentOfCores: Math.max(...summaries.map((s) => s.client.cpuPercentOfCores)),
      saturated: summaries.some((s) => s.client.saturated),
    },
    timeline: mergeTimelines(shifted((s) => s.timeline)),
    resources: monitored.resources.map((r) => ({ ...r, atSec: shiftSec(r.atSec, monitorOffset) })),
    watch: mergeBySecond(shifted((s) => s.watch ?? []), (atSec, points) => ({
      ...points[0],
      atSec,
      diskMb: Math.max(...points.map((p) => p.diskMb)),
      clientCpuPercent: Math.max(...points.map((p) => p.clientCpuPercent)),
      clientSaturated: points.some((p) => p.clientSaturated),
    })),
    thresholds: [],
    server: first.server && {
      ...first.server,
      log: monitored.server?.log ?? null,
      monitorOff: monitored.server?.log ? null : "no segment read hyperd's log (--hyperd-log)",
    },
    segment: null,
    histograms: {
      overall: histograms.overall.encode(),
      byOp: Object.fromEntries(OP_KINDS.map((k) => [k, histograms.byOp[k].encode()])) as Record<
        OpKind,
        string
      >,
    },
    acknowledged: acknowledgedTotal(segments),
    merged: segments.map(({ dir, summary: s }): MergedSegment => ({
      index: s.segment!.index,
      dir,
      startedAt: s.startedAt,
      durationSec: s.durationSec,
      stopReason: s.stopReason,
      exitCode: s.exitCode,
      ops: s.totals.ops,
    })),
  };
  merged.thresholds = evaluateThresholds(options.thresholds, metricValues(merged));
  merged.findings = findingsOf({ ...merged, slowOpSec: merged.config.slowOpSec });
  // hyperstress's own failure in a segment (internal, or usage for a permission) counts too.
  merged.exitCode = gravestCode([
    exitCodeOf(merged, options.failOnFindings),
    ...summaries.filter((s) => s.stopReason === "WorkerFailed").map((s) => s.exitCode),
  ]);
  return merged;
}

/** The first segment's non-null value of `get`, moved to the merged clock. */
function firstShifted<T>(
  summaries: readonly Summary[],
  offsets: readonly number[],
  get: (s: Summary) => T | null,
  shift: (value: T, offset: number) => T,
): T | null {
  const i = summaries.findIndex((s) => get(s) !== null);
  return i < 0 ? null : shift(get(summaries[i])!, offsets[i]);
}

/** Failure groups with the same message summed; most frequent first. */
function mergeErrorGroups(series: readonly Shifted<MessageGroup>[]): MessageGroup[] {
  const byMessage = new Map<string, MessageGroup>();
  for (const { offsetSec: offset, points } of series) {
    for (const g of points) {
      const at = {
        firstAtSec: shiftSec(g.firstAtSec, offset),
        lastAtSec: shiftSec(g.lastAtSec, offset),
      };
      const into = byMessage.get(g.message);
      if (!into) {
        byMessage.set(g.message, { ...g, kinds: [...g.kinds], ...at });
        continue;
      }
      into.count += g.count;
      for (const kind of g.kinds) if (!into.kinds.includes(kind)) into.kinds.push(kind);
      into.firstAtSec = Math.min(into.firstAtSec, at.firstAtSec);
      into.lastAtSec = Math.max(into.lastAtSec, at.lastAtSec);
    }
  }
  return [...byMessage.values()].sort((a, b) => b.count - a.count || a.firstAtSec - b.firstAtSec);
}
