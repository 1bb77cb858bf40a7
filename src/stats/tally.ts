/**
 * What a run measured after its warm-up, per kind of operation: counts and latency histograms.
 * One run's stats keep one; a merge adds up its segments' (decoded from their summaries). Both
 * turn it into the summary's figures with `tallyFigures`, so a merged run's percentiles, service
 * times and totals come from the same code as one run's. Pure.
 */
import { OP_KINDS, type OpKind } from "../workload/op_table.ts";
import { Latency, type LatencySummary, SPECTRUM_PERCENTILES } from "./latency.ts";

/** Latency at SPECTRUM_PERCENTILES over the whole run, in ms: all operations and each kind. */
export interface LatencySpectrum {
  percentiles: number[];
  /** Empty when no operation completed. */
  allMs: number[];
  /** Only the kinds that ran. */
  byOpMs: Partial<Record<OpKind, number[]>>;
}

/** HDR histograms of latency in µs, base64 as hdr-histogram-js encodes them (Latency.encode). */
export interface LatencyHistograms {
  overall: string;
  byOp: Record<OpKind, string>;
  /**
   * Open model: the service time (from the send) of each kind that had one apart from its
   * response time. Absent in the closed model and in older summaries.
   */
  serviceByOp?: Partial<Record<OpKind, string>>;
}

/** Per operation kind, over the whole run. */
export interface OpTotals {
  count: number;
  failures: number;
  /** Expected aborts (40001 conflicts), in `count` and not in `failures`; absent in older ones. */
  aborted?: number;
  rows: number;
  latencyMs: LatencySummary;
  /** From the send; equal to `latencyMs` in the closed model. Absent in older summaries. */
  serviceTimeMs?: LatencySummary;
}

/** One kind's operations: counts, response time, and the service time where it differs. */
export interface KindTally {
  count: number;
  failures: number;
  /** Expected aborts (40001 conflicts), counted in `count`. */
  aborted: number;
  rows: number;
  latency: Latency;
  /** From the send; null in the closed model, where it is the latency. */
  service: Latency | null;
}

/** Every kind's tally. */
export type OpTally = Record<OpKind, KindTally>;

/** A tally of nothing. */
export function emptyTally(): OpTally {
  return Object.fromEntries(OP_KINDS.map((kind) => [kind, {
    count: 0,
    failures: 0,
    aborted: 0,
    rows: 0,
    latency: new Latency(),
    service: null,
  }])) as OpTally;
}

/** Adds `from` into `into`: counts summed, histograms merged (exact percentiles). */
export function addTally(into: OpTally, from: OpTally): void {
  for (const kind of OP_KINDS) {
    const a = into[kind];
    const b = from[kind];
    a.count += b.count;
    a.failures += b.failures;
    a.aborted += b.aborted;
    a.rows += b.rows;
    a.latency.add(b.latency);
    if (b.service) (a.service ??= new Latency()).add(b.service);
  }
}

/** The summary's figures of a tally: per-kind totals, response and service time, spectrum. */
export function tallyFigures(tally: OpTally): {
  byOp: Record<OpKind, OpTotals>;
  latencyMs: LatencySummary;
  serviceTimeMs: LatencySummary;
  spectrum: LatencySpectrum;
} {
  const overall = new Latency();
  const service = new Latency();
  const byOpMs: LatencySpectrum["byOpMs"] = {};
  const byOp = Object.fromEntries(OP_KINDS.map((kind) => {
    const t = tally[kind];
    overall.add(t.latency);
    // Closed model: nothing queued, so the service time is the latency.
    service.add(t.service ?? t.latency);
    if (t.latency.count > 0) byOpMs[kind] = t.latency.spectrum();
    const latencyMs = t.latency.summary();
    return [kind, {
      count: t.count,
      failures: t.failures,
      aborted: t.aborted,
      rows: t.rows,
      latencyMs,
      serviceTimeMs: t.service?.summary() ?? latencyMs,
    }];
  })) as Record<OpKind, OpTotals>;
  const spectrum = {
    percentiles: [...SPECTRUM_PERCENTILES],
    allMs: overall.spectrum(),
    byOpMs,
  };
  return { byOp, latencyMs: overall.summary(), serviceTimeMs: service.summary(), spectrum };
}

/** A tally's histograms, encoded for summary.json: all operations, each kind, service times. */
export function tallyHistograms(tally: OpTally): LatencyHistograms {
  const overall = new Latency();
  const serviceByOp: Partial<Record<OpKind, string>> = {};
  const byOp = Object.fromEntries(OP_KINDS.map((kind) => {
    const { latency, service } = tally[kind];
    overall.add(latency);
    if (service) serviceByOp[kind] = service.encode();
    return [kind, latency.encode()];
  })) as Record<OpKind, string>;
  return {
    overall: overall.encode(),
    byOp,
    ...(Object.keys(serviceByOp).length > 0 ? { serviceByOp } : {}),
  };
}

/**
 * The tally a summary's per-kind totals and histograms were made of, with the exact extremes its
 * figures state (the slowest of each kind, and the fastest from its spectrum).
 */
export function tallyOf(
  byOp: Record<OpKind, OpTotals>,
  histograms: LatencyHistograms,
  spectrum?: LatencySpectrum,
): OpTally {
  return Object.fromEntries(OP_KINDS.map((kind) => {
    // A summary written before a kind existed has neither its totals nor its histogram.
    const totals: Partial<OpTotals> = byOp[kind] ?? {};
    const service = histograms.serviceByOp?.[kind];
    return [kind, {
      count: totals.count ?? 0,
      failures: totals.failures ?? 0,
      aborted: totals.aborted ?? 0,
      rows: totals.rows ?? 0,
      latency: new Latency(histograms.byOp[kind] || undefined, {
        minMs: spectrum?.byOpMs[kind]?.[0],
        maxMs: totals.latencyMs?.max,
      }),
      service: service ? new Latency(service, { maxMs: totals.serviceTimeMs?.max }) : null,
    }];
  })) as OpTally;
}
