import assert from "node:assert/strict";
import { junitXml } from "../../src/results/junit.ts";
import { summaryText } from "../../src/results/summary_text.ts";
import {
  crashedSummaryFixture,
  emptySummaryFixture,
  findingsSummaryFixture,
  summaryFixture,
} from "../helpers/summary_fixture.ts";

/** An element of a parsed XML document: name, decoded attributes and children. */
interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = {
  "&lt;": "<",
  "&gt;": ">",
  "&amp;": "&",
  "&quot;": '"',
  "&apos;": "'",
};

/** Decodes entities; a bare `&` or `<` means the writer forgot to escape. */
function decode(text: string): string {
  assert.doesNotMatch(text, /<|&(?!(lt|gt|amp|quot|apos);)/, `unescaped text: ${text}`);
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (entity) => ENTITIES[entity]);
}

/** A strict little XML reader: enough to prove the document is well formed and walk it. */
function parseXml(xml: string): XmlElement {
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, "");
  const root: XmlElement = { name: "#root", attributes: {}, children: [], text: "" };
  const stack = [root];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w.-]+="[^"]*")*)\s*(\/?)>/g;
  let last = 0;
  for (const match of body.matchAll(tag)) {
    const top = stack[stack.length - 1];
    top.text += decode(body.slice(last, match.index));
    last = match.index + match[0].length;
    const [, closing, name, attrs, selfClosing] = match;
    if (closing) {
      assert.equal(stack.pop()?.name, name, `mismatched </${name}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of attrs.matchAll(/([\w.-]+)="([^"]*)"/g)) {
      attributes[key] = decode(value);
    }
    const element = { name, attributes, children: [], text: "" };
    top.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  assert.equal(body.slice(last).trim(), "", "text after the root element");
  assert.equal(stack.length, 1, `unclosed <${stack[stack.length - 1].name}>`);
  assert.equal(root.children.length, 1, "exactly one root element");
  return root.children[0];
}

function testcases(xml: string): XmlElement[] {
  const suites = parseXml(xml);
  assert.equal(suites.name, "testsuites");
  const [suite] = suites.children;
  assert.equal(suite.name, "testsuite");
  assert.equal(suite.attributes.name, "hyperstress");
  return suite.children.filter((c) => c.name === "testcase");
}

Deno.test("junitXml() writes one testcase per threshold plus crash, integrity and findings", () => {
  const summary = summaryFixture();
  const xml = junitXml(summary);
  const cases = testcases(xml);
  assert.deepEqual(cases.map((c) => c.attributes.name), [
    "p95_ms<200",
    "failure_rate<0.001",
    "peak_cpu_percent<=95",
    "hyperd did not crash",
    "integrity: every acknowledged row intact",
    "no findings",
  ]);
  const suites = parseXml(xml);
  for (const element of [suites, suites.children[0]]) {
    assert.equal(element.attributes.tests, "6");
    assert.equal(element.attributes.failures, "1");
    assert.equal(element.attributes.time, "60.042");
  }
  // junit-10.xsd allows skipped on <testsuite> only; each case spans the run, not its own time.
  assert.equal(suites.attributes.skipped, undefined);
  assert.equal(suites.children[0].attributes.skipped, "0");
  assert.ok(cases.every((c) => c.attributes.time === "0"));
});

/** The attributes junit-10.xsd allows on each element, and the ones it requires. */
const SCHEMA: Record<string, { allowed: string[]; required: string[]; children: string[] }> = {
  testsuites: {
    allowed: ["name", "time", "tests", "failures", "errors"],
    required: [],
    children: ["testsuite"],
  },
  testsuite: {
    allowed: [
      ...["name", "tests", "failures", "errors", "group", "time", "skipped", "timestamp"],
      ...["hostname", "id", "package", "file", "log", "url"],
    ],
    required: ["name", "tests", "failures", "errors"],
    children: ["testsuite", "properties", "testcase", "system-out", "system-err"],
  },
  properties: { allowed: [], required: [], children: ["property"] },
  property: { allowed: ["name", "value"], required: ["name", "value"], children: [] },
  testcase: {
    allowed: ["name", "time", "classname", "group"],
    required: ["name"],
    children: ["skipped", "error", "failure", "system-out", "system-err"],
  },
  failure: { allowed: ["type", "message"], required: [], children: [] },
  error: { allowed: ["type", "message"], required: [], children: [] },
  skipped: { allowed: ["type", "message"], required: [], children: [] },
  "system-out": { allowed: [], required: [], children: [] },
  "system-err": { allowed: [], required: [], children: [] },
};

/** junit-10.xsd's time format for suites: seconds, thousands may carry commas, a fraction. */
const SUREFIRE_TIME = /^((\d{0,3},)*\d{3}|\d{0,3})*(\.\d*)?$/;

/** Checks `element` and everything under it against junit-10.xsd's structural rules. */
function assertSchemaValid(element: XmlElement): void {
  const rules = SCHEMA[element.name];
  assert.ok(rules, `<${element.name}> is not in junit-10.xsd`);
  for (const name of Object.keys(element.attributes)) {
    assert.ok(rules.allowed.includes(name), `<${element.name}> may not have ${name}`);
  }
  for (const name of rules.required) {
    assert.ok(name in element.attributes, `<${element.name}> needs ${name}`);
  }
  if (element.name === "testsuites" || element.name === "testsuite") {
    assert.match(element.attributes.time ?? "", SUREFIRE_TIME);
  }
  for (const child of element.children) {
    assert.ok(rules.children.includes(child.name), `<${child.name}> in <${element.name}>`);
    assertSchemaValid(child);
  }
}

Deno.test("junitXml() follows junit-10.xsd's rules for a pass, a failure, a crash and an empty run", () => {
  const summaries = [
    summaryFixture(),
    summaryFixture({ thresholds: [], exitCode: 0 }),
    crashedSummaryFixture(),
    emptySummaryFixture(),
  ];
  for (const summary of summaries) {
    const root = parseXml(junitXml(summary));
    assert.equal(root.name, "testsuites");
    assertSchemaValid(root);
  }
});

Deno.test("junitXml() puts the text summary and the report's path in the suite's system-out", () => {
  const summary = summaryFixture();
  const suite = parseXml(junitXml(summary)).children[0];
  const outputs = suite.children.filter((c) => c.name === "system-out");
  assert.equal(outputs.length, 1);
  assert.equal(
    outputs[0].text,
    `${summaryText(summary)}\n\nReport: /tmp/hyperstress-run/report.html\n`,
  );
  assert.match(outputs[0].text, /\nFAILED: 1 of 3 thresholds \(exit 3\)\n/);
});

Deno.test("junitXml() gives only failing thresholds a <failure> with the measured value", () => {
  const cases = testcases(junitXml(summaryFixture()));
  const withFailure = cases.filter((c) => c.children.some((child) => child.name === "failure"));
  assert.deepEqual(withFailure.map((c) => c.attributes.name), ["failure_rate<0.001"]);
  const [failure] = withFailure[0].children;
  assert.equal(failure.attributes.type, "ThresholdFailed");
  assert.equal(failure.attributes.message, "failure_rate<0.001 failed: value was 0.0034");
});

Deno.test("junitXml() fails an unmeasured threshold instead of passing it", () => {
  const summary = summaryFixture({
    thresholds: [{ expr: "peak_cpu_percent<90", value: null, ok: false }],
  });
  const [threshold] = testcases(junitXml(summary));
  assert.equal(
    threshold.children[0].attributes.message,
    "peak_cpu_percent<90 failed: the run did not measure this metric",
  );
});

Deno.test("junitXml() reports a crash with its log tail and skips an unchecked integrity", () => {
  const cases = testcases(junitXml(emptySummaryFixture()));
  const [crash, integrity] = cases;
  assert.equal(crash.attributes.name, "hyperd did not crash");
  assert.equal(crash.children[0].name, "failure");
  assert.equal(
    crash.children[0].attributes.message,
    "hyperd exited with code 139 (SIGSEGV) at 0.4 s",
  );
  assert.equal(crash.children[0].text, "fatal: <boom>");
  assert.equal(integrity.children[0].name, "skipped");
  assert.equal(integrity.children[0].attributes.message, "hyperd crashed");
});

Deno.test("junitXml() gives hyperd's reason for a crash in the failure message and body", () => {
  const summary = crashedSummaryFixture();
  const crash = testcases(junitXml(summary)).find((c) =>
    c.attributes.name === "hyperd did not crash"
  )!;
  const [failure] = crash.children;
  assert.equal(failure.name, "failure");
  assert.equal(failure.attributes.type, "HyperdCrashed");
  const reason = "unable to write compressed datablock: Cannot allocate 2332356 bytes of memory: " +
    "The `global memory limit` limit of 314572800 bytes was exceeded. (53S02)";
  assert.equal(
    failure.attributes.message,
    `hyperd exited with code 134 (SIGABRT) at 3.764 s: ${reason}`,
  );
  assert.equal(
    failure.text,
    `finalize-version-failed: ${reason}\n\n${summary.crash!.logTail.join("\n")}`,
  );
});

Deno.test("junitXml() lists the tables that differ from the model", () => {
  const summary = summaryFixture({
    integrity: {
      checked: true,
      skipped: null,
      mismatches: 1,
      tables: [
        { database: 0, table: "orders", expected: 10, actual: 10, ok: true },
        { database: 1, table: "events", expected: 20, actual: 19, ok: false },
      ],
    },
  });
  const integrity = testcases(junitXml(summary)).find((c) =>
    c.attributes.name === "integrity: every acknowledged row intact"
  )!;
  assert.equal(integrity.children[0].name, "failure");
  assert.equal(integrity.children[0].text, "database 1 table events: expected 20 rows, found 19");
});

Deno.test("junitXml() escapes markup, quotes and control characters", () => {
  const summary = summaryFixture({
    hyperd: { path: "/x", version: `1.0 "beta" <rc> & 'more'` },
    stopDetail: "stopped <early> & \u0007 rang",
    thresholds: [{ expr: `p95_ms<200&"x"`, value: 300, ok: false }],
  });
  const xml = junitXml(summary);
  assert.doesNotMatch(xml, /<rc>|<early>/);
  assert.ok(!xml.includes("\u0007"), "a raw BEL character is not XML");
  const suites = parseXml(xml);
  const suite = suites.children[0];
  const version = suite.children[0].children.find((p) => p.attributes.name === "hyperd.version");
  assert.equal(version?.attributes.value, `1.0 "beta" <rc> & 'more'`);
  assert.equal(suite.children[1].attributes.name, `p95_ms<200&"x"`);
  assert.match(
    suite.children.at(-1)?.text ?? "",
    /^Stop reason: +DurationElapsed \(stopped <early> & \uFFFD rang\)$/m,
  );
});

Deno.test("junitXml() lists findings as output, and fails on them only with --fail-on-findings", () => {
  const findingsCase = (failOnFindings: boolean) => {
    const summary = findingsSummaryFixture();
    summary.config = { ...summary.config, failOnFindings };
    return testcases(junitXml(summary)).find((c) => c.attributes.name === "no findings")!;
  };
  const [output] = findingsCase(false).children;
  assert.equal(output.name, "system-out");
  assert.match(
    output.text,
    /^slow-operation at 0\.95 s: an operation took 50\.1 s \(COPY "t1_medium" …/,
  );
  assert.match(
    output.text,
    /starvation at 44 s: hyperd reported shared-mutex starvation at 44\.0 s/,
  );
  const [failure] = findingsCase(true).children;
  assert.equal(failure.name, "failure");
  assert.equal(failure.attributes.type, "Findings");
  assert.match(failure.attributes.message, /^5 finding\(s\) with --fail-on-findings: an operation/);
  const clean = testcases(junitXml(summaryFixture())).find((c) =>
    c.attributes.name === "no findings"
  );
  assert.deepEqual(clean?.children, []);
});
