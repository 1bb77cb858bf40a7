/**
 * `shrink --replay-file F --until crash|stall|failure:<regex>`: delta debugging over a replay.
 * Users are removed (ddmin), each user's sequence cut to the shortest prefix that still
 * reproduces, then batches made smaller; every attempt is a fresh hyperd, tried up to --tries
 * times. Writes the smallest reproducer (replay.json), every attempt (shrink.json) and REPRO.md.
 */
import { join } from "node:path";
import type { Replay } from "../config/replay.ts";
import { runLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";
import { EXIT } from "../verdict_policy.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import { writeJson, writeText } from "../results/artifacts.ts";
import type { Summary } from "../results/summary.ts";
import { prepareOutputDir } from "../run/output_dir.ts";
import {
  type Candidate,
  describe,
  totalOps,
  withBatchMax,
  withMaxOps,
  withUsers,
} from "../shrink/candidate.ts";
import { ddmin, smallestReproducing } from "../shrink/ddmin.ts";
import { runSignature } from "../sweep/sweep_file.ts";
import { buildReplay } from "../config/replay.ts";
import type { CommandContext } from "./context.ts";
import { runInDir, type RunInDirOptions } from "./run_in_dir.ts";
import { Interrupt } from "./interrupt.ts";

/** One attempt, as shrink.json lists it. */
interface Attempt {
  n: number;
  step: string;
  candidate: string;
  reproduced: boolean;
  tries: number;
  signatures: (string | null)[];
}

/** What the search is after, from `--until`. */
interface Target {
  until: string;
  /** The signature to reproduce; fixed by the first reproducing run of the original. */
  signature: string | null;
  matches: (summary: Summary) => boolean;
}

/**
 * Shrinks `replay` into `config.outputDir`; returns EXIT.ok with a reproducer, EXIT.environment
 * when the replay does not do what --until says to begin with.
 */
export async function shrinkCommand(
  config: Config,
  replay: Replay | undefined,
  binary: HyperdBinary,
  context: CommandContext,
): Promise<number> {
  const { output } = context;
  // Attempts are quiet but for hyperd's pid, by which a stuck attempt's hyperd can be found.
  const attemptSay = (line: string) => {
    if (line.startsWith("hyperd pid")) output.say(`shrink attempt: ${line}`);
  };
  if (!replay || !config.until) {
    throw new ConfigError(
      "shrink: expected --replay-file (STRESS_REPLAY_FILE) and --until crash|stall|failure:<regex>",
    );
  }
  const out = await prepareOutputDir(config.outputDir);
  const interrupt = new Interrupt({ killServers: () => context.processes.killAll() });
  const stopListening = interrupt.listen();
  const deadline = Date.now() + config.budgetMin * 60_000;
  const budget = () => Date.now() < deadline && !interrupt.signal.aborted;
  const attempts: Attempt[] = [];
  const target = targetOf(config.until);
  let best: { candidate: Candidate; summary: Summary } | null = null;

  /** Runs `candidate` up to --tries times; true as soon as one try reproduces. */
  const reproduces = async (step: string, candidate: Candidate): Promise<boolean> => {
    const n = attempts.length;
    const signatures: (string | null)[] = [];
    let reproduced = false;
    for (let tryNo = 1; tryNo <= config.tries && !reproduced && budget(); tryNo++) {
      const summary = await attempt(candidate, binary, join(out.path, "attempt"), {
        signal: interrupt.signal,
        say: attemptSay,
        commandLine: context.commandLine,
        processes: context.processes,
      });
      const signature = runSignature(summary);
      signatures.push(signature);
      if (target.matches(summary) && (target.signature ?? signature) === signature) {
        target.signature ??= signature;
        reproduced = true;
        if (!best || size(candidate) <= size(best.candidate)) best = { candidate, summary };
      }
    }
    attempts.push({
      n,
      step,
      candidate: describe(candidate),
      reproduced,
      tries: signatures.length,
      signatures,
    });
    output.say(
      `shrink attempt ${n} (${step}): ${describe(candidate)}: ${
        reproduced ? "reproduced" : "did not reproduce"
      } in ${signatures.length} ${signatures.length === 1 ? "try" : "tries"}`,
    );
    await writeJson(join(out.path, "shrink.json"), { until: config.until, target, attempts });
    return reproduced;
  };

  try {
    const original: Candidate = { config, layout: runLayout(config, replay) };
    if (!await reproduces("original", original)) {
      output.say(
        `shrink: the replay did not ${config.until} in ${config.tries} tries; ` +
          "nothing to shrink (raise --tries or --duration)",
      );
      return EXIT.environment;
    }
    let current = limitToExecuted(original, best!.summary);

    // 1. Fewer users.
    const users = await ddmin(
      current.layout.users,
      (subset) => reproduces("fewer users", withUsers(current, subset)),
      budget,
    );
    current = withUsers(current, users);
    // 2. Each user's shortest prefix that still reproduces.
    for (const user of current.layout.users) {
      if (!budget()) break;
      const high = user.maxOps ?? 0;
      const ops = await smallestReproducing(
        0,
        high,
        (n) => reproduces(`user ${user.id} prefix`, withMaxOps(current, user.id, n)),
        budget,
      );
      current = withMaxOps(current, user.id, ops);
    }
    // 3. Smaller batches, halving while it still reproduces.
    while (current.config.batchMax > 1 && budget()) {
      const smaller = withBatchMax(current, Math.floor(current.config.batchMax / 2));
      if (!await reproduces("smaller batches", smaller)) break;
      current = smaller;
    }

    const smallest = best!;
    const replayPath = join(out.path, "replay.json");
    const { config: c, layout } = smallest.candidate;
    await writeJson(replayPath, buildReplay(c, layout.users, layout.databases, null));
    await writeText(join(out.path, "REPRO.md"), repro(replayPath, target, smallest, original));
    output.say(`shrink: ${describe(smallest.candidate)}`);
    output.say(`wrote ${replayPath}, ${join(out.path, "REPRO.md")}`);
    return EXIT.ok;
  } finally {
    stopListening();
    await Deno.remove(join(out.path, "attempt"), { recursive: true }).catch(() => {});
    await out.release();
  }
}

/** One try of a candidate in `dir`, quiet. */
async function attempt(
  candidate: Candidate,
  binary: HyperdBinary,
  dir: string,
  run: Pick<RunInDirOptions, "signal" | "say" | "commandLine" | "processes">,
): Promise<Summary> {
  const config = { ...candidate.config, outputDir: dir, progressInterval: 0 };
  const { summary } = await runInDir({ config, layout: candidate.layout, binary, dir, ...run });
  return summary;
}

function targetOf(until: string): Target {
  if (until === "crash") {
    return { until, signature: null, matches: (s) => s.stopReason === "CrashDetected" };
  }
  if (until === "stall") {
    return {
      until,
      signature: null,
      matches: (s) => s.stopReason === "Stalled",
    };
  }
  const pattern = new RegExp(until.slice("failure:".length));
  // A failure is matched by its message; the signature is left to the first match.
  return {
    until,
    signature: null,
    matches: (s) => s.errors.some((e) => pattern.test(e.message)),
  };
}

/** Each user limited to the operations it sent in the reproducing run: nothing later matters. */
function limitToExecuted(candidate: Candidate, summary: Summary): Candidate {
  return candidate.layout.users.reduce((c, user) => {
    const ran = summary.users.find((u) => u.id === user.id);
    return ran ? withMaxOps(c, user.id, Math.min(user.maxOps ?? Infinity, ran.ops)) : c;
  }, candidate);
}

/** Smaller is fewer operations, then fewer users. */
function size(candidate: Candidate): number {
  return (totalOps(candidate) ?? Number.MAX_SAFE_INTEGER) * 1000 + candidate.layout.users.length;
}

/** Markdown inline code that holds backticks of its own (hyperd's messages quote with them). */
function code(text: string): string {
  return `\`\` ${text} \`\``;
}

/** REPRO.md: the command, the signature, the operations in flight when it happened. */
function repro(
  replayPath: string,
  target: Target,
  smallest: { candidate: Candidate; summary: Summary },
  original: Candidate,
): string {
  const { candidate, summary } = smallest;
  const inFlight = summary.crash?.inFlight ?? summary.stall?.inFlight ?? [];
  return [
    "# A minimal reproduction",
    "",
    "```sh",
    `deno task stress --replay-file ${replayPath} --duration ${candidate.config.duration}`,
    "```",
    "",
    `- Until: ${code(target.until)}`,
    `- Signature: ${code(target.signature ?? "")}`,
    `- Shrunk from ${original.layout.users.length} users to ${candidate.layout.users.length}, ` +
    `${totalOps(candidate)} operations in all (${describe(candidate)}).`,
    `- hyperd: ${summary.hyperd.version}`,
    "",
    "## In flight when it happened",
    "",
    ...(inFlight.length === 0
      ? ["(none recorded)"]
      : inFlight.map((op) => `- user ${op.user}, seq ${op.seq}, ${op.kind}: ${code(op.sql)}`)),
    "",
  ].join("\n");
}
