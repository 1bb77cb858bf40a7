/**
 * Limits that cannot work on this machine: backpressure set above hyperd's memory_limit, or a
 * disk budget above the free space. Pure: the machine's figures are passed in.
 */
import { settingName } from "./origin.ts";
import { SETTINGS, type WithOrigins } from "./settings.ts";

const MB = 1024 * 1024;
/** hyperd reads size suffixes in powers of 1024: "300m" is 314,572,800 bytes. */
const UNIT: Record<string, number> = { "": 1, k: 1024, m: MB, g: 1024 * MB, t: 1024 * 1024 * MB };

/**
 * hyperd's `memory_limit` in MB: a percentage of `totalMemoryBytes` ("80%") or a size ("300m",
 * "4g", "4096m", plain bytes). Null for text of neither form, or a percentage without a total.
 */
export function memoryLimitMb(memoryLimit: string, totalMemoryBytes: number | null): number | null {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(memoryLimit);
  if (percent) {
    return totalMemoryBytes === null ? null : (Number(percent[1]) / 100) * totalMemoryBytes / MB;
  }
  const size = /^(\d+)([kmgt]?)$/i.exec(memoryLimit);
  return size ? Number(size[1]) * UNIT[size[2].toLowerCase()] / MB : null;
}

/** The settings the checks compare, and the machine's figures (an Error where unreadable). */
export interface LimitCheck extends WithOrigins {
  maxMemoryMb: number;
  memoryLimit: string;
  maxDiskMb: number;
  outputDir: string;
  /** Total physical memory in bytes. */
  totalMemoryBytes: number | Error;
  /** Bytes free for this user on the output dir's filesystem. */
  freeDiskBytes: number | Error;
}

/** One line per limit that cannot do its job, or per figure that could not be read to check. */
export function limitWarnings(check: LimitCheck): string[] {
  const warnings: string[] = [];
  const maxMemory = settingName(check, "maxMemoryMb");
  const memLimit = `${settingName(check, "memoryLimit")} ${JSON.stringify(check.memoryLimit)}`;
  const isPercent = check.memoryLimit.endsWith("%");
  if (isPercent && check.totalMemoryBytes instanceof Error) {
    warnings.push(
      `could not read the machine's memory (${check.totalMemoryBytes.message}), so ` +
        `${maxMemory} was not compared with hyperd's memory_limit (${memLimit})`,
    );
  } else {
    const total = check.totalMemoryBytes instanceof Error ? null : check.totalMemoryBytes;
    const limitMb = memoryLimitMb(check.memoryLimit, total);
    if (limitMb !== null && check.maxMemoryMb > limitMb) {
      const of = isPercent && total !== null ? ` of ${Math.floor(total / MB)} MB` : "";
      warnings.push(
        `${maxMemory} is ${check.maxMemoryMb} MB, above hyperd's memory_limit of ` +
          `${Math.floor(limitMb)} MB (${memLimit}${of}): hyperd can reach its limit and abort ` +
          `before backpressure engages; set ${flag("maxMemoryMb")} below ${Math.floor(limitMb)} ` +
          `or raise ${flag("memoryLimit")}`,
      );
    }
  }

  const maxDisk = settingName(check, "maxDiskMb");
  if (check.freeDiskBytes instanceof Error) {
    warnings.push(
      `could not read the free space in ${check.outputDir} (${check.freeDiskBytes.message}), ` +
        `so ${maxDisk} was not compared with it`,
    );
  } else {
    const freeMb = Math.floor(check.freeDiskBytes / MB);
    if (check.maxDiskMb > freeMb) {
      warnings.push(
        `${maxDisk} is ${check.maxDiskMb} MB, above the ${freeMb} MB free on the filesystem of ` +
          `${check.outputDir}: the disk can fill before writes turn into reads; set ` +
          `${flag("maxDiskMb")} below ${freeMb} or free some space`,
      );
    }
  }
  return warnings;
}

type Key = "maxMemoryMb" | "memoryLimit" | "maxDiskMb";

function flag(key: Key): string {
  return `--${SETTINGS[key].flag}`;
}
