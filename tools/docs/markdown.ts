/**
 * Markdown for generated docs: tables laid out the way `deno fmt` lays them out, and the
 * replacement of the generated blocks inside a hand-written page.
 */

/** Escapes what would end a table cell or open an HTML tag in `text`. */
export function cell(text: string): string {
  return text.replaceAll("|", "\\|").replace(/<(?=[A-Za-z/!?])/g, "\\<");
}

/** `text` as inline code; a backtick inside it is not expected in any name we generate. */
export function code(text: string): string {
  return `\`${text}\``;
}

/**
 * A table whose columns are padded to their widest cell, as `deno fmt` pads them, so that the
 * formatter leaves a generated page as it is. Cells are used as given: escape them with cell().
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) =>
    Math.max(3, width(h), ...rows.map((row) => width(row[i] ?? "")))
  );
  const line = (cells: readonly string[]) =>
    `| ${widths.map((w, i) => pad(cells[i] ?? "", w)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Lines are wrapped to this width, as `deno fmt` wraps prose at deno.json's lineWidth. */
const LINE_WIDTH = 100;

/**
 * A bulleted list, each item wrapped at word boundaries the way `deno fmt` wraps it: lines of at
 * most LINE_WIDTH columns, continued two spaces in.
 */
export function bullets(items: readonly string[]): string {
  return items.map((item) => {
    const lines: string[] = [];
    let line = "-";
    let fresh = true; // no word on this line yet
    for (const word of item.split(" ")) {
      if (!fresh && width(line) + 1 + width(word) > LINE_WIDTH) {
        lines.push(line);
        line = " ";
      }
      line = `${line} ${word}`;
      fresh = false;
    }
    lines.push(line);
    return lines.join("\n");
  }).join("\n");
}

/** Display width of `text`: its code points (every generated cell is plain text or ASCII). */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, to: number): string {
  return text + " ".repeat(to - width(text));
}

/** A generated block's first line; it names the block and what it is generated from. */
function beginMarker(name: string, source: string): string {
  return `<!-- BEGIN GENERATED ${name}: \`deno task docs\` writes this from ${source}; edit that, not this -->`;
}

function endMarker(name: string): string {
  return `<!-- END GENERATED ${name} -->`;
}

/** A whole generated block; markers count only at the start of a line, not quoted in prose. */
const BLOCK = /^<!-- BEGIN GENERATED ([a-z0-9-]+)[^\n]*-->\n[\s\S]*?^<!-- END GENERATED \1 -->/gm;

/** What one generated block is made from, and how. */
export interface Block {
  /** The source files it is generated from, as the marker names them. */
  source: string;
  render(): string;
}

/** The names of the generated blocks in `page`, in order. */
export function blockNames(page: string): string[] {
  return [...page.matchAll(BLOCK)].map((m) => m[1]);
}

/**
 * `page` with every generated block rendered afresh from `blocks`. Throws naming a block the page
 * has but `blocks` does not, and a BEGIN marker without its END, so a typo cannot leave stale text.
 */
export function renderPage(page: string, blocks: Readonly<Record<string, Block>>): string {
  const begins = [...page.matchAll(/^<!-- BEGIN GENERATED ([a-z0-9-]+)/gm)].map((m) => m[1]);
  const whole = blockNames(page);
  const unclosed = begins.filter((name, i) => whole[i] !== name);
  if (unclosed.length > 0) {
    throw new Error(`generated block "${unclosed[0]}" has no "${endMarker(unclosed[0])}"`);
  }
  return page.replace(BLOCK, (_whole, name: string) => {
    const block = blocks[name];
    if (!block) {
      throw new Error(
        `unknown generated block "${name}"; known: ${Object.keys(blocks).join(", ")}`,
      );
    }
    return `${beginMarker(name, block.source)}\n\n${block.render()}\n\n${endMarker(name)}`;
  });
}
