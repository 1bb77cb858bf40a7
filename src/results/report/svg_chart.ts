/** SVG charts drawn as strings: line charts over time with stacked panels, 100% stacked bars. */
import { formatNumber, formatShort } from "../format.ts";
import { esc } from "./html.ts";

/** A line: x, y pairs in time order; a null y breaks the line. */
export interface Series {
  name: string;
  color: string;
  points: [number, number | null][];
  dashed?: boolean;
}

/** One plot area of a line chart with its own y axis; panels share the x axis. */
export interface Panel {
  label: string;
  series: Series[];
}

/** A chart over time: one or more panels, shaded bands and vertical markers. */
export interface LineChart {
  id: string;
  title: string;
  xMax: number;
  panels: Panel[];
  /** Shaded x ranges, e.g. backpressure. */
  bands: [number, number][];
  bandLabel: string;
  /** Vertical lines, e.g. a crash. */
  markers: { at: number; label: string }[];
}

// Every chart shares the viewBox width, so they scale alike side by side.
const WIDTH = 640;
const MARGIN = { left: 62, right: 14, top: 30, bottom: 36 };

/** Colored swatches with names, wrapped to the chart width. */
function legend(items: { name: string; color: string; band?: boolean }[], left: number): string {
  let x = left;
  let y = 12;
  return items.map((item) => {
    const width = 22 + item.name.length * 6.3;
    if (x + width > WIDTH - MARGIN.right) [x, y] = [left, y + 15];
    const swatch = item.band
      ? `<rect x="${x}" y="${y - 6}" width="14" height="10" fill="${item.color}"/>`
      : `<rect x="${x}" y="${y - 2}" width="14" height="3" fill="${item.color}"/>`;
    const out = `${swatch}<text x="${x + 18}" y="${y + 3}">${esc(item.name)}</text>`;
    x += width + 10;
    return out;
  }).join("");
}

/** A chart-sized placeholder that says "no data", keeping the id and title. */
function noData(id: string, title: string, height = 120): string {
  return `<svg id="${id}" class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img">` +
    `<title>${esc(title)}</title>` +
    `<text class="empty" x="${WIDTH / 2}" y="${height / 2}" text-anchor="middle">no data</text>` +
    `</svg>`;
}

/** A line chart of one or more stacked panels over a shared time axis. */
export function lineChart(chart: LineChart): string {
  const hasData = chart.panels.some((p) =>
    p.series.some((s) => s.points.some(([, y]) => y !== null))
  );
  if (!hasData) return noData(chart.id, chart.title);
  const panelHeight = chart.panels.length === 1 ? 200 : 112;
  const gap = 26;
  const height = MARGIN.top + chart.panels.length * (panelHeight + gap) - gap + MARGIN.bottom;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  // The x axis ends where the run ended, not at a round number past it.
  const xMax = chart.xMax > 0 ? chart.xMax : 1;
  const xTicks = ticks(xMax, 8, true);
  const sx = (x: number) => MARGIN.left + (x / xMax) * plotWidth;
  const parts: string[] = [];

  chart.panels.forEach((panel, index) => {
    const top = MARGIN.top + index * (panelHeight + gap);
    const bottom = top + panelHeight;
    const values = panel.series.flatMap((s) => s.points.map(([, y]) => y ?? 0));
    const yTicks = ticks(Math.max(0, ...values), 4);
    const yMax = yTicks[yTicks.length - 1];
    const sy = (y: number) => bottom - (y / yMax) * panelHeight;
    for (const [from, to] of chart.bands) {
      parts.push(
        `<rect class="band" x="${sx(from).toFixed(1)}" y="${top}" ` +
          `width="${Math.max(1, sx(to) - sx(from)).toFixed(1)}" height="${panelHeight}"/>`,
      );
    }
    for (const y of yTicks) {
      parts.push(
        `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" ` +
          `y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}"/>`,
        `<text x="${MARGIN.left - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end">` +
          `${formatShort(y)}</text>`,
      );
    }
    const middle = (top + bottom) / 2;
    parts.push(
      `<text class="axis-label" transform="translate(13 ${middle}) rotate(-90)" ` +
        `text-anchor="middle">${esc(panel.label)}</text>`,
      `<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" ` +
        `y1="${bottom}" y2="${bottom}"/>`,
    );
    for (const series of panel.series) {
      const d = series.points.map(([x, y], i) => {
        if (y === null) return "";
        const command = i === 0 || series.points[i - 1][1] === null ? "M" : "L";
        return `${command}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`;
      }).join("");
      if (d === "") continue;
      parts.push(
        `<path class="series" d="${d}" stroke="${series.color}"` +
          `${series.dashed ? ' stroke-dasharray="5 3"' : ""}><title>${esc(series.name)}</title>` +
          `</path>`,
      );
    }
    for (const marker of chart.markers) {
      parts.push(
        `<line class="marker" x1="${sx(marker.at).toFixed(1)}" x2="${sx(marker.at).toFixed(1)}" ` +
          `y1="${top}" y2="${bottom}"/>`,
      );
      if (index === 0) {
        parts.push(
          `<text class="marker-label" x="${(sx(marker.at) + 4).toFixed(1)}" y="${top + 11}">` +
            `${esc(marker.label)}</text>`,
        );
      }
    }
  });

  const axisY = height - MARGIN.bottom;
  for (const x of xTicks) {
    parts.push(
      `<line class="tick" x1="${sx(x).toFixed(1)}" x2="${sx(x).toFixed(1)}" ` +
        `y1="${axisY}" y2="${axisY + 4}"/>`,
      `<text x="${sx(x).toFixed(1)}" y="${axisY + 16}" text-anchor="middle">${
        formatShort(x)
      }</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${MARGIN.left + plotWidth / 2}" y="${height - 4}" ` +
      `text-anchor="middle">seconds since start</text>`,
  );
  const items: { name: string; color: string; band?: boolean }[] = chart.panels.flatMap((p) =>
    p.series.map((s) => ({ name: s.name, color: s.color }))
  );
  if (chart.bands.length > 0) items.push({ name: chart.bandLabel, color: "#f7c9c9", band: true });
  return `<svg id="${chart.id}" class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img">` +
    `<title>${esc(chart.title)}</title>${legend(items, MARGIN.left)}${parts.join("")}</svg>`;
}

/** One horizontal bar split into parts; `values` need not sum to 1. */
export interface BarRow {
  label: string;
  note: string;
  values: number[];
}

/** Horizontal 100% stacked bars, one per row, with a legend of the keys. */
export function stackedBarChart(
  id: string,
  title: string,
  keys: { name: string; color: string }[],
  rows: BarRow[],
): string {
  if (rows.length === 0) return noData(id, title);
  const labelWidth = 170;
  const rowHeight = 40;
  const top = 30;
  const height = top + rows.length * rowHeight + 8;
  const barLeft = labelWidth + 10;
  const barWidth = WIDTH - barLeft - MARGIN.right;
  const parts = rows.map((row, index) => {
    const y = top + index * rowHeight;
    const total = row.values.reduce((sum, v) => sum + v, 0);
    const label = `<text class="bar-label" x="0" y="${y + 13}">${esc(row.label)}</text>` +
      `<text x="0" y="${y + 27}">${esc(row.note)}</text>`;
    if (!(total > 0)) {
      return `${label}<rect class="bar-empty" x="${barLeft}" y="${y + 2}" width="${barWidth}" ` +
        `height="26"/><text class="empty" x="${barLeft + barWidth / 2}" y="${y + 19}" ` +
        `text-anchor="middle">no data</text>`;
    }
    let x = barLeft;
    const segments = row.values.map((value, i) => {
      const width = (value / total) * barWidth;
      const share = `${formatNumber((value / total) * 100, 1)}%`;
      const rect =
        `<rect class="bar" x="${x.toFixed(1)}" y="${y + 2}" width="${width.toFixed(1)}" ` +
        `height="26" fill="${keys[i].color}"><title>${esc(`${keys[i].name}: ${share}`)}</title>` +
        `</rect>`;
      const text = width >= 34
        ? `<text class="bar-value" x="${(x + width / 2).toFixed(1)}" y="${y + 19}" ` +
          `text-anchor="middle">${esc(share)}</text>`
        : "";
      x += width;
      return rect + text;
    });
    return label + segments.join("");
  });
  const items = keys.map((k) => ({ ...k, band: true }));
  return `<svg id="${id}" class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img">` +
    `<title>${esc(title)}</title>${legend(items, 0)}${parts.join("")}</svg>`;
}

/** Round tick values from 0: up to the first one at or above `max`, or only up to `max`. */
export function ticks(max: number, count: number, within = false): number[] {
  const top = max > 0 ? max : 1;
  const raw = top / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const n = raw / magnitude;
  const step = (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * magnitude;
  const result: number[] = [0];
  while (result[result.length - 1] < top - step * 1e-6) {
    const next = Math.round(result.length * step * 1e9) / 1e9;
    if (within && next > top + step * 1e-6) break;
    result.push(next);
  }
  return result;
}
