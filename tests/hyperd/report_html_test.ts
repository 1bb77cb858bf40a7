import assert from "node:assert/strict";
import { join } from "node:path";
import { reportHtml } from "../../src/results/report/page.ts";
import { summaryFixture } from "../helpers/summary_fixture.ts";
import { runCli, TASK_PERMISSIONS } from "../helpers/cli.ts";
import { withTempDir } from "../helpers/temp_dir.ts";
import { CHART_IDS, svgById } from "../helpers/report_charts.ts";

/** Debian's Chromium, or a failure that says how to get it. */
async function chromium(): Promise<string> {
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      const { success } = await new Deno.Command(name, { args: ["--version"], stdout: "null" })
        .output();
      if (success) return name;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  assert.fail(
    "Chromium is needed to check that report.html renders: apt-get install chromium " +
      "(Debian/Ubuntu), then run the test again",
  );
}

/** Runs headless Chromium on `url` with a fresh profile; stdout as text. */
async function runChromium(binary: string, dir: string, args: string[]): Promise<string> {
  const profile = await Deno.makeTempDir({ dir, prefix: "profile-" });
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 120_000);
  try {
    const { success, stdout, stderr } = await new Deno.Command(binary, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${profile}`,
        ...args,
      ],
      stdout: "piped",
      stderr: "piped",
      signal: abort.signal,
    }).output();
    const text = new TextDecoder().decode(stdout);
    assert.ok(success, `chromium failed: ${new TextDecoder().decode(stderr)}`);
    return text;
  } finally {
    clearTimeout(timer);
  }
}

/** Width and height from a PNG's IHDR, after checking its signature. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  assert.equal(new TextDecoder().decode(bytes.subarray(12, 16)), "IHDR");
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

Deno.test("report.html renders in headless Chromium with every chart drawn", async () => {
  const binary = await chromium();
  const dir = await Deno.makeTempDir({ prefix: "report-html-test-" });
  try {
    const report = join(dir, "report.html");
    const blank = join(dir, "blank.html");
    await Deno.writeTextFile(report, reportHtml(summaryFixture()));
    await Deno.writeTextFile(blank, "<!DOCTYPE html><title>blank</title>");
    const screenshot = (html: string, png: string) =>
      runChromium(binary, dir, [
        `--screenshot=${png}`,
        "--window-size=1280,2400",
        `file://${html}`,
      ]);
    const [dom] = await Promise.all([
      runChromium(binary, dir, ["--dump-dom", `file://${report}`]),
      screenshot(report, join(dir, "report.png")),
      screenshot(blank, join(dir, "blank.png")),
    ]);

    // The browser's own DOM, not our string: every chart is an svg with drawn shapes.
    for (const id of CHART_IDS) {
      const svg = svgById(dom, id);
      assert.ok(svg, `Chromium's DOM has no <svg id="${id}">`);
      assert.match(svg, /<title>/);
      assert.match(svg, /<(path|rect) class="(series|bar)"/, `${id} has no drawn data`);
    }

    const png = await Deno.readFile(join(dir, "report.png"));
    const empty = await Deno.readFile(join(dir, "blank.png"));
    assert.deepEqual(pngSize(png), { width: 1280, height: 2400 });
    // A white page compresses to almost nothing; cards, text and charts do not.
    assert.ok(png.length > 50_000, `screenshot is only ${png.length} bytes`);
    assert.ok(
      png.length > 10 * empty.length,
      `screenshot (${png.length} bytes) is not much bigger than a blank page (${empty.length})`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("`report <summary.json>` rebuilds report.html beside a saved summary", async () => {
  await withTempDir(async (dir) => {
    const summaryPath = join(dir, "summary.json");
    const saved = JSON.stringify(summaryFixture());
    await Deno.writeTextFile(summaryPath, saved);
    const run = await runCli(["report", summaryPath], {}, TASK_PERMISSIONS);
    assert.equal(run.code, 0, run.stderr);
    const html = await Deno.readTextFile(join(dir, "report.html"));
    assert.equal(html, reportHtml(JSON.parse(saved)));
    assert.match(html, /id="chart-throughput"/);
  });
});
