/** Progress lines on stderr while a run goes on: one line per interval, fitted to a terminal. */
import type { Config } from "../config/settings.ts";
import { gatedMemory } from "../hyperd/backpressure.ts";
import { formatFixed, formatNumber } from "../results/format.ts";
import type { LiveView } from "../run/stress.ts";

/** The terminal's width in columns, or 80 where it cannot be read. */
function consoleColumns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 80;
  }
}

/**
 * Prints progress every `config.progressInterval` seconds. On a terminal it redraws one line
 * fitted to the terminal's width (a line that wrapped would leave its first row behind at every
 * redraw); in a log it prints every line in full.
 */
export class Progress {
  readonly #config: Config;
  readonly #terminal: boolean;
  readonly #columns: () => number;
  #lastSec = 0;

  constructor(
    config: Config,
    terminal = Deno.stderr.isTerminal(),
    columns: () => number = consoleColumns,
  ) {
    this.#config = config;
    this.#terminal = terminal;
    this.#columns = columns;
  }

  /** Called about once a second; prints when an interval has passed. */
  update(view: LiveView): void {
    const every = this.#config.progressInterval;
    if (every === 0 || view.elapsedSec - this.#lastSec < every) return;
    // One column short of the edge: some terminals wrap as soon as the last column is written.
    const width = this.#terminal ? Math.max(1, this.#columns() - 1) : undefined;
    const line = progressLine(view, this.#config, this.#lastSec, width);
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
  & Partial<Pick<LiveView, "quietSec" | "clientCpuPercent" | "clientSaturated" | "load">>
  & {
    monitor:
      & Pick<LiveView["monitor"], "latest">
      & Partial<Pick<LiveView["monitor"], "troubleCount" | "watching" | "blindForSec">>;
  };

/** Seconds without a completed operation before the line says so. */
const QUIET_SHOWN_SEC = 5;

/** What a progress line needs of the config. */
type ProgressConfig =
  & Pick<Config, "duration" | "maxDiskMb" | "maxMemoryMb">
  & Partial<Pick<Config, "warmupSec">>;

/**
 * One progress line for the interval since `fromSec`: every field, or with `width` the most
 * important fields that fit in that many columns. It takes the interval's latency from the stats,
 * which starts the next interval: one call per line.
 */
export function progressLine(
  view: ProgressView,
  config: ProgressConfig,
  fromSec: number,
  width?: number,
): string {
  return fitFields(progressFields(view, config, fromSec), width);
}

/** A field of the line, how soon it goes when the line is too wide (0 never), its short form. */
interface Field {
  text: string;
  drop: number;
  /** Used before the field is dropped. */
  short?: string;
}

/**
 * How soon each kind of field is dropped: alarms stay longest, then throughput, failures,
 * hyperd's state and latency; the steady "flowing" goes first.
 */
const DROP = {
  never: 0,
  alarm: 1,
  ops: 2,
  failures: 3,
  hyperd: 4,
  latency: 5,
  rows: 6,
  disk: 7,
  flowing: 8,
} as const;

/** The fields joined two spaces apart; with `width`, the least important dropped until it fits. */
function fitFields(fields: Field[], width?: number): string {
  const kept = fields.filter((f) => f.text !== "");
  const line = () => kept.map((f) => f.text).join("  ");
  if (width === undefined) return line();
  while (line().length > width) {
    const drop = Math.max(...kept.map((f) => f.drop));
    if (drop === DROP.never) break;
    // Of the fields that go next, the rightmost first: shortened if it can be, else dropped.
    const at = kept.findLastIndex((f) => f.drop === drop);
    const { short } = kept[at];
    if (short !== undefined) kept[at] = { text: short, drop };
    else kept.splice(at, 1);
  }
  const text = line();
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * The throughput against the load's target: achieved/target ops/s, the queue and the drops in
 * the open model; the active users of a closed ramp; else the ops/s alone.
 */
function loadFields(view: ProgressView, achieved: string): Field[] {
  const load = view.load;
  const ops: Field = { text: `${achieved} ops/s`, drop: DROP.ops };
  if (!load) return [ops];
  const target = load.target(view.elapsedSec);
  if (load.model === "closed") {
    if (target === null) return [ops];
    return [ops, {
      text: `users ${formatNumber(target)}/${formatNumber(load.users)}`,
      drop: DROP.ops,
    }];
  }
  const dropped = view.stats.liveArrivals().dropped;
  return [
    { text: `${achieved}/${formatFixed(target, 1)} ops/s`, short: ops.text, drop: DROP.ops },
    { text: `queue ${formatNumber(load.queued())}`, drop: DROP.failures },
    // Drops mean the rate asked for was not served: an alarm, not a detail.
    dropped > 0
      ? { text: `dropped ${formatNumber(dropped)}`, drop: DROP.alarm }
      : { text: "dropped 0", drop: DROP.failures },
  ];
}

/** Every field of the line for the interval since `fromSec`, in the order they are shown. */
function progressFields(view: ProgressView, config: ProgressConfig, fromSec: number): Field[] {
  const seconds = Math.max(0.001, view.elapsedSec - fromSec);
  const interval = view.stats.takeInterval(Math.floor(fromSec));
  const total = view.stats.live();
  // Until hyperd logs its first resource sample there is nothing to show.
  const sample = view.monitor.latest();
  // The memory backpressure watches, against its limit, and which figure that is.
  const gated = sample ? gatedMemory(sample) : null;
  const load = sample ? formatFixed(sample.overallLoad, 2) : "";
  const limit = formatNumber(config.maxMemoryMb);
  const hyperd: Field = sample && gated
    ? {
      text: `hyperd ${formatNumber(gated.mb, 1)}/${limit} MB ${gated.signal} load ${load}`,
      short: `hyperd ${formatNumber(gated.mb)}/${limit} MB load ${load}`,
      drop: DROP.hyperd,
    }
    : view.monitor.watching === false
    ? { text: "hyperd not monitored (no --hyperd-log)", drop: DROP.hyperd }
    : { text: "waiting for the first resource sample", drop: DROP.hyperd };
  const diskMb = view.diskBytes / (1024 * 1024);
  // Only warnings that point at trouble: one expected on this machine would count up all run.
  const hyperdWarnings = view.monitor.troubleCount?.() ?? 0;
  const alarm = (text: string): Field => ({ text, drop: DROP.alarm });
  // Blind: the figures above are old, and the gate has let go of them.
  const blindSec = view.monitor.blindForSec?.() ?? 0;
  const warnings: Field[] = [
    alarm(blindSec > 0 ? `no resource sample for ${formatNumber(Math.floor(blindSec))} s` : ""),
    alarm(
      (view.quietSec ?? 0) >= QUIET_SHOWN_SEC
        ? `no operation completed for ${formatNumber(view.quietSec)} s`
        : "",
    ),
    alarm(
      view.clientSaturated
        ? `CLIENT SATURATED (${formatNumber(view.clientCpuPercent)}% of cores)`
        : "",
    ),
    {
      text: hyperdWarnings > 0 ? `hyperd warnings ${formatNumber(hyperdWarnings)}` : "",
      drop: DROP.latency,
    },
  ];
  const achieved = formatFixed(interval.ops / seconds, 1);
  return [
    {
      text: `[${formatNumber(view.elapsedSec)}/${formatNumber(config.duration)}s]`,
      drop: DROP.never,
    },
    view.elapsedSec < (config.warmupSec ?? 0)
      ? { text: "warm-up", drop: DROP.ops }
      : { text: "", drop: DROP.ops },
    ...loadFields(view, achieved),
    { text: `${formatNumber(interval.insertedRows / seconds)} rows/s`, drop: DROP.rows },
    { text: `p95 ${formatFixed(interval.latencyMs.p95, 1)} ms`, drop: DROP.latency },
    { text: `failures ${formatNumber(total.failures)}`, drop: DROP.failures },
    hyperd,
    view.flags.backpressure ? alarm("BACKPRESSURE") : view.flags.verifyPause
      // --verify-every: users hold while the tables are checked; no operations is no fault.
      ? { text: "verifying", drop: DROP.ops }
      : { text: "flowing", drop: DROP.flowing },
    view.flags.diskFull
      ? alarm(`disk ${formatNumber(diskMb)}/${formatNumber(config.maxDiskMb)} MB (read-only)`)
      : {
        text: `disk ${formatNumber(diskMb)}/${formatNumber(config.maxDiskMb)} MB`,
        drop: DROP.disk,
      },
    ...warnings,
  ];
}
