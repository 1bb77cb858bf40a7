/**
 * One run's result from its segments' summaries (`merge`): counts summed, latency histograms
 * merged (so percentiles are exact, never averaged), series aligned on wall-clock time, hyperd's
 * figures taken from the segment whose monitor read its log, thresholds and the exit code
 * decided on the merged figures. Pure: counting the tables is the caller's.
 */
import type { Threshold } from "../config/thresholds.ts";
import type { Integrity } from "../run/integrity.ts";
import { EXIT, exitCodeOf, gravestCode, gravestStopReason } from "../verdict_policy.ts";
import { SLOWEST_KEPT } from "../stats/op_records.ts";
import { MAX_ERRORS } from "../stats/run_stats.ts";
import { addTally, emptyTally, tallyFigures, tallyHistograms, tallyOf } from "../stats/tally.ts";
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
import { readOnlyPhase } from "./read_only.ts";
import { type MergedSegment, runTotals, type Summary } from "./summary.ts";
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

/** The acknowledged inserts per `database/table` of every segment, and the in-doubt ones. */
export function writesTotal(
  inputs: readonly SegmentInput[],
): Pick<Summary, "writes" | "inDoubtWrites"> {
  const writes: Required<Summary>["writes"] = {};
  for (const { summary } of inputs) {
    for (const [key, list] of Object.entries(summary.writes ?? {})) {
      (writes[key] ??= []).push(...list);
    }
  }
  return { writes, inDoubtWrites: inputs.flatMap((i) => i.summary.inDoubtWrites ?? []) };
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

  // The segments' tallies added up, then the figures one run's summary has, by the same code.
  const tally = emptyTally();
  for (const s of summaries) addTally(tally, tallyOf(s.byOp, s.histograms!, s.latencySpectrum));
  const figures = tallyFigures(tally);
  const load = mergeLoad(summaries, offsets);
  const totals = runTotals(figures.byOp, durationSec, load.warmup);
  // The segments share one disk: a second is read-only when any segment's writes were.
  const watch = mergeBySecond(shifted((s) => s.watch ?? []), (atSec, points) => ({
    ...points[0],
    atSec,
    diskMb: Math.max(...points.map((p) => p.diskMb)),
    clientCpuPercent: Math.max(...points.map((p) => p.clientCpuPercent)),
    clientSaturated: points.some((p) => p.clientSaturated),
    readOnly: points.some((p) => p.readOnly),
  }));

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
    totals,
    latencyMs: figures.latencyMs,
    serviceTimeMs: figures.serviceTimeMs,
    ...load,
    latencySpectrum: figures.spectrum,
    byOp: figures.byOp,
    peak: monitored.peak,
    memory: monitored.memory,
    // The segments measure the same database files: the largest figure is the run's.
    disk: {
      usedMb: Math.max(...summaries.map((s) => s.disk.usedMb)),
      budgetMb: first.disk.budgetMb,
      writesRedirected: sum((s) => s.disk.writesRedirected),
      readOnlySec: Math.max(...summaries.map((s) => s.disk.readOnlySec ?? 0)),
    },
    // As one run's: from the merged watch, the warm-up and the merged inserted rows.
    readOnly: readOnlyPhase(watch, durationSec, load.warmup?.sec ?? 0, totals.insertedRows),
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
    watch,
    thresholds: [],
    server: first.server && {
      ...first.server,
      log: monitored.server?.log ?? null,
      monitorOff: monitored.server?.log ? null : "no segment read hyperd's log (--hyperd-log)",
    },
    segment: null,
    histograms: tallyHistograms(tally),
    acknowledged: acknowledgedTotal(segments),
    ...writesTotal(segments),
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

/**
 * The segments' load as one run's: the model, the warm-ups' operations added up, and the open
 * model's arrivals. Each segment schedules arrivals at the full --arrival-rate into a queue of
 * its own, so rates, queue limits and counts add up; the longest queue is the longest any had.
 */
function mergeLoad(
  summaries: readonly Summary[],
  offsets: readonly number[],
): Pick<Summary, "model" | "arrivals" | "warmup"> {
  const warmups = summaries.flatMap((s) => s.warmup ? [s.warmup] : []);
  const warmup = warmups.length === 0 ? null : {
    sec: Math.max(...warmups.map((w) => w.sec)),
    ops: warmups.reduce((n, w) => n + w.ops, 0),
    failures: warmups.reduce((n, w) => n + w.failures, 0),
  };
  const reports = summaries.flatMap((s, i) => s.arrivals ? [{ ...s.arrivals, i }] : []);
  if (reports.length === 0) return { model: summaries[0].model, arrivals: null, warmup };
  const total = (get: (r: NonNullable<Summary["arrivals"]>) => number) =>
    reports.reduce((n, r) => n + get(r), 0);
  const starts = reports.flatMap((r) =>
    r.startedAtSec === null ? [] : [shiftSec(r.startedAtSec, offsets[r.i])]
  );
  return {
    model: "open",
    arrivals: {
      process: reports[0].process,
      ratePerSec: total((r) => r.ratePerSec),
      queueLimit: total((r) => r.queueLimit),
      arrivals: total((r) => r.arrivals),
      dropped: total((r) => r.dropped),
      maxQueue: Math.max(...reports.map((r) => r.maxQueue)),
      unserved: total((r) => r.unserved),
      startedAtSec: starts.length > 0 ? Math.min(...starts) : null,
    },
    warmup,
  };
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
