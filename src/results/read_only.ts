/**
 * The read-only phase of a run: the seconds after the disk budget was spent, when inserts ran as
 * reads. Derived from the resource watch's once-a-second looks, so older summaries (whose looks
 * have no `readOnly`) simply have none.
 */
import type { WatchPoint } from "../run/resource_watch.ts";
import { round } from "./format.ts";

/**
 * When the run turned read-only, and the insert rate over the time inserts were allowed. How long
 * it was read-only in all is `disk.readOnlySec`, the users' own clock of it.
 */
export interface ReadOnlyPhase {
  /** Second of the run the disk budget was first found spent. */
  fromSec: number;
  /** Seconds after the warm-up when inserts were allowed. */
  insertSec: number;
  /** Rows inserted per second over `insertSec`: the whole run's rate counts read-only time. */
  insertRowsPerSec: number;
}

/**
 * The read-only phase of a run of `durationSec` whose measured part starts at `warmupSec`, or
 * null when the disk budget was never spent. A look stands for the time up to the next one.
 */
export function readOnlyPhase(
  watch: readonly Pick<WatchPoint, "atSec" | "readOnly">[],
  durationSec: number,
  warmupSec: number,
  insertedRows: number,
): ReadOnlyPhase | null {
  const first = watch.find((point) => point.readOnly);
  if (!first) return null;
  let measured = 0;
  watch.forEach((point, i) => {
    if (!point.readOnly) return;
    const end = Math.min(watch[i + 1]?.atSec ?? durationSec, durationSec);
    measured += Math.max(0, end - Math.max(point.atSec, warmupSec));
  });
  const insertSec = Math.max(0, durationSec - warmupSec - measured);
  return {
    fromSec: round(first.atSec, 1),
    insertSec: round(insertSec, 1),
    insertRowsPerSec: insertSec > 0 ? round(insertedRows / insertSec, 1) : 0,
  };
}
