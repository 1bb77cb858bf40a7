/** The run's details in report.html: the header (what ran, where, how it ended), every setting. */
import { exitMeaning, outcomeWord, passed } from "../../verdict_policy.ts";
import { SETTINGS } from "../../config/settings.ts";
import { DASH, formatNumber, formatSeconds, plural } from "../format.ts";
import type { Summary } from "../summary.ts";
import { esc, htmlTable, pill } from "./html.ts";

/** `args` as a shell would take them back: words with spaces or quotes are single-quoted. */
export function shellLine(args: readonly string[]): string {
  return args.map((a) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)
    .join(" ");
}

/** The machine in one line: OS and architecture, CPU model and cores, memory. */
function hostLine(host: Summary["host"] | undefined): string {
  if (!host) return `<span class="muted">not recorded</span>`;
  const model = host.cpuModel
    ? esc(host.cpuModel)
    : `<span class="muted" title="reading it needs --allow-sys=cpus, which the run was not given">` +
      `CPU model unknown</span>`;
  const memory = host.memoryMb === null
    ? `<span class="muted">memory unknown</span>`
    : `${formatNumber(host.memoryMb / 1024, 1)} GB memory`;
  return `${esc(host.os)} ${esc(host.arch)}; ${plural(host.cores, "core")}, ${model}; ${memory}`;
}

/** The page header: pass or fail, versions, seed, timing, stop reason, users, host, command. */
export function header(summary: Summary): string {
  const meaning = exitMeaning(summary.exitCode);
  const ok = passed(summary.exitCode);
  const c = summary.config;
  // Summaries written before these were kept have none of them.
  const tool = summary.hyperstress as Summary["hyperstress"] | undefined;
  const commandLine = summary.commandLine ?? null;
  const meta: [string, string][] = [
    [
      "hyperstress",
      tool ? `${esc(tool.version)} <span class="muted">on Deno ${esc(tool.deno)}</span>` : DASH,
    ],
    ["hyperd", esc(summary.hyperd.version)],
    ["seed", esc(c.seed)],
    ["started", esc(summary.startedAt.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC"))],
    ["duration", `${formatSeconds(summary.durationSec)} of ${formatSeconds(c.duration, 0)}`],
    [
      "stop reason",
      esc(summary.stopReason) +
      (summary.stopDetail ? ` <span class="muted">(${esc(summary.stopDetail)})</span>` : ""),
    ],
    ["exit code", `${summary.exitCode} <span class="muted">${esc(meaning)}</span>`],
    [
      "users",
      `${formatNumber(c.inserterUsers)} inserter, ${formatNumber(c.queryUsers)} query, ` +
      `${formatNumber(c.mixedUsers)} mixed` +
      (c.ledgerUsers ? `, ${formatNumber(c.ledgerUsers)} ledger` : "") +
      ` <span class="muted">on ` +
      `${formatNumber(summary.workers)} workers, ${formatNumber(c.databases)} databases</span>`,
    ],
    ["transport", `${esc(c.transport)}, ${esc(c.dataFormat)}`],
  ];
  const command = commandLine === null
    ? `<span class="muted">not recorded</span>`
    : `<code>hyperstress ${esc(shellLine(commandLine))}</code>`;
  return `<header><div class="title"><h1>hyperstress report</h1>` +
    pill(ok, ok ? "passed" : `${outcomeWord(summary.exitCode)}: exit ${summary.exitCode}`) +
    `</div>` +
    `<dl class="meta">${meta.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join("")}` +
    `<div class="wide-row"><dt>host</dt><dd>${hostLine(summary.host)}</dd></div>` +
    `<div class="wide-row"><dt>command</dt><dd>${command}</dd></div></dl></header>`;
}

/** A setting's value as a user would type it: lists comma-separated, thresholds as written. */
function settingValue(value: unknown): string {
  if (value === undefined) return DASH;
  if (Array.isArray(value)) {
    return value.map((v) => typeof v === "object" && v !== null && "expr" in v ? v.expr : v)
      .join(", ") || DASH;
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Every setting of the run by its flag, those changed from the default first; folded away. */
export function configCard(summary: Summary): string {
  const settings = SETTINGS as Record<string, { flag: string; env: string; default?: unknown }>;
  const entries = Object.entries(summary.config).map(([key, value]) => {
    const s = settings[key];
    // A default drawn at start (the seed) is nothing to compare with; no default is a dash.
    const fixed = !s || typeof s.default === "function" ? undefined : settingValue(s.default);
    const shown = settingValue(value);
    return { key, s, shown, fixed, changed: fixed !== undefined && shown !== fixed };
  });
  // Changed settings first: they are what makes this run this run.
  entries.sort((a, b) => Number(b.changed) - Number(a.changed));
  const rows = entries.map(({ key, s, shown, fixed, changed }) => [
    `<code>${esc(s ? `--${s.flag}` : key)}</code>`,
    changed ? `<strong>${esc(shown)}</strong>` : esc(shown),
    s ? `<code class="muted">${esc(s.env)}</code>` : "",
    changed ? "set" : fixed === undefined ? "" : `<span class="muted">default</span>`,
  ]);
  return `<details class="card wide"><summary>Configuration and run details</summary>` +
    `<p class="muted">hyperd at <code>${esc(summary.hyperd.path)}</code>; output in ` +
    `<code>${esc(summary.outputDir)}</code>; reads: ` +
    `${formatNumber(summary.transport.libpqReads)} libpq, ` +
    `${formatNumber(summary.transport.grpcReads)} gRPC.</p>` +
    `${htmlTable(["flag", "value", "env variable", "from"], rows)}</details>`;
}
