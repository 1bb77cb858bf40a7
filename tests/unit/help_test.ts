import assert from "node:assert/strict";
import { HELP_WIDTH, helpText } from "../../src/cli/help.ts";
import { PRESET_DESCRIPTIONS, PRESET_NAMES } from "../../src/config/presets.ts";
import { settingEntries } from "../../src/config/settings.ts";
import { exitCodeRows } from "../../src/verdict_policy.ts";

Deno.test("helpText() fits 100 columns", () => {
  assert.equal(HELP_WIDTH, 100);
  for (const line of helpText().split("\n")) {
    assert.ok(line.length <= HELP_WIDTH, `${line.length} columns: ${line}`);
    assert.equal(line, line.trimEnd(), `trailing spaces: ${JSON.stringify(line)}`);
  }
});

Deno.test("helpText() lists every flag with its env variable, and every exit code", () => {
  const text = helpText();
  for (const [, s] of settingEntries()) {
    assert.match(text, new RegExp(`^  --${s.flag}( |$)`, "m"), s.flag);
    assert.ok(text.includes(`Env ${s.env}.`), s.env);
  }
  for (const { code } of exitCodeRows()) assert.match(text, new RegExp(`^  ${code} +\\S`, "m"));
  assert.match(text, /-h, --help/);
  assert.match(text, /-V, --version/);
});

Deno.test("helpText() lists the allowed values of --preset, --transport and --data-format", () => {
  // The help with its wrapping undone, so a list split over two lines still matches.
  const text = helpText().replace(/\n +/g, " ");
  assert.ok(text.includes('Expects "tcp-hyperbinary", "tcp-arrow", "grpc" or "replay".'));
  assert.ok(text.includes('Expects "tcp" or "grpc".'));
  assert.ok(text.includes('Expects "hyperbinary" or "arrow".'));
});

Deno.test("helpText() says what each preset tests", () => {
  const text = helpText().replace(/\n {2,}/g, " ");
  for (const name of PRESET_NAMES) {
    assert.ok(text.includes(`${name}`), name);
    assert.ok(
      text.replace(/ +/g, " ").includes(`${name} ${PRESET_DESCRIPTIONS[name]}`),
      `${name}: ${PRESET_DESCRIPTIONS[name]}`,
    );
  }
});
