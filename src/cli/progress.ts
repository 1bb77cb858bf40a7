/** Progress lines on stderr while a run goes on: one line per interval, `ops/s` in each. */
import type { Config } from "../config/settings.ts";
import { gatedMemory } from "../hyperd/backpressure.ts";
import { formatFixed, formatNumber } from "../results/format.ts";
import type { LiveView } from "../run/stress.ts";

/** Prints progress every `config.progressInterval` seconds; redraws one line on a terminal. */
export class Progress {
  readonly #config: Config;
  readonly #terminal: boolean;
  #lastSec = 0;

  constructor(config: Config, terminal = Deno.stderr.isTerminal()) {
    this.#config = config;
    this.#terminal = terminal;
  }

  /** Called about once a second; prints when an interval has passed. */
  update(view: LiveView): void {
    const every = this.#config.progressInterval;
    if (every === 0 || view.elapsedSec - this.#lastSec < every) return;
    const line = progressLine(view, this.#config, this.#lastSec);
    this.#lastSec = view.elapsedSec;
    const text = this.#terminal ? `\r\x1b[2K${line}` : `${line}\n`;
    Deno.stderr.writeSync(new TextEncoder().encode(text));
  }

  /** Ends a redrawn line so later output starts on a fresh one. */
  finish(): void {
    if (this.#terminal && this.#lastSec > 0) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
  }
}

/** What a progress line reads of the run; of the monitor, its latest sample and warning count. */
export type ProgressView =
  & Pick<LiveView, "elapsedSec" | "stats" | "diskBytes" | "flags">
  & Partial<Pick<LiveView, "quietSec" | "clientCpuPercent" | "clientSaturated">>
  & {
    monitor:
      & Pick<LiveView["monitor"], "latest">
      & Partial<Pick<LiveView["monitor"], "warningCount">>;
  };

/** Seconds without a completed operation before the line says so. */
const QUIET_SHOWN_SEC = 5;

/** One progress line for the interval since `fromSec`. */
export function progressLine(
  view: ProgressView,
  config: Pick<Config, "duration" | "maxDiskMb" | "maxMemoryMb">,
  fromSec: number,
): string {
  const seconds = Math.max(0.001, view.elapsedSec - fromSec);
  const interval = view.stats.since(Math.floor(fromSec));
  const total = view.stats.live();
  // Until hyperd logs its first resource sample there is nothing to show.
  const sample = view.monitor.latest();
  // The memory backpressure watches, against its limit, and which figure that is.
  const gated = sample ? gatedMemory(sample) : null;
  const memory = gated
    ? `${formatNumber(gated.mb, 1)}/${formatNumber(config.maxMemoryMb)} MB ${gated.signal}`
    : "n/a";
  const load = sample ? formatFixed(sample.overallLoad, 2) : "n/a";
  const diskMb = view.diskBytes / (1024 * 1024);
  const hyperdWarnings = view.monitor.warningCount?.() ?? 0;
  const warnings = [
    (view.quietSec ?? 0) >= QUIET_SHOWN_SEC
      ? `no operation completed for ${formatNumber(view.quietSec)} s`
      : "",
    view.clientSaturated
      ? `CLIENT SATURATED (${formatNumber(view.clientCpuPercent)}% of cores)`
      : "",
    hyperdWarnings > 0 ? `hyperd warnings ${formatNumber(hyperdWarnings)}` : "",
  ];
  return [
    `[${formatNumber(view.elapsedSec)}/${formatNumber(config.duration)}s]`,
    `${formatFixed(interval.ops / seconds, 1)} ops/s`,
    `${formatNumber(interval.insertedRows / seconds)} rows/s`,
    `p95 ${formatFixed(interval.latencyMs.p95, 1)} ms`,
    `failures ${formatNumber(total.failures)}`,
    `hyperd ${memory} load ${load}`,
    view.flags.backpressure ? "BACKPRESSURE" : "flowing",
    `disk ${formatNumber(diskMb)}/${formatNumber(config.maxDiskMb)} MB` +
    (view.flags.diskFull ? " (read-only)" : ""),
    ...warnings,
  ].filter(Boolean).join("  ");
}
