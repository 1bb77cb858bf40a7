/**
 * The cards of report.html that say what to look into: findings, failures, the slowest operations,
 * hyperd's warnings, and a crash, a stall or lost rows.
 */
import type { InFlightOp } from "../../stats/op_records.ts";
import { warningCores, warningMeaning } from "../warning_groups.ts";
import { DASH, formatFixed, formatMs, formatNumber, formatSeconds, plural } from "../format.ts";
import { OTHER_MESSAGES } from "../error_groups.ts";
import type { Finding } from "../findings.ts";
import type { Summary } from "../summary.ts";
import { card, esc, htmlTable, pill } from "./html.ts";
import type { IntegrityFinding } from "../../run/integrity.ts";
import { rowText } from "../integrity_findings.ts";

/** Run seconds in tables: 1 decimal, as everywhere. */
const at = (sec: number) => formatFixed(sec, 1);

/** The run's findings, first on the page: what to look at even when the run passed. */
export function findingsCard(summary: Summary): string {
  // Summaries written before findings existed have none.
  const findings = summary.findings ?? [];
  if (findings.length === 0) {
    const slowOpSec = summary.config.slowOpSec as number | undefined;
    // A setting is shown as it was given, not rounded like a measurement.
    const slow = slowOpSec === undefined ? "" : ` than ${formatNumber(slowOpSec, 3)} s`;
    return card(
      "Findings",
      `<p class="muted">No findings: no crash, stall, operation slower${slow} or starvation.</p>`,
      true,
    );
  }
  return card(
    `Findings (${formatNumber(findings.length)})`,
    htmlTable(
      ["kind", "at (s)", "what", "signature"],
      findings.map((f) => [
        pill(false, f.kind) +
        (f.knownBug ? ` <span class="muted">known bug: ${esc(f.knownBug)}</span>` : ""),
        at(f.atSec),
        esc(f.description) + findingSql(f) + wrongRows(f),
        `<code>${esc(f.signature)}</code>`,
      ]),
      [false, true, false, false],
      "findings",
    ),
    true,
  );
}

/** An integrity finding's wrong rows, the model's beside the server's; nothing for others. */
function wrongRows(f: Summary["findings"][number]): string {
  if (!INTEGRITY_KINDS.has(f.kind)) return "";
  const { table, examples } = f.evidence as IntegrityFinding;
  if (examples.length === 0) return "";
  const rows = examples.map((p) =>
    `<tr><td>${p.id ?? DASH}</td><td><code>${esc(rowText(table, p.model))}</code></td>` +
    `<td><code>${esc(rowText(table, p.server))}</code></td></tr>`
  ).join("");
  return `<details><summary>${plural(examples.length, "row")} beside the model's</summary>` +
    `<table><tr><th>id</th><th>model</th><th>server</th></tr>${rows}</table></details>`;
}

const INTEGRITY_KINDS = new Set(["lost", "extra", "duplicated", "corrupted", "torn"]);

/** The slowest operations with their statements. */
export function slowestCard(summary: Summary): string {
  const slowest = summary.slowest ?? [];
  if (slowest.length === 0) {
    return card("Slowest operations", `<p class="muted">No operation completed.</p>`, true);
  }
  return card(
    `Slowest operations (${formatNumber(slowest.length)})`,
    htmlTable(
      [
        "took (ms)",
        "outcome",
        "operation",
        "user",
        "seq",
        "table",
        "rows",
        "started (s)",
        "statement",
      ],
      slowest.map((op) => [
        formatMs(op.durationMs),
        op.outcome === "ok" ? "ok" : `<strong>${esc(op.outcome)}</strong>`,
        esc(op.kind),
        formatNumber(op.user),
        formatNumber(op.seq),
        esc(op.table),
        formatNumber(op.rows),
        at(op.startedAtSec),
        `<code>${esc(op.sql)}</code>`,
      ]),
      [true, false, false, true, true, false, true, true, false],
    ),
    true,
  );
}

/** hyperd's anomaly warnings per kind: how often, when, and the first entry's figures. */
export function serverWarningsCard(summary: Summary): string {
  const warnings = Object.entries(summary.serverWarnings ?? {});
  if (warnings.length === 0) {
    return card(
      "hyperd warnings",
      `<p class="muted">hyperd logged no anomaly warnings (starvation, slow plans, queries ` +
        `without progress, too few network threads, memory limits).</p>`,
      true,
    );
  }
  const cores = warningCores(summary);
  // Trouble first: what is expected on this machine goes below, under its reason.
  const rows = warnings.map(([kind, w]) => ({ kind, w, m: warningMeaning(kind, cores) }))
    .sort((a, b) => Number(b.m.trouble) - Number(a.m.trouble));
  return card(
    "hyperd warnings",
    htmlTable(
      ["warning", "count", "first (s)", "last (s)", "what it means", "first entry"],
      rows.map(({ kind, w, m }) => [
        `${esc(m.label)} <span class="muted"><code>${esc(kind)}</code></span>`,
        formatNumber(w.count),
        at(w.firstAtSec),
        at(w.lastAtSec),
        esc(m.meaning) + (m.trouble ? "" : ` <span class="muted">(${esc(m.why ?? "")})</span>`),
        esc(w.example.detail || DASH) +
        ` <span class="muted">(session ${esc(w.example.session)}, request ` +
        `${esc(w.example.request)})</span>`,
      ]),
      [false, true, true, true, false, false],
    ),
    true,
  );
}

/** Failures grouped by normalised message, then the first ones kept, with hyperd's counts. */
export function errorsCard(summary: Summary): string {
  const { errors, errorCount, serverErrors } = summary;
  const { fatal, memoryLimitExceeded } = serverErrors;
  const dying = fatal + memoryLimitExceeded > 0
    ? `, ${formatNumber(fatal)} fatal ${fatal === 1 ? "entry" : "entries"} and ` +
      plural(memoryLimitExceeded, "memory-limit warning")
    : "";
  const server = `hyperd logged ${formatNumber(serverErrors.user)} user and ` +
    `${formatNumber(serverErrors.system)} system query errors${dying}.`;
  if (errors.length === 0) {
    return card("Errors", `<p class="muted">No operation failed. ${server}</p>`, true);
  }
  // Summaries written before failures were grouped have only the list.
  const groups = summary.errorGroups ?? [];
  const grouped = groups.reduce((n, g) => n + g.count, 0);
  const unlisted = errorCount - grouped;
  const byMessage = groups.length === 0 ? "" : `<h3>By message</h3>` + htmlTable(
    [
      "failures",
      "kinds",
      "first (s)",
      "last (s)",
      "message (numbers as <n>, paths as <path>)",
    ],
    groups.map((g) => [
      formatNumber(g.count),
      g.kinds.map((k) => esc(k)).join(", "),
      at(g.firstAtSec),
      at(g.lastAtSec),
      g.message === OTHER_MESSAGES
        ? `<span class="muted">${esc(OTHER_MESSAGES)}</span>`
        : `<code>${esc(g.message)}</code>` +
          (g.example === g.message ? "" : `<br><span class="muted">e.g. ${esc(g.example)}</span>`),
    ]),
    [true, false, true, true, false],
  ) +
    (unlisted > 0
      ? `<p class="muted">${plural(unlisted, "more failure")} not itemised: each worker reports ` +
        `at most 100 a second.</p>`
      : "");
  const total = `${plural(errorCount, "failed operation")}. `;
  const kept = errors.length < errorCount
    ? `The first ${formatNumber(errors.length)} of ${total}`
    : total;
  const list = htmlTable(
    ["at (s)", "user", "operation", "message"],
    errors.map((
      e,
    ) => [at(e.atSec), formatNumber(e.user), esc(e.op), `<code>${esc(e.message)}</code>`]),
    [true, true, false, false],
  );
  return card(
    "Errors",
    `<p class="muted">${kept}${server}</p>${byMessage}` +
      (groups.length === 0
        ? list
        : `<details><summary>The first ${plural(errors.length, "failure")}, one by one</summary>` +
          `${list}</details>`),
    true,
  );
}

/** Each user's operation in flight at a crash or stall, with its statement. */
function inFlightTable(ops: InFlightOp[]): string {
  if (ops.length === 0) return `<p class="muted">No operation was in flight.</p>`;
  return `<p>In flight at that moment:</p>` + htmlTable(
    ["user", "seq", "kind", "table", "rows", "started (s)", "statement"],
    ops.map((op) => [
      formatNumber(op.user),
      formatNumber(op.seq),
      esc(op.kind),
      esc(op.table),
      formatNumber(op.rows),
      at(op.startedAtSec),
      `<code>${esc(op.sql)}</code>`,
    ]),
    [true, true, false, false, true, true, false],
  );
}

/** Cards for a hyperd crash, a stall and tables that lost rows; nothing when none. */
export function problemsCards(summary: Summary): string {
  const out: string[] = [];
  if (summary.crash) {
    const c = summary.crash;
    const cause = c.cause
      ? `<p>hyperd's reason: <code>${esc(c.cause.message)}</code>` +
        (c.cause.code ? ` (SQLSTATE <code>${esc(c.cause.code)}</code>)` : "") +
        ` <span class="muted">from its ${esc(c.cause.kind)} entry</span></p>`
      : `<p class="muted">hyperd logged no reason (no fatal entry in its log).</p>`;
    out.push(card(
      "hyperd crashed",
      cause +
        `<p>Exit code ${c.exitCode}${c.signal ? ` (${esc(c.signal)})` : ""} at ` +
        `${formatSeconds(c.atSec)}.</p>` + inFlightTable(c.inFlight ?? []) +
        `<p>Last lines of its log:</p><pre>${esc(c.logTail.join("\n"))}</pre>`,
      true,
    ));
  }
  if (summary.stall) {
    out.push(card(
      "hyperd stalled",
      `<p>${esc(summary.stopDetail ?? "")}.</p>` + inFlightTable(summary.stall.inFlight),
      true,
    ));
  }
  const lost = summary.integrity.tables.filter((t) => !t.ok);
  if (lost.length > 0) {
    out.push(card(
      "Integrity mismatches",
      htmlTable(
        ["database", "table", "expected rows", "found rows", "differs"],
        lost.map((t) => [
          formatNumber(t.database),
          esc(t.table),
          formatNumber(t.expected),
          formatNumber(t.actual),
          esc([...(t.differs ?? []), ...(t.error ? [t.error] : [])].join(", ")),
        ]),
        [true, false, true, true, false],
      ),
      true,
    ));
  }
  return out.join("");
}

/** The statement a finding is about: a slow one, a wrong result's shrunk query, a failing query. */
function findingSql(f: Finding): string {
  const sql = f.kind === "slow-operation"
    ? f.evidence.sql
    : f.kind === "wrong-result"
    ? (f.evidence.shrunk?.query ?? f.evidence.query)
    : f.kind === "query-error"
    ? f.evidence.statement
    : null;
  return sql === null ? "" : `<br><code>${esc(sql)}</code>`;
}
