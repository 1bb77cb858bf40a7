/**
 * 1,000 users (400 inserters, 400 query, 200 mixed) for 20 s, in its own process so the resident
 * memory is the stress tool's alone: its peak, how long until every user had connected and sent
 * its first operation, and the failures. Run by bench/main.ts, or alone:
 * `deno run -A --v8-flags=--max-semi-space-size=2 bench/users1000.ts`; prints JSON last.
 */
import { benchRun } from "./bench_run.ts";
import { round } from "./measure.ts";

/** What the 1,000-user run measured. */
export interface Users1000Figures {
  /** Peak resident memory of this process (VmHWM), in MB. */
  rssMb: number;
  /** Seconds from the users' start until each had sent an operation; null if some never did. */
  connectSec: number | null;
  failures: number;
  ops: number;
}

const USERS = { inserter: 400, query: 400, mixed: 200 };
const TOTAL = USERS.inserter + USERS.query + USERS.mixed;

/** Peak resident memory from /proc, else the current one. */
function peakRssMb(): number {
  const status = (() => {
    try {
      return Deno.readTextFileSync("/proc/self/status");
    } catch {
      return "";
    }
  })();
  const kb = Number(/VmHWM:\s*(\d+)/.exec(status)?.[1] ?? NaN);
  return Number.isNaN(kb) ? Deno.memoryUsage().rss / 1024 ** 2 : kb / 1024;
}

/** Runs the 1,000 users for `durationSec`. */
export async function users1000(durationSec = 20): Promise<Users1000Figures> {
  let connectSec: number | null = null;
  let waiting = new Set(Array.from({ length: TOTAL }, (_, id) => id));
  const summary = await benchRun([
    `--duration=${durationSec}`,
    `--inserter-users=${USERS.inserter}`,
    `--query-users=${USERS.query}`,
    `--mixed-users=${USERS.mixed}`,
    "--seed=1000",
    "--progress-interval=0",
  ], (view) => {
    if (connectSec !== null) return;
    // A user has started once an operation of its finished or is in flight.
    const sent = new Set(view.stats.inFlight().map((op) => op.user));
    waiting = new Set(
      [...waiting].filter((id) => !sent.has(id) && view.stats.userCounts(id).ops === 0),
    );
    if (waiting.size === 0) connectSec = view.elapsedSec;
  });
  return {
    rssMb: round(peakRssMb()),
    connectSec: connectSec === null ? null : round(connectSec),
    failures: summary.totals.failures,
    ops: summary.totals.ops,
  };
}

if (import.meta.main) console.log(JSON.stringify(await users1000()));
