/**
 * Stages: a load that ramps linearly from one target to the next ("30s:50,60s:200,30s:0"), as
 * k6's stages do. The same curve is an arrival rate in the open model and a number of active
 * users in the closed one. Pure: time comes in as seconds from the start.
 */

/** One stage: ramp linearly to `target` over `durationSec` (0 jumps at once). */
export interface Stage {
  durationSec: number;
  target: number;
}

/** The form of one stage, for messages. */
export const STAGES_EXPECTED = 'stages like "30s:50,60s:200,30s:0" (duration s, m, h or ms:target)';

const STAGE = /^(\d+(?:\.\d+)?)(ms|s|m|h)?:(\d+(?:\.\d+)?)$/;
const UNIT_SEC = { ms: 0.001, s: 1, m: 60, h: 3600 } as const;

/** Parses `"30s:50,60s:200"`; a string says what is wrong. A duration without a unit is seconds. */
export function parseStages(text: string): Stage[] | string {
  const parts = text.split(",").map((part) => part.trim());
  const stages: Stage[] = [];
  for (const part of parts) {
    const match = part.replace(/\s+/g, "").match(STAGE);
    if (!match) return `expected ${STAGES_EXPECTED}, got ${JSON.stringify(part)}`;
    const unit = (match[2] ?? "s") as keyof typeof UNIT_SEC;
    stages.push({ durationSec: Number(match[1]) * UNIT_SEC[unit], target: Number(match[3]) });
  }
  return stages;
}

/**
 * A piecewise linear load over time: `start` at 0, then each stage's target at its end, the last
 * target held after the stages. Its area is what a rate adds up to: the expected arrivals.
 */
export class LoadCurve {
  /** Corner points [sec, value], the first at 0; the value after the last is held. */
  readonly #points: [number, number][];
  /** Area under the curve from 0 to each corner point. */
  readonly #areas: number[];

  constructor(start: number, stages: readonly Stage[] = []) {
    const points: [number, number][] = [[0, start]];
    for (const stage of stages) {
      points.push([points[points.length - 1][0] + stage.durationSec, stage.target]);
    }
    this.#points = points;
    this.#areas = [0];
    for (let i = 1; i < points.length; i++) {
      const [[t0, v0], [t1, v1]] = [points[i - 1], points[i]];
      this.#areas.push(this.#areas[i - 1] + (t1 - t0) * (v0 + v1) / 2);
    }
  }

  /** When the last stage ends, in seconds (0 without stages). */
  get endSec(): number {
    return this.#points[this.#points.length - 1][0];
  }

  /** The value at `sec`; at a 0-second stage, the later value. */
  valueAt(sec: number): number {
    const i = this.#segmentAt(sec);
    if (i === this.#points.length - 1) return this.#points[i][1];
    const [[t0, v0], [t1, v1]] = [this.#points[i], this.#points[i + 1]];
    return v0 + (v1 - v0) * (sec - t0) / (t1 - t0);
  }

  /** The area from 0 to `sec`. */
  areaTo(sec: number): number {
    const i = this.#segmentAt(sec);
    const [t0, v0] = this.#points[i];
    const dt = sec - t0;
    return this.#areas[i] + dt * (v0 + this.valueAt(sec)) / 2;
  }

  /** The first time the area reaches `area`; Infinity when it never does (the load stays 0). */
  timeForArea(area: number): number {
    const points = this.#points;
    const last = points.length - 1;
    let i = 0;
    while (i < last && this.#areas[i + 1] < area) i++;
    const [t0, v0] = points[i];
    const rest = area - this.#areas[i];
    if (i === last) return v0 > 0 ? t0 + rest / v0 : Infinity;
    const [t1, v1] = points[i + 1];
    const slope = (v1 - v0) / (t1 - t0);
    if (rest <= 0) return t0;
    // v0·τ + slope·τ²/2 = rest, in the form that stays exact as slope goes to 0.
    const root = Math.sqrt(Math.max(0, v0 * v0 + 2 * slope * rest));
    return Math.min(t1, t0 + (2 * rest) / (v0 + root));
  }

  /** Index of the corner point that starts the segment holding `sec`. */
  #segmentAt(sec: number): number {
    const points = this.#points;
    let i = 0;
    // `<=`: at a corner the later segment holds, so a 0-second stage jumps at once.
    while (i < points.length - 1 && points[i + 1][0] <= sec) i++;
    return i;
  }
}
