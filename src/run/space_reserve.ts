/**
 * Disk space held for the artifacts: a file of real bytes in the output dir, claimed before hyperd
 * starts and deleted just before the artifacts are written, so a disk that hyperd filled still
 * takes them.
 */
import { join } from "node:path";

/** Name of the reserve file in the output dir. */
export const RESERVE_FILE = ".hyperstress-reserve";

const MIB = 1024 * 1024;
/** The floor: 8 MiB, over 50x the 144 KB (summary 91, report 51, replay 2) of a 300 s run. */
const MIN_RESERVE_MIB = 8;
/**
 * summary.json grows with the run (a timeline point a second, a resource sample per log
 * interval): that 300 s run wrote about 0.5 KB per second in all; 4x that is 2 KiB.
 */
const RESERVE_BYTES_PER_SEC = 2048;

/** The ceiling: enough for runs of a day and more, yet never a start refused for a week-long run. */
const MAX_RESERVE_MIB = 256;

/** Bytes to hold for the artifacts of a `durationSec` run, in whole MiB from 8 to 256. */
export function reserveBytes(durationSec: number): number {
  const mib = Math.ceil((durationSec * RESERVE_BYTES_PER_SEC) / MIB);
  return Math.min(MAX_RESERVE_MIB, Math.max(MIN_RESERVE_MIB, mib)) * MIB;
}

/** Written in pieces so the reserve never needs more than this much memory. */
const CHUNK_BYTES = 1024 * 1024;
/** The most `crypto.getRandomValues` fills in one call. */
const RANDOM_MAX = 65_536;

/** A claimed reserve: `release()` frees its space, and so does the process exiting. */
export class SpaceReserve {
  /** Path of the reserve file. */
  readonly path: string;
  /** Bytes the file holds. */
  readonly bytes: number;
  #released = false;
  // Deno.exit (a second Ctrl-C, main's error exit) skips `finally` blocks but runs `unload`.
  readonly #onUnload = () => {
    try {
      Deno.removeSync(this.path);
    } catch { /* already gone */ }
  };

  private constructor(path: string, bytes: number) {
    this.path = path;
    this.bytes = bytes;
    globalThis.addEventListener("unload", this.#onUnload);
  }

  /** Writes `bytes` real bytes to `dir`/.hyperstress-reserve; on failure removes them and throws. */
  static async claim(dir: string, bytes: number): Promise<SpaceReserve> {
    const path = join(dir, RESERVE_FILE);
    try {
      await writeIncompressible(path, bytes);
    } catch (error) {
      await Deno.remove(path).catch(() => {});
      throw error;
    }
    return new SpaceReserve(path, bytes);
  }

  /** Deletes the reserve file so its space is free for the artifacts; later calls do nothing. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    globalThis.removeEventListener("unload", this.#onUnload);
    try {
      await Deno.remove(this.path);
    } catch {
      // Never fatal: the artifacts are attempted anyway and their own errors say what went wrong.
    }
  }
}

/**
 * Random bytes, synced: a sparse file (`Deno.truncate`) or zeros on a compressing filesystem
 * would hold no blocks, and a filesystem that allocates late might only fail on sync.
 */
async function writeIncompressible(path: string, bytes: number): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    const chunk = new Uint8Array(CHUNK_BYTES);
    for (let done = 0; done < bytes;) {
      const piece = chunk.subarray(0, Math.min(CHUNK_BYTES, bytes - done));
      // Fresh bytes for every piece, so a deduplicating filesystem cannot share them either.
      for (let at = 0; at < piece.length; at += RANDOM_MAX) {
        crypto.getRandomValues(piece.subarray(at, at + RANDOM_MAX));
      }
      for (let at = 0; at < piece.length;) at += await file.write(piece.subarray(at));
      done += piece.length;
    }
    await file.syncData();
  } finally {
    file.close();
  }
}
