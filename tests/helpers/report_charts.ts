/** The charts report.html draws, and finding one in the page. */

/** The id of every chart the report draws, in page order. */
export const CHART_IDS = [
  "chart-throughput",
  "chart-latency",
  "chart-latency-kind-p50",
  "chart-latency-kind-p95",
  "chart-latency-kind-p99",
  "chart-distribution",
  "chart-resources",
  "chart-client",
  "chart-opmix",
];

/** The `<svg>` element with `id`, or undefined. */
export function svgById(html: string, id: string): string | undefined {
  return new RegExp(`<svg id="${id}"[^>]*>[\\s\\S]*?</svg>`).exec(html)?.[0];
}
