/**
 * The per-second metrics stream (`--out jsonl=FILE`, `--out csv=FILE`): each file is opened before
 * the run and gets one line as each second of the run completes, written straight through so
 * that `tail -f` sees it; nothing is held for the end. A write that fails stops that file, not
 * the run.
 */
import { type MetricsOut, parseMetricsOut } from "../config/metrics_out.ts";
import { ConfigError } from "../errors.ts";
import type { LiveView } from "../run/stress.ts";
import { writeErrorReason } from "./artifacts.ts";
import { csvHeader, csvLine, jsonLine, type MetricsRow, metricsRow } from "./metrics_row.ts";

/**
 * A second is written this long after it ends: ticks that arrived just before the watch looked
 * may not have been counted yet.
 */
const SETTLE_SEC = 0.5;

/** One open file of the stream. */
interface Sink {
  out: MetricsOut;
  file: Deno.FsFile;
  /** The writes so far, in order; FsFile.writable would hold them back until it is closed. */
  written: Promise<void>;
  line: (row: MetricsRow) => string;
  /** Why writing stopped; null while it goes on. */
  error: string | null;
  lines: number;
}

/** Writes all of `bytes`: a write may take only part of them. */
async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
}

/** Every `--out` file of a run. */
export class MetricsStream {
  readonly #sinks: Sink[];
  readonly #encoder = new TextEncoder();
  /** The last second written (seconds count from 1). */
  #writtenSec = 0;
  #last: LiveView | null = null;

  private constructor(sinks: Sink[]) {
    this.#sinks = sinks;
  }

  /** Opens (and truncates) each file named by `specs` (`jsonl=FILE`, validated already). */
  static async open(specs: readonly string[]): Promise<MetricsStream> {
    const sinks: Sink[] = [];
    try {
      for (const spec of specs) {
        const out = parseMetricsOut(spec);
        if (typeof out === "string") throw new ConfigError(`--out ${JSON.stringify(spec)}: ${out}`);
        const file = await Deno.open(out.path, { write: true, create: true, truncate: true });
        sinks.push({
          out,
          file,
          written: Promise.resolve(),
          line: out.format === "csv" ? csvLine : jsonLine,
          error: null,
          lines: 0,
        });
        if (out.format === "csv") await writeAll(file, new TextEncoder().encode(csvHeader()));
      }
    } catch (error) {
      for (const sink of sinks) sink.file.close();
      if (error instanceof Deno.errors.NotCapable || error instanceof ConfigError) throw error;
      throw new ConfigError(
        `--out: could not open the metrics stream's file: ${writeErrorReason(error)}; name a ` +
          "file in an existing directory you can write to",
        { cause: error },
      );
    }
    return new MetricsStream(sinks);
  }

  /** Writes every second that has ended since the last call; for the watch's onSecond. */
  onSecond(view: LiveView): void {
    this.#last = view;
    this.#writeThrough(Math.floor(view.elapsedSec - SETTLE_SEC));
  }

  /** Resolves once every line handed to the files so far is written. */
  async flushed(): Promise<void> {
    await Promise.all(this.#sinks.map((sink) => sink.written.catch(() => {})));
  }

  /** Writes the seconds up to `endSec` not written yet, then closes every file. */
  async close(
    endSec?: number,
  ): Promise<{ out: MetricsOut; lines: number; error: string | null }[]> {
    if (endSec !== undefined) this.#writeThrough(Math.floor(endSec));
    await Promise.all(this.#sinks.map(async (sink) => {
      await sink.written;
      try {
        sink.file.close();
      } catch (error) {
        sink.error ??= writeErrorReason(error);
      }
    }));
    return this.#sinks.map(({ out, lines, error }) => ({ out, lines, error }));
  }

  #writeThrough(lastSec: number): void {
    const view = this.#last;
    if (!view) return;
    for (; this.#writtenSec < lastSec; this.#writtenSec++) {
      const row = metricsRow({
        point: view.stats.second(this.#writtenSec + 1),
        diskBytes: view.diskBytes,
        clientCpuPercent: view.clientCpuPercent,
        backpressure: view.flags.backpressure,
        sample: view.monitor.latest(),
        nowMs: Date.now(),
      });
      for (const sink of this.#sinks) this.#write(sink, row);
    }
  }

  #write(sink: Sink, row: MetricsRow): void {
    if (sink.error !== null) return;
    sink.lines++;
    const bytes = this.#encoder.encode(sink.line(row));
    // One after the other; a failure is kept and ends this file's writing.
    sink.written = sink.written
      .then(() => sink.error === null ? writeAll(sink.file, bytes) : undefined)
      .catch((error) => {
        sink.error ??= writeErrorReason(error);
      });
  }
}
