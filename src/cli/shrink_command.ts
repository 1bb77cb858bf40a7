/**
 * `shrink --replay-file F --until crash|stall|failure:<regex>`: a smaller replay that fails as
 * often as the target rate says, measured. The original's rate is measured first (with the
 * recorded schedule when the original wrote one, and with natural timing when that does not
 * reproduce every time); every cut is kept only when a sequential test over fresh tries says it
 * meets the rate; the result is measured again with fresh tries of exactly the command REPRO.md
 * gives. Every try is a fresh hyperd; --parallel runs that many at once.
 */
import { copyFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parseCommandLine } from "./args.ts";
import { readReplay, type Replay } from "../config/replay.ts";
import { buildReplay } from "../config/replay.ts";
import { resolveConfig } from "../config/resolve.ts";
import { runLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";
import { EXIT } from "../verdict_policy.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import { writeJson, writeText } from "../results/artifacts.ts";
import type { Summary } from "../results/summary.ts";
import { prepareOutputDir } from "../run/output_dir.ts";
import { SCHEDULE_FILE } from "../run/schedule_file.ts";
import {
  type Candidate,
  describe,
  isInside,
  isSmaller,
  type ReplayTiming,
  totalOps,
  withMaxOps,
  withUsers,
} from "../shrink/candidate.ts";
import { opLimit } from "../workload/layout.ts";
import { shrinkSearch } from "../shrink/search.ts";
import {
  type Attempt,
  changes,
  type Rate,
  rateWords,
  reproArgs,
  reproCommand,
  reproText,
  SHRINK_SCHEMA_VERSION,
  type ShrinkReport,
} from "../shrink/shrink_report.ts";
import { measureFixed, measureRate, rateText, searchRate } from "../shrink/sprt.ts";
import type { CommandContext } from "./context.ts";
import { Interrupt } from "./interrupt.ts";
import { ShrinkTries } from "./shrink_tries.ts";

/** Never asks a candidate for more than this rate by default: 2 of 3 is a usable reproduction. */
const DEFAULT_RATE_CAP = 2 / 3;

/** Shrinks `replay` into `config.outputDir`; 0 with a reproducer that met the rate, else not. */
export async function shrinkCommand(
  config: Config,
  replay: Replay | undefined,
  binary: HyperdBinary,
  context: CommandContext,
): Promise<number> {
  if (!replay || !config.until || !config.replayFile) {
    throw new ConfigError(
      "shrink: expected --replay-file (STRESS_REPLAY_FILE) and --until crash|stall|failure:<regex>",
    );
  }
  const out = await prepareOutputDir(config.outputDir);
  const interrupt = new Interrupt({ killServers: () => context.processes.killAll() });
  const stopListening = interrupt.listen();
  const tries = new ShrinkTries({
    binary,
    root: out.path,
    signal: interrupt.signal,
    lanes: config.parallel,
    until: config.until,
    context,
  });
  try {
    return await shrink({
      config,
      replay,
      binary,
      outDir: out.path,
      interrupt,
      tries,
      say: (line) => context.output.say(`shrink: ${line}`),
    });
  } finally {
    stopListening();
    for (const dir of tries.dirs()) await Deno.remove(dir, { recursive: true }).catch(() => {});
    await out.release();
  }
}

/** What the steps of one shrink share. */
interface Shrink {
  config: Config;
  replay: Replay;
  binary: HyperdBinary;
  outDir: string;
  interrupt: Interrupt;
  tries: ShrinkTries;
  say: (line: string) => void;
}

async function shrink(s: Shrink): Promise<number> {
  const { config, tries, interrupt } = s;
  const startedMs = Date.now();
  const deadline = startedMs + config.maxMinutes * 60_000;
  const minutes = () => (Date.now() - startedMs) / 60_000;
  const say = s.say;
  const attempts: Attempt[] = [];
  const original: Candidate = { config, layout: runLayout(config, s.replay) };
  const scheduleFile = join(dirname(config.replayFile!), SCHEDULE_FILE);
  const hasSchedule = await Deno.stat(scheduleFile).then(() => true, () => false);

  // 1. The original's rate, with each timing worth trying.
  const rates: Partial<Record<ReplayTiming, Rate>> = {};
  const reproducing: Summary[] = [];
  const measureOriginal = async (timing: ReplayTiming) => {
    const candidate = withTiming(original, timing);
    const rate = await measureFixed(
      async () => {
        const result = await tries.run(candidate);
        if (result.reproduced) reproducing.push(result.summary);
        return result.reproduced;
      },
      config.tries,
      config.parallel,
      () => !interrupt.signal.aborted,
    );
    rates[timing] = rate;
    say(
      `original with ${timing} timing reproduced ${rateText(rate)} (${minutes().toFixed(1)} min)`,
    );
    return rate;
  };
  let timing: ReplayTiming = hasSchedule ? "recorded" : "natural";
  const first = await measureOriginal(timing);
  if (hasSchedule && first.k < first.n && Date.now() < deadline && !interrupt.signal.aborted) {
    const natural = await measureOriginal("natural");
    if (natural.k / natural.n > first.k / first.n) timing = "natural";
  }
  const best = rates[timing]!;
  if (best.k === 0) {
    say(
      `the replay did not ${config.until} in ${best.n} tries; nothing to shrink ` +
        "(raise --tries or --duration)",
    );
    return EXIT.environment;
  }
  const target = config.minReproRate ?? Math.min(best.k / best.n, DEFAULT_RATE_CAP);
  const from = config.minReproRate === undefined ? "original" : "--min-repro-rate";
  if (best.k / best.n < target) {
    say(
      `the original reproduced ${rateText(best)}, below --min-repro-rate ` +
        `${rateWords(target)}; nothing can meet it (lower --min-repro-rate)`,
    );
    return EXIT.environment;
  }
  const held = searchRate(target);
  say(
    `every cut must reproduce at least ${rateWords(held)} of the time, the result ` +
      `${rateWords(target)} afresh (${timing} timing)`,
  );

  // 2. The search: each candidate accepted only when its measured rate meets the target.
  // The original met the rate as measured: the result when no cut does, or time is up first.
  const kept: Kept[] = [{
    candidate: withTiming(original, timing),
    summary: reproducing[0] ?? null,
    rate: best,
  }];
  const smallest = () => kept[kept.length - 1];
  const meanTrySec = () =>
    tries.seconds.length === 0
      ? 30
      : tries.seconds.reduce((a, b) => a + b, 0) / tries.seconds.length;
  // Time is kept back for two fresh measures (the smallest kept candidate, and one larger should
  // the smallest fall below the rate afresh, as in a 13-minute run that had time for one only),
  // and one try more for the candidate under way when the budget runs out.
  const reserveMs = () => (2 * Math.ceil(config.tries / config.parallel) + 1) * meanTrySec() * 1000;
  const budget = () => Date.now() + reserveMs() < deadline && !interrupt.signal.aborted;
  // ddmin asks again for subsets it has tried, and a subset of a candidate that did not
  // reproduce rarely does (this failure needs load): neither is worth its tries.
  const rejected: { n: number; candidate: Candidate }[] = [];
  const accept = async (step: string, candidate: Candidate, holdTo = held): Promise<boolean> => {
    const outer = rejected.find((r) => isInside(candidate, r.candidate));
    if (outer) {
      say(`(${step}) ${describe(candidate)}: skipped, inside candidate ${outer.n}, dropped`);
      return false;
    }
    let summary: Summary | null = null;
    const signatures: (string | null)[] = [];
    const rate = await measureRate(
      async () => {
        const result = await tries.run(candidate, true);
        signatures.push(result.signature);
        if (result.reproduced) summary = result.summary;
        return result.reproduced;
      },
      { target: holdTo, maxTries: config.tries },
      config.parallel,
      () => !interrupt.signal.aborted,
    );
    const accepted = rate.verdict === "accept";
    if (!accepted) rejected.push({ n: attempts.length + 1, candidate });
    if (accepted && isSmaller(candidate, smallest().candidate)) {
      kept.push({ candidate, summary, rate: { k: rate.k, n: rate.n } });
    }
    attempts.push({
      n: attempts.length + 1,
      step,
      candidate: describe(candidate),
      users: candidate.layout.users.length,
      ops: totalOps(candidate),
      k: rate.k,
      tries: rate.n,
      accepted,
      signatures,
      atMin: Number(minutes().toFixed(2)),
    });
    say(
      `${attempts.length} (${step}) ${describe(candidate)}: reproduced ${rateText(rate)}, ` +
        `${accepted ? "kept" : "dropped"} · smallest ${sizeText(smallest().candidate)} · ` +
        `${minutes().toFixed(1)} of ${config.maxMinutes} min`,
    );
    return accepted;
  };

  /** shrink.json as it stands: written after every candidate, so a killed shrink keeps its log. */
  const reportSoFar = (stoppedBy: ShrinkReport["stoppedBy"]): ShrinkReport => ({
    schemaVersion: SHRINK_SCHEMA_VERSION,
    until: config.until!,
    signature: tries.target.signature,
    minReproRate: { rate: target, from, search: held },
    timing,
    original: {
      users: original.layout.users.length,
      ops: reproducing[0] ? reproducing[0].users.reduce((n, u) => n + u.ops, 0) : null,
      rates,
    },
    result: null,
    stoppedBy,
    minutes: minutes(),
    tries: config.tries,
    attempts,
  });
  const accepting = async (step: string, candidate: Candidate, holdTo = held) => {
    const accepted = await accept(step, candidate, holdTo);
    await writeJson(join(s.outDir, "shrink.json"), reportSoFar("running"));
    return accepted;
  };
  const executed = limitToExecuted(withTiming(original, timing), reproducing);
  // Held to the target, not the search's rate: it is one candidate, not the pick of many, and it
  // drops only operations no reproducing try of the original sent.
  if (budget() && await accepting("operations sent before it failed", executed, target)) {
    await shrinkSearch(executed, accepting, budget);
  }
  const stoppedBy = interrupt.signal.aborted ? "interrupt" : budget() ? "done" : "time";

  // 3. From the smallest kept candidate back, each written and measured afresh with exactly the
  // command REPRO.md gives, until one meets the rate: with many candidates tried, some pass the
  // sequential test by luck (a 15-minute shrink kept 7 users and 28 operations at 3 of 3 that then
  // reproduced 1 of 6). Time permitting; the original, measured already, closes the list.
  const replayFile = resolve(join(s.outDir, "replay.json"));
  const write = async ({ config: c, layout }: Candidate) => {
    await writeJson(replayFile, buildReplay(c, layout.users, layout.databases, null));
    if (timing === "recorded") await copyFile(scheduleFile, join(s.outDir, SCHEDULE_FILE));
    return reproArgs(replayFile, c.duration, timing);
  };
  const measuredAfresh: { kept: Kept; rate: Rate; inFlight: Summary | null }[] = [];
  for (let i = kept.length - 1; i >= 0; i--) {
    if (measuredAfresh.length > 0 && (Date.now() >= deadline || interrupt.signal.aborted)) break;
    const args = await write(kept[i].candidate);
    say(
      `measuring ${describe(kept[i].candidate)}: ${config.tries} fresh tries of ` +
        reproCommand(args),
    );
    const measured = await candidateOfArgs(args);
    let inFlight: Summary | null = null;
    const rate = await measureFixed(
      async () => {
        const result = await tries.run(measured);
        if (result.reproduced) inFlight ??= result.summary;
        return result.reproduced;
      },
      config.tries,
      config.parallel,
      () => !interrupt.signal.aborted,
    );
    measuredAfresh.push({ kept: kept[i], rate, inFlight });
    say(`${describe(kept[i].candidate)}: reproduced ${rateText(rate)} afresh`);
    if (rate.n > 0 && rate.k / rate.n >= target) break;
  }
  // The first that met the rate; else the one that reproduced most often afresh.
  const chosen = measuredAfresh.find((m) => m.rate.n > 0 && m.rate.k / m.rate.n >= target) ??
    [...measuredAfresh].sort((a, b) => b.rate.k / (b.rate.n || 1) - a.rate.k / (a.rate.n || 1))[0];
  const { candidate } = chosen.kept;
  const command = reproCommand(await write(candidate));
  const report = reportSoFar(stoppedBy);
  report.result = {
    candidate: describe(candidate),
    users: candidate.layout.users.length,
    ops: totalOps(candidate),
    replayFile,
    command,
    rate: chosen.rate,
    keptAt: chosen.kept.rate,
    changes: changes(original, candidate),
    smallerButRarer: measuredAfresh.filter((m) =>
      m !== chosen && isSmaller(m.kept.candidate, candidate)
    )
      .map((m) => ({ candidate: describe(m.kept.candidate), rate: m.rate, keptAt: m.kept.rate })),
  };
  await writeJson(join(s.outDir, "shrink.json"), report);
  const shown = chosen.inFlight ?? chosen.kept.summary;
  const crash = shown?.crash?.inFlight ?? shown?.stall?.inFlight ?? [];
  await writeText(
    join(s.outDir, "REPRO.md"),
    reproText(report, candidate, shown?.hyperd.version ?? "unknown", crash),
  );
  say(`${describe(candidate)}: reproduces ${rateText(chosen.rate)} with ${command}`);
  say(`wrote ${replayFile}, ${join(s.outDir, "REPRO.md")}, ${join(s.outDir, "shrink.json")}`);
  return interrupt.signal.aborted ? EXIT.interrupted : EXIT.ok;
}

/** A candidate the search kept: its first reproducing try's summary and the rate it was kept at. */
interface Kept {
  candidate: Candidate;
  summary: Summary | null;
  rate: Rate;
}

/** The candidate with `timing`; recorded starts come from the schedule beside the replay file. */
function withTiming(candidate: Candidate, timing: ReplayTiming): Candidate {
  return { ...candidate, config: { ...candidate.config, replayTiming: timing } };
}

/** What `deno task stress <args>` would run, resolved the way main.ts resolves it (no env). */
async function candidateOfArgs(args: string[]): Promise<Candidate> {
  const parsed = parseCommandLine(args);
  const replay = await readReplay(parsed.flags.replayFile!, "--replay-file");
  const config = resolveConfig(parsed.flags, {}, replay);
  return { config, layout: runLayout(config, replay) };
}

/**
 * Each user limited to the most operations it sent in any reproducing try of the original:
 * nothing it would have sent later played a part.
 */
function limitToExecuted(candidate: Candidate, summaries: readonly Summary[]): Candidate {
  const limited = candidate.layout.users.reduce((c, user) => {
    // An already shrunk replay's kept ops stay as they are.
    if (user.ops) return c;
    const sent = summaries.map((s) => s.users.find((u) => u.id === user.id)?.ops ?? 0);
    return withMaxOps(c, user.id, Math.min(user.maxOps ?? Infinity, Math.max(0, ...sent)));
  }, candidate);
  // A user that sent nothing played no part (a replay keeps one user at least).
  const active = limited.layout.users.filter((u) => opLimit(u) !== 0);
  return active.length > 0 ? withUsers(limited, active) : limited;
}

function sizeText(candidate: Candidate): string {
  return `${candidate.layout.users.length} users, ${totalOps(candidate) ?? "?"} ops`;
}
