import assert from "node:assert/strict";
import { LAYERS } from "../../tools/docs/layers.ts";

const SRC = new URL("../../src/", import.meta.url);

/** Every .ts file under `dir`, as paths relative to src/. */
function sources(dir: URL, prefix = ""): string[] {
  return [...Deno.readDirSync(dir)].flatMap((e) =>
    e.isDirectory
      ? sources(new URL(`${e.name}/`, dir), `${prefix}${e.name}/`)
      : e.name.endsWith(".ts")
      ? [`${prefix}${e.name}`]
      : []
  );
}

/** The src/ folder a path relative to src/ is in, or "" for a file directly in src/. */
function folderOf(path: string): string {
  return path.includes("/") ? path.split("/")[0] : "";
}

/** The imports of `path` inside src/ (type imports and re-exports included), relative to src/. */
function importsOf(path: string): string[] {
  const text = Deno.readTextFileSync(new URL(path, SRC));
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]);
  return specs.map((spec) => new URL(spec, new URL(path, SRC)).href)
    .filter((href) => href.startsWith(SRC.href)) // deno.json is outside src/
    .map((href) => href.slice(SRC.href.length));
}

Deno.test("every folder of src/ is in the architecture map, and the map names no missing folder", () => {
  const folders = [...Deno.readDirSync(SRC)].filter((e) => e.isDirectory).map((e) => e.name);
  assert.deepEqual(folders.sort(), LAYERS.map((l) => l.folder).sort());
});

Deno.test("a src/ folder imports only from folders below it in the map, src/*.ts from none", () => {
  const rank = new Map(LAYERS.map((l, i) => [l.folder, i]));
  const wrong: string[] = [];
  for (const path of sources(SRC)) {
    const from = folderOf(path);
    for (const target of importsOf(path)) {
      const to = folderOf(target);
      if (to === from || to === "") continue;
      if (from === "" || rank.get(to)! < rank.get(from)!) wrong.push(`${path} imports ${target}`);
    }
  }
  assert.deepEqual(wrong, [], "imports against the layer order of tools/docs/layers.ts");
});
