/** JUnit XML of a run for CI test tabs: one testcase per threshold, crash and integrity check. */
import { describeIntegrity } from "./integrity_findings.ts";
import { join } from "node:path";
import { describeCause } from "../hyperd/crash.ts";
import { findingFails } from "../verdict_policy.ts";
import type { Summary } from "./summary.ts";
import { summaryText } from "./summary_text.ts";

/** One testcase before it is written out. */
interface TestCase {
  classname: string;
  name: string;
  failure?: { type: string; message: string; body: string };
  skipped?: string;
  /** Text for the testcase's system-out, e.g. findings that did not fail the run. */
  output?: string;
}

// XML 1.0 forbids most control characters even when escaped; server messages may carry them.
// deno-lint-ignore no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text safe inside XML attributes and elements. */
export function xmlEscape(text: string): string {
  return text.replace(INVALID_XML, "\uFFFD")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

/** The testcases a summary maps to, in a stable order. */
function testCases(summary: Summary): TestCase[] {
  const cases: TestCase[] = summary.thresholds.map((t) => ({
    classname: "hyperstress.thresholds",
    name: t.expr,
    failure: t.ok ? undefined : {
      type: "ThresholdFailed",
      message: t.value === null
        ? `${t.expr} failed: the run did not measure this metric`
        : `${t.expr} failed: value was ${t.value}`,
      body: "",
    },
  }));
  const crash = summary.crash;
  cases.push({
    classname: "hyperstress.hyperd",
    name: "hyperd did not crash",
    failure: crash
      ? {
        type: "HyperdCrashed",
        message: `hyperd exited with code ${crash.exitCode}` +
          `${crash.signal ? ` (${crash.signal})` : ""} at ${crash.atSec} s` +
          (crash.cause ? `: ${describeCause(crash.cause)}` : ""),
        body: [
          ...(crash.cause ? [`${crash.cause.kind}: ${describeCause(crash.cause)}`, ""] : []),
          ...crash.logTail,
        ].join("\n"),
      }
      : summary.stopReason === "ServerUnreachable"
      // An attached hyperd gone: hyperstress saw no exit, only connections refused.
      ? { type: "ServerUnreachable", message: summary.stopDetail ?? "hyperd went away", body: "" }
      : undefined,
  });
  const integrity = summary.integrity;
  const lost = integrity.tables.filter((t) => !t.ok);
  cases.push({
    classname: "hyperstress.integrity",
    name: "integrity: every acknowledged row intact",
    skipped: integrity.checked ? undefined : integrity.skipped ?? "integrity was not checked",
    failure: integrity.checked && integrity.mismatches > 0
      ? {
        type: "IntegrityMismatch",
        message: `${integrity.mismatches} table(s) do not hold exactly the acknowledged rows`,
        body: [
          ...lost.map((t) =>
            `database ${t.database} table ${t.table}: expected ${t.expected} rows, ` +
            `found ${t.actual ?? "none (the check failed)"}` +
            (t.differs?.length ? `; differs: ${t.differs.join(", ")}` : "") +
            (t.error ? `; ${t.error}` : "")
          ),
          ...(integrity.findings ?? []).map(describeIntegrity),
        ].join("\n"),
      }
      : undefined,
  });
  cases.push(findingsCase(summary));
  return cases;
}

/**
 * Findings fail their testcase when the verdict policy says they fail the run (some kinds always,
 * the rest only with --fail-on-findings); otherwise they are its output.
 */
function findingsCase(summary: Summary): TestCase {
  // Summaries written before findings existed have none.
  const findings = summary.findings ?? [];
  const lines = findings.map((f) => `${f.kind} at ${f.atSec} s: ${f.description} [${f.signature}]`);
  const gating = summary.config.failOnFindings === true;
  // A crash fails its own testcase ("hyperd did not crash"), not this one too.
  const failing = findings.filter((f) => f.kind !== "crash" && findingFails(f.kind, gating));
  return {
    classname: "hyperstress.findings",
    name: "no findings",
    failure: failing.length > 0
      ? {
        type: "Findings",
        message: `${failing.length} finding(s)${gating ? " with --fail-on-findings" : ""}: ` +
          failing.map((f) => f.description).join("; "),
        body: lines.join("\n"),
      }
      : undefined,
    output: failing.length === 0 && findings.length > 0 ? lines.join("\n") : undefined,
  };
}

/**
 * A JUnit XML document with one testsuite "hyperstress" that validates against junit-10.xsd (the
 * schema Jenkins reads): each check spans the whole run, and the suite's system-out holds the
 * text summary and the report's path.
 */
export function junitXml(summary: Summary): string {
  const cases = testCases(summary);
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const time = summary.durationSec.toFixed(3);
  // junit-10.xsd allows `skipped` on <testsuite> only.
  const counts = `tests="${cases.length}" failures="${failures}" errors="0"`;
  const properties: [string, string | number][] = [
    ["hyperd.version", summary.hyperd.version],
    ["seed", summary.config.seed],
    ["stopReason", summary.stopReason],
    ["exitCode", summary.exitCode],
    ["ops", summary.totals.ops],
    ["failures", summary.totals.failures],
  ];
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="hyperstress" ${counts} time="${time}">`,
    `  <testsuite name="hyperstress" ${counts} skipped="${skipped}" time="${time}" ` +
    `timestamp="${xmlEscape(summary.startedAt)}">`,
    `    <properties>`,
    ...properties.map(([name, value]) =>
      `      <property name="${xmlEscape(name)}" value="${xmlEscape(String(value))}"/>`
    ),
    `    </properties>`,
  ];
  for (const c of cases) {
    // Every check looks at the whole run: the suite took the run's time, no case took its own.
    const open = `    <testcase classname="${c.classname}" name="${xmlEscape(c.name)}" time="0"`;
    if (!c.failure && c.skipped === undefined && c.output === undefined) {
      out.push(`${open}/>`);
      continue;
    }
    out.push(`${open}>`);
    if (c.skipped !== undefined) out.push(`      <skipped message="${xmlEscape(c.skipped)}"/>`);
    if (c.failure) {
      const { type, message, body } = c.failure;
      out.push(
        `      <failure type="${type}" message="${xmlEscape(message)}">` +
          `${xmlEscape(body || message)}</failure>`,
      );
    }
    if (c.output !== undefined) {
      out.push(`      <system-out>${xmlEscape(c.output)}</system-out>`);
    }
    out.push(`    </testcase>`);
  }
  // What the run printed, and where its report is, for the CI page that shows the suite.
  const report = join(summary.outputDir, "report.html");
  out.push(
    `    <system-out>${xmlEscape(`${summaryText(summary)}\n\nReport: ${report}\n`)}</system-out>`,
  );
  out.push(`  </testsuite>`, `</testsuites>`, "");
  return out.join("\n");
}
