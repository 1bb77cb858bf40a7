import assert from "node:assert/strict";
import { SETTINGS } from "../../src/config/settings.ts";
import { exitCodeRows } from "../../src/verdict_policy.ts";
import { BLOCKS } from "../../tools/docs/blocks.ts";
import { docPages, renderedPages } from "../../tools/docs/generate.ts";
import { blockNames, bullets, renderPage, table } from "../../tools/docs/markdown.ts";

const ROOT = new URL("../../", import.meta.url);
const read = (path: string) => Deno.readTextFileSync(new URL(path, ROOT));

Deno.test("every committed page is what `deno task docs` generates from the code", () => {
  for (const page of renderedPages()) {
    assert.equal(
      page.committed,
      page.generated,
      `${page.path} differs from its generated blocks: run \`deno task docs\``,
    );
  }
});

Deno.test("the README stays a page users read: under 300 lines, the rest in docs/", () => {
  const lines = read("README.md").split("\n").length;
  assert.ok(
    lines < 300,
    `README.md has ${lines} lines; move a concern's details to its docs/ page`,
  );
});

Deno.test("the README and the configuration page carry the generated tables", () => {
  assert.ok(blockNames(read("README.md")).includes("exit-codes"));
  assert.ok(blockNames(read("docs/findings-and-verdicts.md")).includes("exit-codes"));
  assert.ok(blockNames(read("docs/configuration.md")).includes("settings"));
});

Deno.test("the generated settings table has a row for every setting, with its flag and env", () => {
  const rendered = BLOCKS["settings"].render();
  for (const s of Object.values(SETTINGS)) {
    const row = rendered.split("\n").find((l) => l.startsWith(`| \`--${s.flag}\` `));
    assert.ok(row, `no row for --${s.flag}`);
    assert.ok(row.includes(`| \`${s.env}\` `), `--${s.flag}'s row does not name ${s.env}`);
  }
});

Deno.test("the generated exit code table lists every exit code with its meaning", () => {
  const lines = BLOCKS["exit-codes"].render().split("\n");
  for (const { code, meaning } of exitCodeRows()) {
    const row = lines.find((l) => l.startsWith(`| ${code} `));
    assert.ok(row, `no row for exit code ${code}`);
    assert.equal(row.split("|")[2].trim(), meaning);
  }
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replaceAll(" ", "-");
}

/** The anchors of a page's headings (code fences skipped). */
function anchors(page: string): Set<string> {
  const outside = page.replace(/^```[\s\S]*?^```/gm, "");
  return new Set([...outside.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1])));
}

Deno.test("every docs/ page is linked from the README, and every link names a page and heading", () => {
  const readme = read("README.md");
  for (const page of docPages().filter((p) => p !== "README.md")) {
    assert.ok(readme.includes(`](${page})`) || readme.includes(`](${page}#`), `README: ${page}`);
  }
  for (const path of docPages()) {
    const base = new URL(path.startsWith("docs/") ? "docs/" : "", ROOT);
    for (
      const [, target, anchor] of read(path).matchAll(/\]\(([a-z0-9_/.-]*\.md)?(?:#([^)]+))?\)/g)
    ) {
      const file = target ? new URL(target, base) : new URL(path, ROOT);
      assert.ok(Deno.statSync(file).isFile, `${path} links to ${target}, which does not exist`);
      if (anchor) {
        assert.ok(
          anchors(Deno.readTextFileSync(file)).has(anchor),
          `${path} links to ${target ?? ""}#${anchor}, which is no heading there`,
        );
      }
    }
  }
});

Deno.test("renderPage() refuses an unknown block and a block without its end marker", () => {
  assert.throws(
    () => renderPage("<!-- BEGIN GENERATED nope -->\nx\n<!-- END GENERATED nope -->\n", BLOCKS),
    /unknown generated block "nope"/,
  );
  assert.throws(
    () => renderPage("<!-- BEGIN GENERATED exit-codes -->\nstale\n", BLOCKS),
    /"exit-codes" has no "<!-- END GENERATED exit-codes -->"/,
  );
});

Deno.test("renderPage() replaces a stale block and leaves the prose around it alone", () => {
  const page = "# Title\n\nProse.\n\n<!-- BEGIN GENERATED t: old -->\nstale\n" +
    "<!-- END GENERATED t -->\n\nMore prose.\n";
  const out = renderPage(page, { t: { source: "x.ts", render: () => "fresh" } });
  assert.equal(
    out,
    "# Title\n\nProse.\n\n<!-- BEGIN GENERATED t: `deno task docs` writes this from x.ts; " +
      "edit that, not this -->\n\nfresh\n\n<!-- END GENERATED t -->\n\nMore prose.\n",
  );
});

Deno.test("table() pads every column to its widest cell; bullets() wraps at 100 columns", () => {
  assert.equal(
    table(["A", "Long header"], [["wide cell", "x"]]),
    "| A         | Long header |\n| --------- | ----------- |\n| wide cell | x           |",
  );
  const wrapped = bullets([Array(40).fill("word").join(" ")]).split("\n");
  assert.ok(wrapped.length > 1 && wrapped.every((l) => l.length <= 100));
  assert.ok(wrapped[0].startsWith("- word") && wrapped[1].startsWith("  word"));
});
