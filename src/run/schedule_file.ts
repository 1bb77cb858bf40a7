/**
 * schedule.jsonl.gz: one line per executed operation, `{user, seq, kind, startMs, durationMs,
 * ok}` with startMs from the run's start, written as the run goes (bounded memory, gzip), and
 * read back for a replay that keeps the original timing.
 */
import { join } from "node:path";
import type { ScheduleEntry } from "../stats/op_records.ts";

/** The file's name in an output dir. */
export const SCHEDULE_FILE = "schedule.jsonl.gz";

/** Appends entries to `<dir>/schedule.jsonl.gz` as they come; a write error stops it, not the run. */
export class ScheduleWriter {
  readonly #writer: WritableStreamDefaultWriter<BufferSource>;
  readonly #done: Promise<void>;
  readonly #encoder = new TextEncoder();
  #failed: string | null = null;
  #lines = 0;

  private constructor(file: Deno.FsFile) {
    const gzip = new CompressionStream("gzip");
    this.#done = gzip.readable.pipeTo(file.writable).catch((error) => {
      this.#failed = String(error);
    });
    this.#writer = gzip.writable.getWriter();
  }

  /** Opens a new schedule file in `dir`. */
  static async open(dir: string): Promise<ScheduleWriter> {
    const file = await Deno.open(join(dir, SCHEDULE_FILE), {
      write: true,
      create: true,
      truncate: true,
    });
    return new ScheduleWriter(file);
  }

  /** Appends `entries`, one JSON line each. */
  append(entries: readonly ScheduleEntry[]): void {
    if (this.#failed || entries.length === 0) return;
    this.#lines += entries.length;
    const text = entries.map((e) => JSON.stringify(e)).join("\n") + "\n";
    this.#writer.write(this.#encoder.encode(text)).catch((error) => {
      this.#failed = String(error);
    });
  }

  /** Finishes the file; returns the lines written, or why writing stopped. */
  async close(): Promise<{ lines: number; error: string | null }> {
    await this.#writer.close().catch((error) => (this.#failed ??= String(error)));
    await this.#done;
    return { lines: this.#lines, error: this.#failed };
  }
}

/** Each user's recorded start offsets by seq, from the schedule in `dir`. */
export async function readSchedule(dir: string): Promise<Map<number, number[]>> {
  const file = await Deno.open(join(dir, SCHEDULE_FILE));
  const lines = file.readable
    .pipeThrough(new DecompressionStream("gzip"))
    .pipeThrough(new TextDecoderStream());
  const starts = new Map<number, number[]>();
  let rest = "";
  for await (const chunk of lines) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    for (const line of parts) add(starts, line);
  }
  add(starts, rest);
  return starts;
}

function add(starts: Map<number, number[]>, line: string): void {
  if (line.trim() === "") return;
  const entry = JSON.parse(line) as ScheduleEntry;
  let user = starts.get(entry.user);
  if (!user) starts.set(entry.user, user = []);
  user[entry.seq] = entry.startMs;
}
