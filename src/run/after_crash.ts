/**
 * `--verify-after-crash`: a hyperd started anew on the files a crashed one left, and every table
 * checked against the model as at the end of a run. Hyper documents no durability promise for a
 * crash, so what this finds is reported as a measurement (rows acknowledged, rows that survived),
 * never as a finding: the crash is the run's verdict.
 */
import { join } from "node:path";
import { Hyperd } from "../hyperd/process.ts";
import { type AfterCrash, type CheckedTable, checkIntegrity } from "./integrity.ts";

/** The folder of the restarted hyperd's log, beside the crashed one's. */
export const AFTER_CRASH_LOG_DIR = "log-after-crash";

/** Restarts `binary` on the run's files, checks `tables` and stops it again. */
export async function checkAfterCrash(
  binary: string,
  outputDir: string,
  tables: readonly CheckedTable[],
): Promise<AfterCrash> {
  let hyperd: Hyperd;
  try {
    hyperd = await Hyperd.start({ binary, logDir: join(outputDir, AFTER_CRASH_LOG_DIR) });
  } catch (error) {
    return afterCrashSkipped(`hyperd did not start again: ${(error as Error).message}`);
  }
  try {
    const integrity = await checkIntegrity({ host: hyperd.host, port: hyperd.port }, tables);
    const present = integrity.tables.reduce((n, t) => n + (t.actual ?? 0), 0);
    return {
      skipped: null,
      expectedRows: integrity.tables.reduce((n, t) => n + t.expected, 0),
      presentRows: present,
      tables: integrity.tables.filter((t) => !t.ok).map((t) => ({
        database: t.database,
        table: t.table,
        differs: t.differs ?? [],
        kinds: [
          ...new Set(
            (integrity.findings ?? []).filter((f) => f.table === t.table).map((f) => f.kind),
          ),
        ],
      })),
      inDoubt: integrity.inDoubt ?? [],
    };
  } catch (error) {
    return afterCrashSkipped(`the check failed: ${(error as Error).message}`);
  } finally {
    await hyperd.stop();
  }
}

/** A check after the crash that could not be made. */
export function afterCrashSkipped(reason: string): AfterCrash {
  return { skipped: reason, expectedRows: 0, presentRows: 0, tables: [], inDoubt: [] };
}
