/** report.html: one self-contained page (inline CSS and SVG, no script, no network) of a run. */
import type { Summary } from "../summary.ts";
import {
  configCard,
  errorsCard,
  findingsCard,
  header,
  keyFigures,
  operationsCard,
  problemsCards,
  serverWarningsCard,
  slowestCard,
  thresholdsCard,
  usersTable,
} from "./cards.ts";
import { card, esc } from "./html.ts";
import { opMixChart, timeCharts } from "./run_charts.ts";
import { STYLE } from "./style.ts";

/** The whole report as one HTML document that needs nothing but itself to display. */
export function reportHtml(summary: Summary): string {
  const [throughput, latency, resources] = timeCharts(summary);
  const chart = (title: string, svg: string, note = "", extra = "") =>
    card(title, svg + (note ? `<p class="muted">${note}</p>` : "") + extra);
  const opMix = chart(
    "Operation mix",
    opMixChart(summary),
    "Per class: the configured probability table. Expected: each class's table weighted by " +
      "the ops its users ran. Measured: operations by kind over the whole run.",
    `<h3>Users by class</h3>${usersTable(summary)}`,
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>hyperstress report: seed ${esc(summary.config.seed)}, ${esc(summary.stopReason)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${header(summary)}
${findingsCard(summary)}
${keyFigures(summary)}
${thresholdsCard(summary)}
${operationsCard(summary)}
${slowestCard(summary)}
${chart("Throughput", throughput)}
${chart("Latency", latency)}
${chart("hyperd resources", resources, "From hyperd's resource log; shaded: backpressure.")}
${serverWarningsCard(summary)}
${opMix}
${problemsCards(summary)}
${errorsCard(summary)}
${configCard(summary)}
</main>
</body>
</html>
`;
}
