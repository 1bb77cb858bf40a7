/**
 * The machine a run ran on, for the report: OS, CPU model and cores, memory. Reads only
 * what the granted permissions allow and says unknown (null) for the rest, so that describing
 * the host never asks for a broader permission than the run needs.
 */
import os from "node:os";
import { totalMemoryBytes } from "./host_facts.ts";

/** The host of a run. */
export interface HostInfo {
  /** `linux`, `darwin`, `windows`; with the kernel release where --allow-sys=osRelease allows. */
  os: string;
  arch: string;
  /**
   * With --allow-sys=cpus (or a readable /proc/cpuinfo, which Deno grants only with --allow-all);
   * null otherwise: the task grants neither.
   */
  cpuModel: string | null;
  /** Logical cores, as navigator.hardwareConcurrency counts them. */
  cores: number;
  /** Physical memory in MB; null without --allow-sys=systemMemoryInfo. */
  memoryMb: number | null;
}

/** Describes this machine without prompting for any permission. */
export async function hostInfo(): Promise<HostInfo> {
  const memory = totalMemoryBytes();
  return {
    os: await osName(),
    arch: Deno.build.arch,
    cpuModel: await cpuModel(),
    cores: navigator.hardwareConcurrency,
    memoryMb: memory instanceof Error ? null : Math.round(memory / (1024 * 1024)),
  };
}

/** True when `descriptor` is granted already; never prompts. */
async function granted(descriptor: Deno.PermissionDescriptor): Promise<boolean> {
  try {
    return (await Deno.permissions.query(descriptor)).state === "granted";
  } catch {
    return false;
  }
}

async function osName(): Promise<string> {
  if (!(await granted({ name: "sys", kind: "osRelease" }))) return Deno.build.os;
  return `${Deno.build.os} ${Deno.osRelease()}`;
}

/** The CPU's model from node:os, else from /proc/cpuinfo (Linux on x86), or null. */
async function cpuModel(): Promise<string | null> {
  if (await granted({ name: "sys", kind: "cpus" })) {
    const model = os.cpus()[0]?.model?.trim();
    if (model) return model;
  }
  const path = "/proc/cpuinfo";
  if (Deno.build.os !== "linux" || !(await granted({ name: "read", path }))) return null;
  try {
    return parseCpuModel(await Deno.readTextFile(path));
  } catch {
    // Deno asks for --allow-all for /proc files, whatever --allow-read says.
    return null;
  }
}

/** The `model name` line of a /proc/cpuinfo text, or null when it has none (ARM). */
export function parseCpuModel(cpuinfo: string): string | null {
  const match = /^model name\s*:\s*(.+)$/m.exec(cpuinfo);
  return match ? match[1].replace(/\s+/g, " ").trim() : null;
}
