/** What every command is given besides its config: where its words go, and how it was started. */
import type { HyperdProcesses } from "../hyperd/process.ts";
import type { Output } from "../output.ts";

/** A command's context, made once by main.ts. */
export interface CommandContext {
  output: Output;
  /** The env variables hyperstress reads (for defaults such as the cache dir). */
  env: Record<string, string | undefined>;
  /** The arguments as given, shown in the summary; null when not started from main.ts. */
  commandLine: string[] | null;
  /** The hyperds the command starts, which a second Ctrl-C kills at once. */
  processes: HyperdProcesses;
}
