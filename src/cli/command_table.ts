/**
 * The commands: each one's name, what it does in one line, what it takes after its name, which
 * groups of settings apply to it, and a few examples. `commands.ts` dispatches on the names;
 * `help.ts` renders the rest.
 */
import type { HelpGroup } from "./help_table.ts";
import { EXIT } from "../verdict_policy.ts";

/** One command as the help shows it. */
export interface CommandInfo {
  name: string;
  /** The words after the name, e.g. `BASE NEW`; empty for none. */
  words: string;
  /** What it does, in one line of at most 58 characters. */
  summary: string;
  /** The groups of settings it reads, in the order its help lists them. */
  groups: readonly HelpGroup[];
  /** Two to four command lines, with what each does. */
  examples: readonly [string, string][];
}

const RUN_GROUPS = ["load", "workload", "server", "limits and stop", "output", "CI"] as const;

/** Every command, in the order `--help` lists them; the first is the default. */
export const COMMAND_TABLE: readonly CommandInfo[] = [
  {
    name: "stress",
    words: "",
    summary: "start hyperd, run the simulated users, write the results",
    groups: RUN_GROUPS,
    examples: [
      ["hyperstress stress --duration 5m", "a five-minute run with the default users"],
      [
        'hyperstress stress --threshold "p99_ms<500" --junit out/junit.xml',
        `a CI run: exit ${EXIT.thresholdFailed} when p99 passes 500 ms, JUnit for the CI`,
      ],
      ["hyperstress stress --arrival-rate 40 --warmup-sec 10s", "40 operations a second"],
      ["hyperstress stress --replay-file DIR/replay.json", "replay an earlier run"],
    ],
  },
  {
    name: "sweep",
    words: "",
    summary: "many runs, each with its own hyperd and seed",
    groups: ["sweep", ...RUN_GROUPS],
    examples: [
      ["hyperstress sweep --runs 20 --duration 60s", "20 one-minute runs, grouped by fault"],
      ["hyperstress sweep --swarm --runs 50 --duration 30s", "each run draws its own mix"],
      ["hyperstress sweep --collect DIR...", "join the sweep.json of shards run apart"],
    ],
  },
  {
    name: "shrink",
    words: "",
    summary: "cut a replay down to the smallest that still fails",
    groups: ["shrink", ...RUN_GROUPS],
    examples: [
      ["hyperstress shrink --replay-file DIR/replay.json --until crash", "smallest crash"],
      [
        'hyperstress shrink --replay-file DIR/replay.json --until "failure:40001"',
        "smallest run where an operation fails with 40001",
      ],
    ],
  },
  {
    name: "plan",
    words: "",
    summary: "show the operations each user will roll (no hyperd)",
    groups: ["plan", "load", "workload"],
    examples: [
      ["hyperstress plan --seed 1 --plan-ops 5", "each user's first five operations"],
      ["hyperstress plan --seed 1 --json", "every field of every operation, as JSON"],
    ],
  },
  {
    name: "merge",
    words: "DIR...",
    summary: "the segments of one run (--segment i/n) as one summary",
    groups: ["output", "CI"],
    examples: [
      ["hyperstress merge out/seg0 out/seg1 --output-dir out/all", "one summary of two parts"],
      ['hyperstress merge out/seg* --threshold "failures==0"', "with a verdict"],
    ],
  },
  {
    name: "report",
    words: "SUMMARY",
    summary: "rebuild report.html from a saved summary.json",
    groups: [],
    examples: [
      ["hyperstress report DIR/summary.json", "writes DIR/report.html"],
      ["hyperstress report out/all/summary.json", "the report of a merged run"],
    ],
  },
  {
    name: "compare",
    words: "BASE NEW",
    summary: `two runs side by side; exit ${EXIT.thresholdFailed} on a regression`,
    groups: ["compare"],
    examples: [
      [
        "hyperstress compare out/base out/new",
        `the table, exit ${EXIT.thresholdFailed} on a regression`,
      ],
      ["hyperstress compare out/base out/new --max-regression 5%", "a stricter bound"],
      ["hyperstress compare out/base out/new --html cmp.html", "also as a page"],
    ],
  },
  {
    name: "hyperd",
    words: "",
    summary: "find or install hyperd and say which one a run uses",
    groups: ["server"],
    examples: [
      ["hyperstress hyperd", "the cached hyperd, installed on first use"],
      ["hyperstress hyperd --hyperd ~/dev/bin/hyperd", "check a hyperd of your own"],
    ],
  },
];

/** The command names, in the order errors list them. */
export const COMMANDS: readonly string[] = COMMAND_TABLE.map((c) => c.name);

/** The command called `name`, or undefined. */
export function commandInfo(name: string): CommandInfo | undefined {
  return COMMAND_TABLE.find((c) => c.name === name);
}
