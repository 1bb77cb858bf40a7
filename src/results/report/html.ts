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
