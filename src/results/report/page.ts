/** report.html: one self-contained page (inline CSS and SVG, no script, no network) of a run. */
import type { Summary } from "../summary.ts";
import { keyFigures, operationsCard, thresholdsCard, usersTable } from "./measurement_cards.ts";
import {
  errorsCard,
  findingsCard,
  problemsCards,
  serverWarningsCard,
  slowestCard,
} from "./problem_cards.ts";
import { configCard, header } from "./run_details.ts";
import { card, esc, htmlPage } from "./html.ts";
import { loadCard } from "./load_card.ts";
import { ledgerCard } from "./ledger_card.ts";
import { opMixChart } from "./op_mix_chart.ts";
import { timeCharts } from "./run_charts.ts";
import { STYLE } from "./style.ts";

/**
 * Views to switch between without script: a radio button per view, and CSS that shows the view
 * of the checked one (style.ts `.switch`). The first view is shown when the page opens.
 */
export function viewSwitch(name: string, views: { label: string; html: string }[]): string {
  const id = (i: number) => `${name}-${i}`;
  const buttons = views.map((v, i) =>
    `<input type="radio" name="${name}" id="${id(i)}"${i === 0 ? " checked" : ""}>` +
    `<label for="${id(i)}">${esc(v.label)}</label>`
  ).join("");
  return `<div class="switch">${buttons}<div class="views">` +
    views.map((v) => `<div class="view">${v.html}</div>`).join("") + `</div></div>`;
}

/** The whole report as one HTML document that needs nothing but itself to display. */
export function reportHtml(summary: Summary): string {
  const charts = timeCharts(summary);
  const chart = (title: string, svg: string, note = "", extra = "") =>
    card(title, svg + (note ? `<p class="muted">${note}</p>` : "") + extra);
  const opMix = chart(
    "Operation mix",
    opMixChart(summary),
    "Per class: the configured probability table. Expected: each class's table weighted by " +
      "the ops its users ran. Measured: operations by kind over the whole run.",
    `<h3>Users by class</h3>${usersTable(summary)}`,
  );
  const byKind = viewSwitch("latency-kind", [
    { label: "p95", html: charts.latencyByKind.p95 },
    { label: "p50", html: charts.latencyByKind.p50 },
    { label: "p99", html: charts.latencyByKind.p99 },
  ]);
  return htmlPage(
    `hyperstress report: seed ${summary.config.seed}, ${summary.stopReason}`,
    STYLE,
    `${header(summary)}
${findingsCard(summary)}
${keyFigures(summary)}
${thresholdsCard(summary)}
${operationsCard(summary)}
${ledgerCard(summary)}
${loadCard(summary)}
${
      chart(
        "Throughput (per second)",
        charts.throughput,
        "Each point is the second that ends there; the partial second after the stop is left out.",
      )
    }
${
      chart(
        "Latency over time (ms)",
        charts.latency,
        "All operations, per second.",
        `<h3>Per operation kind (ms, log scale): pick the percentile</h3>${byKind}`,
      )
    }
${
      chart(
        "Latency distribution (ms, log scale)",
        charts.distribution,
        "The latency below which each share of the operations finished, over the whole run: " +
          "min, the median (50%), the tail (90% to 99.99%) and max.",
      )
    }
${
      chart(
        "Disk and hyperstress CPU",
        charts.client,
        "Measured by hyperstress each second while users run: the run's .hyper files against " +
          "--max-disk-mb (the disk figure above is measured after hyperd stops and folds its " +
          "transient files in), and its own CPU (every worker thread) as a share of all cores; " +
          "shaded: hyperstress saturated, when the figures may describe the load generator " +
          "rather than hyperd.",
      )
    }
${chart("hyperd resources", charts.resources, resourcesNote(summary))}
${opMix}
${slowestCard(summary)}
${serverWarningsCard(summary)}
${problemsCards(summary)}
${errorsCard(summary)}
${configCard(summary)}`,
  );
}

/** Where hyperd's figures come from, or why some are missing (an attached hyperd's log, disk). */
function resourcesNote(summary: Summary): string {
  const { monitorOff = null, diskOff = null } = summary.server ?? {};
  const notes = [
    monitorOff
      ? `Monitor off: ${monitorOff}.`
      : "From hyperd's resource log; shaded: backpressure.",
    ...(diskOff ? [`Disk budget off: ${diskOff}.`] : []),
  ];
  return esc(notes.join(" "));
}
