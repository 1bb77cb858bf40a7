import assert from "node:assert/strict";
import { COMMAND_TABLE, COMMANDS } from "../../src/cli/command_table.ts";
import { commandHelpText, commandSettings, HELP_WIDTH, helpText } from "../../src/cli/help.ts";
import { HELP_LINES } from "../../src/cli/help_table.ts";
import { settingEntries, SETTINGS } from "../../src/config/settings.ts";
import { ConfigError } from "../../src/errors.ts";
import { exitCodeRows } from "../../src/verdict_policy.ts";

/** Every help text: the general one and each command's. */
function everyHelp(): [string, string][] {
  return [
    ["--help", helpText()],
    ...COMMANDS.map((c): [string, string] => [c, commandHelpText(c)]),
  ];
}

Deno.test("the help of every command fits 80 columns, with no trailing spaces", () => {
  assert.equal(HELP_WIDTH, 80);
  for (const [name, text] of everyHelp()) {
    for (const line of text.split("\n")) {
      assert.ok(line.length <= 80, `${name}: ${line.length} columns: ${line}`);
      assert.equal(line, line.trimEnd(), `${name}: trailing spaces: ${JSON.stringify(line)}`);
    }
  }
});

Deno.test("--help lists every command, -h, -V, where every setting is, and every exit code", () => {
  const text = helpText();
  for (const command of COMMANDS) assert.match(text, new RegExp(`^  ${command}( |$)`, "m"));
  for (const { code } of exitCodeRows()) assert.match(text, new RegExp(`^  ${code} +\\S`, "m"));
  assert.match(text, /-h, --help/);
  assert.match(text, /-V, --version/);
  assert.match(text, /hyperstress help COMMAND/);
  assert.match(text, /docs\/configuration\.md/);
  // The commands and the common flags, not the 60 flags of every command.
  assert.ok(text.split("\n").length < 60, `${text.split("\n").length} lines`);
});

Deno.test("help COMMAND lists only that command's flags, one line each, grouped", () => {
  const compare = commandHelpText("compare");
  assert.match(compare, /^ {2}--max-regression PERCENT +a worse change/m);
  assert.doesNotMatch(compare, /--duration/);
  const stress = commandHelpText("stress");
  assert.doesNotMatch(stress, /--runs|--max-regression|--until/);
  for (const group of ["Load", "Workload", "Server", "Limits and stop", "Output", "CI"]) {
    assert.match(stress, new RegExp(`^${group}:$`, "m"));
  }
  for (const info of COMMAND_TABLE) {
    const text = commandHelpText(info.name);
    for (const key of commandSettings(info)) {
      const lines = text.split("\n").filter((l) =>
        l.startsWith(`  --${SETTINGS[key].flag} `) ||
        l === `  --${SETTINGS[key].flag}` || l.startsWith(`  --${SETTINGS[key].flag}  `)
      );
      assert.equal(lines.length, 1, `${info.name}: --${SETTINGS[key].flag}`);
      // A value placeholder for every flag that takes one.
      if (SETTINGS[key].kind !== "bool") {
        assert.match(lines[0], new RegExp(`^  --${SETTINGS[key].flag} \\S`), lines[0]);
      }
    }
    assert.ok(info.examples.length >= 2 && info.examples.length <= 4, info.name);
    for (const [example] of info.examples) assert.ok(text.includes(example), example);
  }
});

Deno.test("every setting shows in the help of some command", () => {
  const shown = new Set(COMMAND_TABLE.flatMap((info) => commandSettings(info)));
  for (const [key, s] of settingEntries()) {
    assert.ok(shown.has(key), `--${s.flag} is in no command's help`);
    assert.ok(HELP_LINES[key][2].length <= 46, `--${s.flag}: brief over 46 characters`);
  }
});

Deno.test("help of an unknown command suggests the closest", () => {
  assert.throws(
    () => commandHelpText("stres"),
    (error) => error instanceof ConfigError && /did you mean "stress"\?/.test(error.message),
  );
});
