import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { junitXml } from "../../src/results/junit.ts";
import {
  crashedSummaryFixture,
  emptySummaryFixture,
  summaryFixture,
} from "../helpers/summary_fixture.ts";
import { withTempDir } from "../helpers/temp_dir.ts";

const XSD = fileURLToPath(new URL("../fixtures/junit-10.xsd", import.meta.url));

/** Why xmllint cannot run here, or null when it can. */
async function whyNoXmllint(): Promise<string | null> {
  try {
    const out = await new Deno.Command("xmllint", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success ? null : `xmllint --version failed (exit ${out.code})`;
  } catch (error) {
    return `xmllint is not installed (${(error as Error).message}); ` +
      "apt-get install libxml2-utils";
  }
}

const NO_XMLLINT = await whyNoXmllint();
if (NO_XMLLINT) console.warn(`junit_schema_test.ts skipped: ${NO_XMLLINT}`);

/** xmllint's verdict on `xml` against the shipped junit-10.xsd: null when it validates. */
async function schemaErrors(xml: string, dir: string): Promise<string | null> {
  const file = join(dir, "junit.xml");
  await Deno.writeTextFile(file, xml);
  const out = await new Deno.Command("xmllint", {
    args: ["--noout", "--schema", XSD, file],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return out.success ? null : new TextDecoder().decode(out.stderr);
}

Deno.test({
  name: "junitXml() validates against junit-10.xsd for a pass, a failure, a crash and an empty run",
  ignore: NO_XMLLINT !== null,
  async fn() {
    await withTempDir(async (dir) => {
      const summaries = {
        failed: summaryFixture(),
        passed: summaryFixture({ thresholds: [], exitCode: 0 }),
        crashed: crashedSummaryFixture(),
        empty: emptySummaryFixture(),
        escaped: summaryFixture({ stopDetail: "stopped <early> & \u0007 rang" }),
      };
      for (const [name, summary] of Object.entries(summaries)) {
        assert.equal(await schemaErrors(junitXml(summary), dir), null, name);
      }
    });
  },
});

Deno.test({
  name: "the shipped junit-10.xsd rejects a skipped attribute on <testsuites>",
  ignore: NO_XMLLINT !== null,
  async fn() {
    await withTempDir(async (dir) => {
      const xml = junitXml(summaryFixture()).replace("<testsuites ", '<testsuites skipped="0" ');
      assert.match(
        await schemaErrors(xml, dir) ?? "validated",
        /attribute 'skipped': The attribute 'skipped' is not allowed/,
      );
    });
  },
});
