/** Latency histograms (HdrHistogram, 3 significant digits; 2 per second), mergeable across workers. */
import * as hdr from "hdr-histogram-js";

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

const HIGHEST_US = 3_600_000_000; // one hour

/**
 * The percentiles of a latency spectrum: ten points from the fastest to the slowest, dense in the
 * tail where regressions show. Ten values per kind keep summary.json small whatever the run.
 */
export const SPECTRUM_PERCENTILES = [0, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100] as const;

/** The exact smallest and largest latency, in ms, where a summary states them. */
export interface LatencyExtremes {
  minMs?: number;
  maxMs?: number;
}

/** A latency histogram recorded in microseconds. */
export class Latency {
  readonly #histogram: hdr.Histogram;
  /**
   * The exact smallest and largest values in µs (Infinity and 0 while empty), or null where only
   * the buckets know: HdrHistogram's encoded form keeps the buckets, not the extremes, so a
   * histogram read back from summary.json knows them only when the summary's figures are given.
   */
  #minUs: number | null = Infinity;
  #maxUs: number | null = 0;

  /**
   * An empty histogram, or one decoded from `encoded` (a run's, for merging runs) with the exact
   * extremes the run's summary stated, where it did.
   */
  constructor(encoded?: string, extremes: LatencyExtremes = {}) {
    this.#histogram = encoded ? hdr.decodeFromCompressedBase64(encoded, 32, false) : hdr.build({
      bitBucketSize: 32,
      lowestDiscernibleValue: 1,
      highestTrackableValue: HIGHEST_US,
      numberOfSignificantValueDigits: 3,
      useWebAssembly: false,
    });
    if (this.#histogram.totalCount > 0) {
      this.#minUs = extremes.minMs === undefined ? null : Math.round(extremes.minMs * 1000);
      this.#maxUs = extremes.maxMs === undefined ? null : Math.round(extremes.maxMs * 1000);
    }
  }

  /** Records one latency in milliseconds. */
  record(ms: number): void {
    const us = Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000)));
    this.#histogram.recordValue(us);
    if (this.#minUs !== null) this.#minUs = Math.min(this.#minUs, us);
    if (this.#maxUs !== null) this.#maxUs = Math.max(this.#maxUs, us);
  }

  /** Records each latency of `ms`, in milliseconds. */
  recordAll(ms: readonly number[]): void {
    for (const value of ms) this.record(value);
  }

  /** Number of recorded latencies. */
  get count(): number {
    return this.#histogram.totalCount;
  }

  /** Adds every value of `other`. */
  add(other: Latency): void {
    if (other.count === 0) return;
    this.#histogram.add(other.#histogram);
    const [min, max] = [other.#minUs, other.#maxUs];
    this.#minUs = this.#minUs === null || min === null ? null : Math.min(this.#minUs, min);
    this.#maxUs = this.#maxUs === null || max === null ? null : Math.max(this.#maxUs, max);
  }

  /** Forgets every value. */
  reset(): void {
    this.#histogram.reset();
    this.#minUs = Infinity;
    this.#maxUs = 0;
  }

  /** The smallest value in µs: exact where known, else the bottom of its bucket. */
  #min(): number {
    return this.#minUs ?? this.#histogram.minNonZeroValue;
  }

  /** The largest value in µs: exact where known, else the top of its bucket. */
  #max(): number {
    return this.#maxUs ?? this.#histogram.maxValue;
  }

  /** Compressed form, for summary.json: runs merge exactly from it. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.#histogram);
  }

  /** Latency in ms at each of SPECTRUM_PERCENTILES, rounded to µs; empty when nothing was recorded. */
  spectrum(): number[] {
    const h = this.#histogram;
    if (h.totalCount === 0) return [];
    return SPECTRUM_PERCENTILES.map((p) => {
      // The 0th percentile is the histogram's lowest bucket, not its smallest value.
      const us = p === 0 ? this.#min() : p === 100 ? this.#max() : this.#percentile(p);
      return Math.round(us) / 1000;
    });
  }

  /**
   * The value at percentile `p` in µs. HdrHistogram answers with the top of the value's bucket,
   * which can lie above the largest value recorded: never more than that.
   */
  #percentile(p: number): number {
    return Math.min(this.#histogram.getValueAtPercentile(p), this.#max());
  }

  /** Percentiles in ms, rounded to µs; zeros when nothing was recorded. */
  summary(): LatencySummary {
    const h = this.#histogram;
    const ms = (us: number) => Math.round(us) / 1000;
    if (h.totalCount === 0) return { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
    return {
      p50: ms(this.#percentile(50)),
      p95: ms(this.#percentile(95)),
      p99: ms(this.#percentile(99)),
      max: ms(this.#max()),
      mean: ms(h.mean),
    };
  }
}
