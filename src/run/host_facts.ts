/** The machine's memory and free disk space, for the start-up limit checks. */
import { statfs } from "node:fs/promises";

/** Total physical memory in bytes (needs --allow-sys=systemMemoryInfo), or why not. */
export function totalMemoryBytes(): number | Error {
  try {
    return Deno.systemMemoryInfo().total;
  } catch (error) {
    return error as Error;
  }
}

/** Bytes this user may still write on the filesystem of `dir` (needs --allow-sys=statfs). */
export async function freeDiskBytes(dir: string): Promise<number | Error> {
  try {
    const fs = await statfs(dir);
    return fs.bavail * fs.bsize;
  } catch (error) {
    return error as Error;
  }
}
