/** HTML building blocks of report.html: escaping, tables, key figures, pills and cards. */

/** Text safe inside HTML elements and quoted attributes. */
export function esc(text: string | number): string {
  return String(text).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/** A table of HTML cells; `numeric` columns are right-aligned, `head` is escaped here. */
export function htmlTable(
  head: string[],
  rows: string[][],
  numeric: boolean[] = [],
  cls = "",
): string {
  const cell = (tag: string, text: string, i: number) =>
    `<${tag}${numeric[i] ? ' class="num"' : ""}>${text}</${tag}>`;
  return `<table${cls ? ` class="${cls}"` : ""}><thead><tr>${
    head.map((h, i) => cell("th", esc(h), i)).join("")
  }</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c, i) => cell("td", c, i)).join("")}</tr>`).join("")}` +
    `</tbody></table>`;
}

/** One key figure: a label, a big value and a muted detail; `tone` colors its top edge. */
export function figure(label: string, value: string, detail = "", tone = ""): string {
  return `<div class="figure ${tone}"><div class="label">${esc(label)}</div>` +
    `<div class="value">${value}</div><div class="detail">${detail}</div></div>`;
}

/** A green or red rounded label. */
export function pill(ok: boolean, text: string): string {
  return `<span class="pill ${ok ? "ok" : "bad"}">${esc(text)}</span>`;
}

/** A titled card; a wide one spans the whole grid row. */
export function card(title: string, body: string, wide = false): string {
  return `<section class="card${wide ? " wide" : ""}"><h2>${esc(title)}</h2>${body}</section>`;
}

/**
 * A whole self-contained page: no script and no network (the Content-Security-Policy says so), so
 * it opens from disk anywhere. `title` is escaped; `style` and `main` are markup.
 */
export function htmlPage(title: string, style: string, main: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(title)}</title>
<style>${style}</style>
</head>
<body>
<main>
${main}
</main>
</body>
</html>
`;
}
