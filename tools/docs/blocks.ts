/**
 * Every generated block of the docs, by name: each is rendered from the one module that owns its
 * facts (exit codes, settings, presets, the op table, threshold metrics), so no page keeps a copy.
 */
import { COMMAND_SETTINGS } from "../../src/config/command_settings.ts";
import { PRESET_DESCRIPTIONS, PRESET_NAMES, PRESETS } from "../../src/config/presets.ts";
import { RUN_SETTINGS } from "../../src/config/run_settings.ts";
import { SERVER_SETTINGS } from "../../src/config/server_settings.ts";
import { defaultText, type Setting, settingEntries } from "../../src/config/settings.ts";
import { COMPARISONS, OP_METRICS, RUN_METRICS } from "../../src/config/thresholds.ts";
import { WORKLOAD_SETTINGS } from "../../src/config/workload_settings.ts";
import {
  exitCodeOf,
  exitCodeRows,
  FINDING_KIND_NAMES,
  findingFails,
  gravestCode,
  STOP_REASON_NAMES,
  type StopReason,
} from "../../src/verdict_policy.ts";
import { CLASS_KINDS, OP_KINDS, OP_WEIGHTS, USER_CLASSES } from "../../src/workload/op_table.ts";
import { LAYERS } from "./layers.ts";
import { COMMANDS } from "../../src/cli/command_table.ts";
import { commandHelpText, helpText } from "../../src/cli/help.ts";
import { type Block, bullets, cell, code, table } from "./markdown.ts";

/**
 * When each stop reason happens, in a user's words. Partial on purpose: a stop reason is one
 * entry in the verdict policy, and a new one still gets its row (and exit code) without words here.
 */
const STOP_REASON_WHEN: Partial<Record<StopReason, string>> = {
  DurationElapsed: "`--duration` seconds passed",
  UsersFinished: "every user stopped on its own: a replay whose users have `maxOps` (a shrunk " +
    "reproducer)",
  ResourceLimit: "backpressure held for `--max-backpressure-sec`; with `--stop-on-disk-budget`, " +
    "also read-only mode after the disk budget is spent, held as long (without it the run goes " +
    "on reading)",
  CrashDetected: "hyperd exited unexpectedly; users stop within a second; `crash` holds exit " +
    "code, signal, time, the log's last lines and `crash.cause`, hyperd's own reason",
  ServerUnreachable: "an attached hyperd (`--endpoint`) refused connections for `--stall-sec` " +
    "seconds: killed, gone or unreachable; hyperstress sees no exit, so `crash` is null",
  Stalled: "users ran but no operation completed for `--stall-sec` (a hung hyperd), or set-up " +
    "took over `--start-timeout-sec`; operations in flight count as failed, hyperd is ended " +
    "(SIGKILL if it must)",
  Interrupted: "SIGINT or SIGTERM: users stop, hyperd stops cleanly, artifacts are written",
  WorkerFailed: "a user worker itself failed: a fault of hyperstress, not of Hyper (a missing " +
    "permission is a usage error)",
};

/** The exit code a run ends with when `stopReason` is all that went wrong. */
function stopReasonCode(stopReason: StopReason): number {
  return exitCodeOf({ stopReason, integrity: { mismatches: 0 }, thresholds: [] });
}

/** The exit codes, gravest first, as the verdict policy ranks them. */
function codesByRank(): number[] {
  return exitCodeRows().map((r) => r.code as number)
    .sort((a, b) => a === b ? 0 : gravestCode([a, b]) === a ? -1 : 1);
}

/** The settings' groups, each titled by what its part of the settings table is about. */
const SETTING_GROUPS: readonly { title: string; keys: readonly string[] }[] = [
  { title: "The workload", keys: Object.keys(WORKLOAD_SETTINGS) },
  { title: "Operating a run", keys: Object.keys(RUN_SETTINGS) },
  { title: "Verdict, sweep, shrink and compare", keys: Object.keys(COMMAND_SETTINGS) },
  { title: "Which hyperd, attaching and segments", keys: Object.keys(SERVER_SETTINGS) },
];

function settingRow(s: Setting): string[] {
  const fallback = defaultText(s);
  return [
    code(`--${s.flag}`),
    code(s.env),
    fallback === null ? "—" : code(fallback),
    cell(s.help),
    cell(s.expects),
  ];
}

function settingsTables(): string {
  const entries = settingEntries();
  const grouped = new Set(SETTING_GROUPS.flatMap((g) => g.keys));
  const stray = entries.filter(([key]) => !grouped.has(key)).map(([key]) => key);
  if (stray.length > 0) throw new Error(`settings in no group of the docs: ${stray.join(", ")}`);
  return SETTING_GROUPS.map((group) => {
    const rows = entries.filter(([key]) => group.keys.includes(key)).map(([, s]) => settingRow(s));
    return `### ${group.title}\n\n${
      table(["Flag", "Env variable", "Default", "Meaning", "Takes"], rows)
    }`;
  }).join("\n\n");
}

/** The generated blocks, by the name their markers use. */
export const BLOCKS: Readonly<Record<string, Block>> = {
  "exit-codes": {
    source: "src/verdict_policy.ts",
    render: () =>
      table(
        ["Code", "Meaning"],
        exitCodeRows().map((row) => [String(row.code), cell(row.meaning)]),
      ),
  },
  "stop-reasons": {
    source: "src/verdict_policy.ts",
    render: () =>
      table(
        ["Stop reason", "When", "Exit code alone"],
        STOP_REASON_NAMES.map((r) => [
          code(r),
          cell(STOP_REASON_WHEN[r] ?? "—"),
          String(stopReasonCode(r)),
        ]),
      ),
  },
  "exit-code-ranks": {
    source: "src/verdict_policy.ts",
    render: () => `Gravest first: ${codesByRank().join(", ")}.`,
  },
  "finding-kinds": {
    source: "src/verdict_policy.ts",
    render: () =>
      table(
        ["Finding kind", "Fails the run"],
        FINDING_KIND_NAMES.map((kind) => [
          code(kind),
          findingFails(kind, false) ? "always" : "only with `--fail-on-findings`",
        ]),
      ),
  },
  "settings": {
    source: "SETTINGS in src/config/settings.ts",
    render: settingsTables,
  },
  "replay-settings": {
    source: "SETTINGS in src/config/settings.ts",
    render: () =>
      bullets(
        settingEntries()
          .filter(([, s]) => s.operator)
          .map(([, s]) => `${code(`--${s.flag}`)} (${code(s.env)}): ${s.help}`),
      ),
  },
  "presets": {
    source: "src/config/presets.ts",
    render: () =>
      table(
        ["Preset", "What it tests", "Sets"],
        PRESET_NAMES.map((name) => [
          code(name),
          cell(PRESET_DESCRIPTIONS[name]),
          Object.entries(PRESETS[name]).map(([k, v]) => code(`${k}=${v}`)).join(", ") || "—",
        ]),
      ),
  },
  "op-probabilities": {
    source: "src/workload/op_table.ts",
    render: () =>
      table(
        ["Operation", ...USER_CLASSES.map((c) => c[0].toUpperCase() + c.slice(1))],
        OP_KINDS.map((kind) => [
          kind,
          // In parentheses: a weight that counts only once --ops turns the kind on.
          ...USER_CLASSES.map((c) => {
            const weight = OP_WEIGHTS[c][kind].toFixed(2);
            return CLASS_KINDS[c].includes(kind) ? weight : `(${weight})`;
          }),
        ]),
      ),
  },
  "layers": {
    source: "tools/docs/layers.ts",
    render: () =>
      table(
        ["Folder", "What it holds"],
        [
          ...LAYERS.map((l) => [code(`src/${l.folder}/`), cell(l.holds)]),
          [
            code("src/*.ts"),
            "errors, the verdict policy (exit codes and their ranks), the clock, the output sink, the version: shared by every layer",
          ],
        ],
      ),
  },
  "command-help": {
    source: "src/cli/help.ts",
    render: () =>
      [
        "```\n$ hyperstress --help",
        helpText(),
        "```",
        ...COMMANDS.flatMap((name) => [
          "",
          `### ${name}`,
          "",
          `\`\`\`\n$ hyperstress help ${name}`,
          commandHelpText(name),
          "```",
        ]),
      ].join("\n"),
  },
  "threshold-metrics": {
    source: "src/config/thresholds.ts",
    render: () =>
      bullets([
        `The whole run: ${RUN_METRICS.map(code).join(", ")}.`,
        `One operation kind, as ${code("<Kind>.<metric>")}: the kinds ${
          OP_KINDS.map(code).join(", ")
        }; the metrics ${OP_METRICS.map(code).join(", ")}.`,
        `Comparisons: ${COMPARISONS.map(code).join(", ")}.`,
      ]),
  },
};
