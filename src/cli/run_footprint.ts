/**
 * The two lines that tell a person what a run will cost and what it left: before it starts, how
 * long it runs and how much disk its databases may take, and where; at its end, how much the
 * output dir holds and how to remove it (or, with --remove-databases, what was freed).
 */
import type { Config } from "../config/settings.ts";
import { formatNumber, formatSeconds } from "../results/format.ts";
import { shellLine } from "../results/report/run_details.ts";
import { removeDatabaseFiles, treeBytes } from "../run/disk_usage.ts";
import { passed } from "../verdict_policy.ts";

/** `1.2 GB`, `350 MB` or `12 kB`: a size a person reads at a glance. */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${formatNumber(bytes / 1024 ** 3, 1)} GB`;
  if (bytes >= 1024 ** 2) return `${formatNumber(bytes / 1024 ** 2, 0)} MB`;
  return `${formatNumber(Math.ceil(bytes / 1024), 0)} kB`;
}

/** The start line: how long the run takes, the disk its databases may use, and where. */
export function startLine(
  config: Pick<Config, "duration" | "maxDiskMb" | "stopOnDiskBudget" | "endpoint" | "databaseDir">,
  dir: string,
): string {
  const duration = `runs ${formatSeconds(config.duration, 0)} (--duration)`;
  if (config.endpoint && config.databaseDir) {
    return `${duration}; the databases go to ${config.databaseDir} on the server (no disk budget)`;
  }
  const then = config.stopOnDiskBudget
    ? "then it stops"
    : "then inserts turn into reads and the run goes on";
  return `${duration}; its databases may use ${formatNumber(config.maxDiskMb)} MB in ${dir} ` +
    `(--max-disk-mb), ${then}`;
}

/**
 * The end line: the output dir's size and the command that removes it. With `removeDatabases`
 * and a run that passed, the databases go first and the line says what was freed and what stays.
 * A dir the user named (`given`) may hold other things: only its databases are offered for removal.
 */
export async function endLine(
  dir: string,
  exitCode: number,
  options: { removeDatabases: boolean; given: boolean },
): Promise<string> {
  const { removeDatabases } = options;
  const remove = options.given
    ? `remove its databases with: rm ${shellLine([dir])}/db_*.hyper`
    : `remove it with: rm -rf ${shellLine([dir])}`;
  if (removeDatabases && passed(exitCode)) {
    const freed = await removeDatabaseFiles(dir);
    const rest = options.given ? "" : `; ${remove}`;
    return `removed the databases (${formatSize(freed)}, --remove-databases); ${dir} keeps ` +
      `${formatSize(await treeBytes(dir))} of reports and logs${rest}`;
  }
  const keep = removeDatabases ? " (kept: the run did not pass)" : "";
  return `${dir} holds ${formatSize(await treeBytes(dir))}${keep}; ${remove}`;
}
