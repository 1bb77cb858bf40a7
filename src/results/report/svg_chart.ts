/** SVG charts drawn as strings: line charts of stacked panels (linear or log), 100% stacked bars. */
import { formatPercent, formatTicks } from "../format.ts";
import { esc } from "./html.ts";

/** A line: x, y pairs in x order; a null y breaks the line. */
export interface Series {
  name: string;
  color: string;
  points: [number, number | null][];
  dashed?: boolean;
  /**
   * A limit drawn as a flat line, with its value in words (`4,096 MB`): left out of the plot, and
   * said so in the legend, when it is so far above the data that the data would lie flat.
   */
  reference?: string;
}

/** One plot area of a line chart with its own y axis; panels share the x axis. */
export interface Panel {
  label: string;
  series: Series[];
  /** A log scale, for values that span decades (latency); values at or below 0 are not drawn. */
  log?: boolean;
  /** The axis reaches at least this, so a share reads against its whole (100%, a load of 1). */
  scaleTop?: number;
}

/** The x axis: seconds since start from 0 unless said otherwise. */
export interface XAxis {
  label: string;
  min: number;
  /** Fixed ticks with their labels; round ticks from `min` when absent. */
  ticks?: { at: number; label: string }[];
}

/** A chart of one or more panels over a shared x axis, with shaded bands and vertical markers. */
export interface LineChart {
  id: string;
  title: string;
  xMax: number;
  xAxis?: XAxis;
  panels: Panel[];
  /** Shaded x ranges, e.g. backpressure. */
  bands: [number, number][];
  bandLabel: string;
  /** Vertical lines, e.g. a crash. */
  markers: { at: number; label: string }[];
}

// Every chart shares the viewBox width, so they scale alike side by side.
const WIDTH = 640;
const MARGIN = { left: 62, right: 14, bottom: 36 };
const LEGEND_ROW = 15;
/** A reference line this many times above the data's top is left out of the plot. */
const REFERENCE_STRETCH = 10;
/** Roughly the width of one character of the 11 px chart font, for fitting labels. */
const CHAR_WIDTH = 6.3;

type LegendItem = { name: string; color: string; band?: boolean };

/** Colored swatches with names, wrapped to the chart width; the SVG and the height it takes. */
function legend(items: LegendItem[], left: number): { svg: string; height: number } {
  let x = left;
  let y = 12;
  const svg = items.map((item) => {
    const width = 22 + item.name.length * CHAR_WIDTH;
    if (x > left && x + width > WIDTH - MARGIN.right) [x, y] = [left, y + LEGEND_ROW];
    const swatch = item.band
      ? `<rect x="${x}" y="${y - 6}" width="14" height="10" fill="${item.color}"/>`
      : `<rect x="${x}" y="${y - 2}" width="14" height="3" fill="${item.color}"/>`;
    const out = `${swatch}<text x="${x + 18}" y="${y + 3}">${esc(item.name)}</text>`;
    x += width + 10;
    return out;
  }).join("");
  return { svg, height: items.length === 0 ? 0 : y + 8 };
}

/** A chart-sized placeholder that says "no data", keeping the id and title. */
function noData(id: string, title: string, height = 120): string {
  return `<svg id="${id}" class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img">` +
    `<title>${esc(title)}</title>` +
    `<text class="empty" x="${WIDTH / 2}" y="${height / 2}" text-anchor="middle">no data</text>` +
    `</svg>`;
}

/** The y values of `series` that can be drawn on the panel's scale. */
function drawable(series: Series, log: boolean): number[] {
  return series.points.flatMap(([, y]) => y === null || (log && y <= 0) ? [] : [y]);
}

/** The panel's series split into drawn ones and reference lines too far above the data. */
function fitReferences(panel: Panel): { drawn: Series[]; offScale: Series[] } {
  const log = panel.log ?? false;
  const data = panel.series.filter((s) => s.reference === undefined).flatMap((s) =>
    drawable(s, log)
  );
  const top = Math.max(0, ...data);
  const far = (s: Series) =>
    s.reference !== undefined && top > 0 &&
    Math.max(...drawable(s, log)) > top * REFERENCE_STRETCH;
  return { drawn: panel.series.filter((s) => !far(s)), offScale: panel.series.filter(far) };
}

/** A y scale: ticks, and where a value lands between the panel's top and bottom. */
interface YScale {
  ticks: { at: number; label: string }[];
  y: (value: number) => number;
}

function yScale(panel: Panel, series: Series[], top: number, bottom: number): YScale {
  const values = series.flatMap((s) => drawable(s, panel.log ?? false));
  const height = bottom - top;
  if (panel.log) {
    // A panel without values still gets an axis: one decade from 1.
    const lo = values.length > 0 ? Math.floor(Math.log10(Math.min(...values))) : 0;
    const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(1e-300, ...values))));
    const at = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
    return {
      ticks: at.map((v) => ({ at: v, label: formatTicks([v])[0] })),
      y: (v) => bottom - ((Math.log10(v) - lo) / (hi - lo)) * height,
    };
  }
  const at = ticks(Math.max(0, panel.scaleTop ?? 0, ...values), 4);
  const labels = formatTicks(at);
  const max = at[at.length - 1];
  return {
    ticks: at.map((v, i) => ({ at: v, label: labels[i] })),
    y: (v) => bottom - (v / max) * height,
  };
}

/** Marker labels: how far apart their rows are, and how many rows before they share one. */
const MARKER_ROW = 12;
const MARKER_ROWS = 3;

/**
 * Each marker's label beside its line, on the side with room, shortened if neither has enough;
 * a label that would run into an earlier one goes a row lower.
 */
function markerLabels(xs: number[], labels: string[], top: number): string[] {
  const taken: [number, number][][] = Array.from({ length: MARKER_ROWS }, () => []);
  return xs.map((x, i) => {
    const label = labels[i];
    const right = WIDTH - MARGIN.right - (x + 4);
    const left = x - 4 - MARGIN.left;
    const fits = Math.floor(Math.max(right, left) / CHAR_WIDTH);
    const text = label.length <= fits ? label : `${label.slice(0, Math.max(1, fits - 1))}…`;
    const width = text.length * CHAR_WIDTH;
    const onRight = width <= right || right >= left;
    const span: [number, number] = onRight ? [x + 4, x + 4 + width] : [x - 4 - width, x - 4];
    const free = (row: [number, number][]) => row.every(([a, b]) => span[1] < a || span[0] > b);
    const row = Math.max(0, taken.findIndex(free));
    taken[row].push(span);
    const anchor = onRight
      ? `x="${(x + 4).toFixed(1)}"`
      : `x="${(x - 4).toFixed(1)}" text-anchor="end"`;
    return `<text class="marker-label" ${anchor} y="${top + 11 + row * MARKER_ROW}">` +
      `${esc(text)}<title>${esc(label)}</title></text>`;
  });
}

/** A line chart of one or more stacked panels over a shared x axis. */
export function lineChart(chart: LineChart): string {
  const hasData = chart.panels.some((p) =>
    p.series.some((s) => s.reference === undefined && drawable(s, p.log ?? false).length > 0)
  );
  if (!hasData) return noData(chart.id, chart.title);
  const fitted = chart.panels.map(fitReferences);
  const items: LegendItem[] = chart.panels.flatMap((p, i) =>
    p.series.map((s) => ({
      name: fitted[i].offScale.includes(s) ? `${s.name} ${s.reference} (above the scale)` : s.name,
      color: s.color,
    }))
  );
  if (chart.bands.length > 0) items.push({ name: chart.bandLabel, color: "#f7c9c9", band: true });
  const key = legend(items, MARGIN.left);
  // The plot starts below the legend however many rows it wraps to.
  const marginTop = key.height + 10;
  const panelHeight = chart.panels.length === 1 ? 200 : 112;
  const gap = 26;
  const height = marginTop + chart.panels.length * (panelHeight + gap) - gap + MARGIN.bottom;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const axis = chart.xAxis ?? { label: "seconds since start", min: 0 };
  // The x axis ends where the run ended, not at a round number past it.
  const xMax = chart.xMax > axis.min ? chart.xMax : axis.min + 1;
  const xTicks = axis.ticks ?? (() => {
    const at = ticks(xMax - axis.min, 8, true).map((t) => t + axis.min);
    const labels = formatTicks(at);
    return at.map((t, i) => ({ at: t, label: labels[i] }));
  })();
  const sx = (x: number) => MARGIN.left + ((x - axis.min) / (xMax - axis.min)) * plotWidth;
  const inside = (x: number) => x >= axis.min - 1e-9 && x <= xMax + 1e-9;
  const parts: string[] = [];

  chart.panels.forEach((panel, index) => {
    const top = marginTop + index * (panelHeight + gap);
    const bottom = top + panelHeight;
    const series = fitted[index].drawn;
    const scale = yScale(panel, series, top, bottom);
    for (const [start, end] of chart.bands) {
      // A band that began before the axis or outlasts it is cut at its ends.
      const from = Math.max(start, axis.min);
      const to = Math.min(end, xMax);
      if (to <= from) continue;
      parts.push(
        `<rect class="band" x="${sx(from).toFixed(1)}" y="${top}" ` +
          `width="${Math.max(1, sx(to) - sx(from)).toFixed(1)}" height="${panelHeight}"/>`,
      );
    }
    for (const tick of scale.ticks) {
      const y = scale.y(tick.at).toFixed(1);
      parts.push(
        `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}"/>`,
        `<text x="${MARGIN.left - 6}" y="${(Number(y) + 4).toFixed(1)}" text-anchor="end">` +
          `${esc(tick.label)}</text>`,
      );
    }
    const middle = (top + bottom) / 2;
    parts.push(
      `<text class="axis-label" transform="translate(13 ${middle}) rotate(-90)" ` +
        `text-anchor="middle">${esc(panel.label)}</text>`,
      `<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" ` +
        `y1="${bottom}" y2="${bottom}"/>`,
    );
    for (const s of series) {
      const shown = (y: number | null) => y !== null && !(panel.log && y <= 0);
      const points = s.points.filter(([x]) => inside(x));
      const d = points.map(([x, y], i) => {
        if (!shown(y)) return "";
        const command = i === 0 || !shown(points[i - 1][1]) ? "M" : "L";
        return `${command}${sx(x).toFixed(1)} ${scale.y(y!).toFixed(1)}`;
      }).join("");
      if (d === "") continue;
      parts.push(
        `<path class="series" d="${d}" stroke="${s.color}"` +
          `${s.dashed ? ' stroke-dasharray="5 3"' : ""}><title>${esc(s.name)}</title></path>`,
      );
      // A point with no neighbour to join is a line of no length: draw it as a dot.
      points.forEach(([x, y], i) => {
        if (!shown(y) || shown(points[i - 1]?.[1] ?? null) || shown(points[i + 1]?.[1] ?? null)) {
          return;
        }
        parts.push(
          `<circle class="dot" cx="${sx(x).toFixed(1)}" cy="${scale.y(y!).toFixed(1)}" r="2.5" ` +
            `fill="${s.color}"><title>${esc(s.name)}</title></circle>`,
        );
      });
    }
    const markerXs = chart.markers.map((m) => sx(m.at));
    markerXs.forEach((x) =>
      parts.push(
        `<line class="marker" x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" ` +
          `y1="${top}" y2="${bottom}"/>`,
      )
    );
    if (index === 0) parts.push(...markerLabels(markerXs, chart.markers.map((m) => m.label), top));
  });

  const axisY = height - MARGIN.bottom;
  for (const tick of xTicks) {
    const x = sx(tick.at).toFixed(1);
    parts.push(
      `<line class="tick" x1="${x}" x2="${x}" y1="${axisY}" y2="${axisY + 4}"/>`,
      `<text x="${x}" y="${axisY + 16}" text-anchor="middle">${esc(tick.label)}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${MARGIN.left + plotWidth / 2}" y="${height - 4}" ` +
      `text-anchor="middle">${esc(axis.label)}</text>`,
  );
  return `<svg id="${chart.id}" class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img">` +
    `<title>${esc(chart.title)}</title>${key.svg}${parts.join("")}</svg>`;
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
  const items = keys.map((k) => ({ ...k, band: true }));
  const key = legend(items, 0);
  const top = key.height + 10;
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
      const share = formatPercent((value / total) * 100);
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
  return `<svg id="${id}" class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img">` +
    `<title>${esc(title)}</title>${key.svg}${parts.join("")}</svg>`;
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
