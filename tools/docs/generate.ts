/**
 * `deno task docs`: renders every generated block of README.md and docs/*.md afresh from the
 * code that owns its facts. tests/unit/docs_test.ts fails while a committed page differs.
 */
import { BLOCKS } from "./blocks.ts";
import { renderPage } from "./markdown.ts";

const ROOT = new URL("../../", import.meta.url);

/** README.md and every page in docs/, as paths relative to the repository. */
export function docPages(): string[] {
  const pages = [...Deno.readDirSync(new URL("docs/", ROOT))]
    .filter((e) => e.isFile && e.name.endsWith(".md"))
    .map((e) => `docs/${e.name}`)
    .sort();
  return ["README.md", ...pages];
}

/** Each page's text as committed and as the generator makes it. */
export function renderedPages(): { path: string; committed: string; generated: string }[] {
  return docPages().map((path) => {
    const committed = Deno.readTextFileSync(new URL(path, ROOT));
    return { path, committed, generated: renderPage(committed, BLOCKS) };
  });
}

if (import.meta.main) {
  const stale = renderedPages().filter((p) => p.committed !== p.generated);
  for (const page of stale) Deno.writeTextFileSync(new URL(page.path, ROOT), page.generated);
  console.log(
    stale.length === 0 ? "docs up to date" : `wrote ${stale.map((p) => p.path).join(", ")}`,
  );
}
