/**
 * Follows hyperd's log as it grows and hands each parsed entry to a callback. Survives the file
 * not existing yet, partial last lines, truncation, rename-and-recreate, and hyperd's own
 * size-based rotation, where it never writes `hyperd.log` but `hyperd_<local time>.log` files.
 */
import { basename, dirname, join } from "node:path";
import { type LogEntry, parseLogLine } from "./log_entries.ts";

/** Options for LogTail. */
export interface LogTailOptions {
  /** How often the log is read. */
  pollMs?: number;
  /**
   * Skip what the log holds when the tail starts (a server that ran before us): files found by
   * the first read are followed from their end, from the first whole line on.
   */
  startAtEnd?: boolean;
  /**
   * Calls `poll` every `ms` until the returned function is called: setInterval by default; a
   * unit test passes its own and polls with `poll()` when it has written.
   */
  every?: (ms: number, poll: () => void) => () => void;
}

/** A file the log is in now. */
interface Located {
  path: string;
  ino: number | null;
}

/** An open log file and how far it has been read. */
interface Cursor extends Located {
  file: Deno.FsFile;
  offset: number;
  /** The start of a line whose newline has not been written yet. */
  partial: string;
  decoder: TextDecoder;
  /** Started mid-line (at the end of a log being written): drop up to the first newline. */
  skipToNewline: boolean;
}

/**
 * A poll, not a file watch: hyperd writes hundreds of times a second, and a watch woke on every
 * write (8% of the tool's CPU at the moderate preset); resource samples come once a second.
 */
const DEFAULT_POLL_MS = 200;
const CHUNK_BYTES = 64 * 1024;
/**
 * Timestamped files still read. Two rotations within one second make hyperd alternate between
 * `hyperd_<second>.log` and `hyperd_<second>_1.log`, appending to both; the newest three cover
 * that pair and the file before it.
 */
const ROTATED_WINDOW = 3;

/**
 * A follower of one log file (usually `<log dir>/hyperd.log`), from its first byte or, with
 * `startAtEnd`, from its end when the tail starts.
 */
export class LogTail {
  /** Lines that were not a JSON log entry; they are skipped. */
  malformedLines = 0;
  /** Entries handed to the callback. */
  entries = 0;

  readonly #path: string;
  readonly #onEntry: (entry: LogEntry) => void;
  readonly #options: LogTailOptions;
  readonly #rotated: RegExp;
  readonly #buffer = new Uint8Array(CHUNK_BYTES);
  #cursors: Cursor[] = [];
  #running = false;
  #stopPolling: (() => void) | null = null;
  #reading: Promise<void> | null = null;
  #again = false;
  #failure: unknown = null;
  #closing: Promise<void> | null = null;
  /** True until the first read has opened the files there were at the start. */
  #firstRead = true;

  constructor(path: string, onEntry: (entry: LogEntry) => void, options: LogTailOptions = {}) {
    this.#path = path;
    this.#onEntry = onEntry;
    this.#options = options;
    const stem = basename(path).replace(/\.log$/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    // hyperd with log_file_size_limit: hyperd_2026_11_23_22_29_26.log, then _1 within the
    // same second. hyperd_bk.log (log_file_backup_size_limit) is an older run: not matched.
    this.#rotated = new RegExp(`^${stem}_(\\d{4}(?:_\\d{2}){5})(?:_(\\d+))?\\.log$`);
  }

  /** Starts following: reads what is there, then every poll. */
  start(): void {
    if (this.#running || this.#closing) return;
    this.#running = true;
    const every = this.#options.every ?? everyMs;
    this.#stopPolling = every(this.#options.pollMs ?? DEFAULT_POLL_MS, () => this.#kick());
    this.#kick();
  }

  /** Reads what was written since the last read, now, as each poll does. */
  poll(): Promise<void> {
    return this.#kick();
  }

  /**
   * Stops following after a last read and releases the files; rejects with the first I/O error
   * the tail met, if any. Later calls return the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#running = false;
    this.#stopPolling?.();
    await this.#kick();
    for (const cursor of this.#cursors) this.#finish(cursor);
    this.#cursors = [];
    if (this.#failure) throw this.#failure;
  }

  /** Runs one read, or asks the read in progress to go round once more; reads never overlap. */
  #kick(): Promise<void> {
    if (this.#reading) {
      this.#again = true;
      return this.#reading;
    }
    this.#reading = (async () => {
      do {
        this.#again = false;
        try {
          await this.#readOnce();
        } catch (error) {
          // NotFound is a rename or prune racing our stat/open; the next round sees the result.
          if (!(error instanceof Deno.errors.NotFound)) this.#failure ??= error;
        }
      } while (this.#again);
      this.#reading = null;
    })();
    return this.#reading;
  }

  async #readOnce(): Promise<void> {
    const located = await this.#locate();
    for (const cursor of [...this.#cursors]) {
      const now = located.find((l) => l.path === cursor.path);
      // A file renamed away is kept until something replaces it: its writer may still append.
      const gone = now ? !sameFile(now, cursor) : cursor.path !== this.#path;
      if (!gone) continue;
      // The handle still reaches the old file, so finish it before moving on.
      await this.#drain(cursor);
      this.#finish(cursor);
      this.#cursors = this.#cursors.filter((c) => c !== cursor);
    }
    for (const where of located) {
      // By inode too: a file renamed into the rotation pattern is one we are already reading.
      if (this.#cursors.some((c) => c.path === where.path || sameInode(c, where))) continue;
      const path = where.path;
      const file = await Deno.open(path, { read: true });
      const { ino, size } = await file.stat();
      const fromEnd = this.#firstRead && this.#options.startAtEnd === true && size > 0;
      this.#cursors.push({
        path,
        ino,
        file,
        offset: fromEnd ? size : 0,
        partial: "",
        decoder: new TextDecoder(),
        skipToNewline: fromEnd && !(await endsWithNewline(file, size)),
      });
    }
    this.#firstRead = false;
    for (const cursor of this.#cursors) {
      if ((await cursor.file.stat()).size < cursor.offset) {
        // Truncated in place, as hyperd's log_file_backup_size_limit does at start-up.
        this.#flushPartial(cursor);
        cursor.offset = 0;
      }
      await this.#drain(cursor);
    }
  }

  /** Where the log is now: the path itself, else its newest timestamped siblings, oldest first. */
  async #locate(): Promise<Located[]> {
    try {
      return [{ path: this.#path, ino: (await Deno.stat(this.#path)).ino }];
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const dir = dirname(this.#path);
    const rotated: { name: string; key: string }[] = [];
    try {
      for await (const item of Deno.readDir(dir)) {
        const m = this.#rotated.exec(item.name);
        if (m) rotated.push({ name: item.name, key: `${m[1]}_${(m[2] ?? "").padStart(6, "0")}` });
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    }
    rotated.sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    return await Promise.all(
      rotated.slice(-ROTATED_WINDOW).map(async ({ name }) => {
        const path = join(dir, name);
        return { path, ino: (await Deno.stat(path)).ino };
      }),
    );
  }

  async #drain(cursor: Cursor): Promise<void> {
    await cursor.file.seek(cursor.offset, Deno.SeekMode.Start);
    for (;;) {
      const n = await cursor.file.read(this.#buffer);
      if (!n) return;
      cursor.offset += n;
      // stream: a UTF-8 character split across two reads is decoded once both halves are in.
      const text = cursor.decoder.decode(this.#buffer.subarray(0, n), { stream: true });
      const lines = (cursor.partial + text).split("\n");
      cursor.partial = lines.pop()!;
      // The rest of a line written before we started: not ours, and not malformed either.
      if (cursor.skipToNewline && lines.length > 0) {
        lines.shift();
        cursor.skipToNewline = false;
      }
      for (const line of lines) this.#deliver(line);
    }
  }

  /** Delivers a last line that never got its newline, and closes the file: it is done with. */
  #finish(cursor: Cursor): void {
    this.#flushPartial(cursor);
    cursor.file.close();
  }

  #flushPartial(cursor: Cursor): void {
    const rest = cursor.partial + cursor.decoder.decode();
    cursor.partial = "";
    if (cursor.skipToNewline) {
      cursor.skipToNewline = false;
      return;
    }
    this.#deliver(rest);
  }

  #deliver(raw: string): void {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") return;
    const entry = parseLogLine(line);
    if (!entry) {
      this.malformedLines++;
      return;
    }
    this.entries++;
    this.#onEntry(entry);
  }
}

/** True when the byte before `size` is a newline, so `size` is where a line starts. */
async function endsWithNewline(file: Deno.FsFile, size: number): Promise<boolean> {
  const last = new Uint8Array(1);
  await file.seek(size - 1, Deno.SeekMode.Start);
  return await file.read(last) === 1 && last[0] === 0x0a;
}

/**
 * The inode decides when both sides have one: a renamed file is still the one being read.
 * Without inode numbers (some platforms) a file recreated under the same name looks unchanged
 * and only truncation is noticed.
 */
function sameFile(a: Located, b: Located): boolean {
  if (a.ino !== null && b.ino !== null) return a.ino === b.ino;
  return a.path === b.path;
}

function sameInode(a: Located, b: Located): boolean {
  return a.ino !== null && a.ino === b.ino;
}

/** `poll` every `ms` on the real clock, until the returned function is called. */
function everyMs(ms: number, poll: () => void): () => void {
  const timer = setInterval(poll, ms);
  return () => clearInterval(timer);
}
