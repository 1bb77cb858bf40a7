/**
 * The start-up check of an attached hyperd's resource logging: its settings from the log's
 * newest `startup-settings` entry, and whether a sample comes within two of its log intervals.
 * What hyperstress starts itself is logged as backpressure needs, so only attaching checks.
 */
import {
  loadOnly,
  type LoggingFacts,
  loggingProblems,
  loggingWarning,
  readLogSettings,
  type ResourceLogSettings,
} from "../hyperd/log_check.ts";
import { parseLogLine, readResourceSample, type ResourceSample } from "../hyperd/log_entries.ts";
import { LogTail } from "../hyperd/log_tail.ts";

/** A log larger than this is not scanned for its settings (the sample wait still runs). */
const MAX_SCAN_BYTES = 512 * 1024 * 1024;
/** How often the wait reads the log. */
const WAIT_POLL_MS = 100;

/** What the check found. */
export interface AttachedLogging {
  /** hyperd's resource-log interval: from its settings, else --log-interval. */
  intervalSec: number;
  /** The one line to say at the start; null when the logging is fit for backpressure. */
  warning: string | null;
  /** Overall load will stand in for CPU. */
  loadOnly: boolean;
}

/** Checks the log at `file`; `fallbackIntervalSec` where the log lists no settings. */
export async function checkAttachedLogging(
  file: string,
  fallbackIntervalSec: number,
): Promise<AttachedLogging> {
  const settings = await newestSettings(file);
  const intervalSec = settings?.intervalSec ?? fallbackIntervalSec;
  // Settings that say no idle sample will come leave nothing to wait for.
  const waitSec = settings?.always === false ? 0 : 2 * intervalSec;
  const sample = waitSec > 0 ? await nextSample(file, waitSec * 1000) : null;
  const facts: LoggingFacts = { settings, sample, waitedSec: waitSec };
  return {
    intervalSec,
    warning: loggingWarning(loggingProblems(facts)),
    loadOnly: loadOnly(facts),
  };
}

/** The settings of the log's newest `startup-settings` entry (the running hyperd's). */
async function newestSettings(file: string): Promise<ResourceLogSettings | null> {
  if ((await Deno.stat(file)).size > MAX_SCAN_BYTES) return null;
  let found: ResourceLogSettings | null = null;
  // Read to its end, the stream closes the file.
  const handle = await Deno.open(file, { read: true });
  let partial = "";
  const take = (line: string) => {
    // Most lines are not it: a substring test spares parsing every line as JSON.
    if (!line.includes('"startup-settings"')) return;
    const entry = parseLogLine(line);
    found = (entry && readLogSettings(entry)) ?? found;
  };
  for await (const text of handle.readable.pipeThrough(new TextDecoderStream())) {
    const lines = (partial + text).split("\n");
    partial = lines.pop()!;
    lines.forEach(take);
  }
  take(partial);
  return found;
}

/** The first resource sample appended to the log within `ms`; null when none comes. */
async function nextSample(file: string, ms: number): Promise<ResourceSample | null> {
  let sample: ResourceSample | null = null;
  const tail = new LogTail(file, (entry) => {
    sample ??= readResourceSample(entry);
  }, { startAtEnd: true, pollMs: WAIT_POLL_MS });
  tail.start();
  const until = performance.now() + ms;
  try {
    while (sample === null && performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  } finally {
    await tail.close().catch(() => {});
  }
  return sample;
}
