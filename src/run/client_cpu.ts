/**
 * hyperstress's own CPU, so a user knows whether the figures describe hyperd or the load
 * generator: the whole process (every worker thread) as a share of all cores, and whether it
 * stayed above 85% of them for 5 s or more (saturated).
 */
import process from "node:process";

/** Above this share of all cores the client counts as busy. */
const SATURATED_PERCENT = 85;
/** Busy this long without a break counts as saturated. */
const SATURATED_HOLD_SEC = 5;

/** The client's CPU over the run, for the summary. */
export interface ClientCpuReport {
  cpuSec: number;
  /** Average over the run, in percent of all cores. */
  cpuPercentOfCores: number;
  /** True when the client was busy for SATURATED_HOLD_SEC or more at some point. */
  saturated: boolean;
}

/** CPU seconds this process has used, every thread included. */
export function processCpuSec(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Samples of the process's CPU; pure given its readings. */
export class ClientCpu {
  readonly #cores: number;
  readonly #startCpuSec: number;
  #lastCpuSec: number;
  #lastSec = 0;
  #busySinceSec: number | null = null;
  #saturated = false;
  #percent = 0;

  /** Starts counting from `cpuSec`, the process's CPU seconds at run second 0. */
  constructor(cpuSec: number, cores = navigator.hardwareConcurrency) {
    this.#cores = Math.max(1, cores);
    this.#startCpuSec = cpuSec;
    this.#lastCpuSec = cpuSec;
  }

  /** Takes a reading at run second `nowSec`; returns the share of all cores since the last. */
  sample(nowSec: number, cpuSec: number): number {
    const wallSec = nowSec - this.#lastSec;
    if (wallSec <= 0) return this.#percent;
    this.#percent = (100 * (cpuSec - this.#lastCpuSec)) / (wallSec * this.#cores);
    this.#lastSec = nowSec;
    this.#lastCpuSec = cpuSec;
    if (this.#percent > SATURATED_PERCENT) {
      this.#busySinceSec ??= nowSec - wallSec;
      if (nowSec - this.#busySinceSec >= SATURATED_HOLD_SEC) this.#saturated = true;
    } else {
      this.#busySinceSec = null;
    }
    return this.#percent;
  }

  /** True while the client has been busy for the hold time without a break. */
  get saturatedNow(): boolean {
    return this.#busySinceSec !== null && this.#lastSec - this.#busySinceSec >= SATURATED_HOLD_SEC;
  }

  /** The share of all cores at the last reading. */
  get percent(): number {
    return this.#percent;
  }

  /** The whole run's figures, `durationSec` long. */
  report(durationSec: number): ClientCpuReport {
    const cpuSec = this.#lastCpuSec - this.#startCpuSec;
    return {
      cpuSec: Math.round(cpuSec * 100) / 100,
      cpuPercentOfCores: durationSec > 0
        ? Math.round((1000 * cpuSec) / (durationSec * this.#cores)) / 10
        : 0,
      saturated: this.#saturated,
    };
  }
}
