import assert from "node:assert/strict";
import {
  DASH,
  formatFixed,
  formatLoad,
  formatMb,
  formatMs,
  formatNumber,
  formatPercent,
  formatRate,
  formatSeconds,
  formatShort,
  formatTicks,
  plural,
  round,
  textTable,
  withUnit,
} from "../../src/results/format.ts";

Deno.test("round() keeps `digits` decimals, three by default, halves rounding up", () => {
  assert.equal(round(1.23456), 1.235);
  assert.equal(round(1.23456, 1), 1.2);
  assert.equal(round(2.5, 0), 3);
  assert.equal(round(-2.5, 0), -2);
  assert.equal(round(1234.5678, 2), 1234.57);
});

Deno.test("formatNumber() groups thousands and drops trailing zeros", () => {
  assert.equal(formatNumber(1234567), "1,234,567");
  assert.equal(formatNumber(1234.5678, 2), "1,234.57");
  assert.equal(formatNumber(12.5, 2), "12.5");
  assert.equal(formatNumber(12, 2), "12");
  assert.equal(formatNumber(999.96, 1), "1,000");
});

Deno.test("formatNumber() rounds like round(), so a printed value matches summary.json", () => {
  for (const value of [0.125, 2.5, -2.5, 1.005, 10.05, 33.335, 4.35, -0.05, 1234.5678]) {
    for (const digits of [0, 1, 2]) {
      const expected = round(value, digits) + 0;
      assert.equal(Number(formatNumber(value, digits).replaceAll(",", "")), expected);
    }
  }
  // Intl alone would round half away from zero and print "-3".
  assert.equal(formatNumber(-2.5), "-2");
});

Deno.test("formatNumber() never prints -0 for a tiny negative value", () => {
  assert.equal(formatNumber(-0.0004, 2), "0");
  assert.equal(formatFixed(-0.0004, 1), "0.0");
});

Deno.test("formatFixed() always shows `digits` decimals, with separators", () => {
  assert.equal(formatFixed(4.2, 2), "4.20");
  assert.equal(formatFixed(0, 1), "0.0");
  assert.equal(formatFixed(1234567.891, 1), "1,234,567.9");
});

Deno.test("every formatter prints a dash for null, undefined, NaN and infinities", () => {
  for (const missing of [null, undefined, NaN, Infinity, -Infinity]) {
    assert.equal(formatNumber(missing), DASH);
    assert.equal(formatFixed(missing, 2), DASH);
    assert.equal(formatSeconds(missing), DASH);
  }
  assert.equal(DASH, "–");
});

Deno.test("withUnit() appends the unit to a number but leaves a dash alone", () => {
  assert.equal(withUnit(formatNumber(1120), " MB"), "1,120 MB");
  assert.equal(withUnit(formatNumber(null), " MB"), DASH);
  assert.equal(withUnit(formatFixed(85, 1), "%"), "85.0%");
});

Deno.test("formatSeconds() shows one decimal by default", () => {
  assert.equal(formatSeconds(60.042), "60.0 s");
  assert.equal(formatSeconds(0.4), "0.4 s");
  assert.equal(formatSeconds(3725, 0), "3,725 s");
});

Deno.test("plural() adds an s to any count but one", () => {
  assert.equal(plural(1, "table"), "1 table");
  assert.equal(plural(0, "table"), "0 tables");
  assert.equal(plural(2000, "event"), "2,000 events");
});

Deno.test("formatShort() abbreviates from 10,000 up, with at most two decimals", () => {
  assert.equal(formatShort(950), "950");
  assert.equal(formatShort(9999), "9999");
  assert.equal(formatShort(12_500), "12.5k");
  assert.equal(formatShort(20_000_000), "20M");
  assert.equal(formatShort(3_456_000_000), "3.46G");
  assert.equal(formatShort(0.125), "0.13");
  assert.equal(formatShort(-15_000), "-15k");
});

Deno.test("textTable() left-aligns the first column and right-aligns the rest", () => {
  const lines = textTable(["name", "count"], [["a", "1"], ["longer", "1,000"]]).split("\n");
  assert.deepEqual(lines, [
    "name    count",
    "a           1",
    "longer  1,000",
  ]);
});

Deno.test("textTable() aligns columns as asked and leaves no trailing spaces", () => {
  const lines = textTable(
    ["flag", "meaning"],
    [["--seed", "global seed"], ["--duration", "seconds"]],
    ["left", "left"],
  ).split("\n");
  assert.deepEqual(lines, [
    "flag        meaning",
    "--seed      global seed",
    "--duration  seconds",
  ]);
  for (const line of lines) assert.equal(line, line.trimEnd());
});

Deno.test("textTable() widens a column to its longest cell and fills missing cells", () => {
  const lines = textTable(["k", "v", "w"], [["x", "12345"], ["y", "1", "2"]]).split("\n");
  assert.deepEqual(lines.map((l) => l.length), [11, 8, 11]);
  assert.equal(lines[0], "k      v  w");
  assert.equal(lines[1], "x  12345");
});

Deno.test("formatTicks() puts one axis on one scale, with the decimals its finest tick needs", () => {
  assert.deepEqual(formatTicks([0, 5000, 10000, 15000, 20000]), ["0", "5k", "10k", "15k", "20k"]);
  assert.deepEqual(formatTicks([0, 2000, 4000]), ["0", "2,000", "4,000"]);
  assert.deepEqual(formatTicks([0, 0.25, 0.5, 0.75, 1]), ["0", "0.25", "0.5", "0.75", "1"]);
  assert.deepEqual(formatTicks([0, 0.2, 0.4, 0.6000000000000001]), ["0", "0.2", "0.4", "0.6"]);
  assert.deepEqual(formatTicks([0, 2.5e6, 5e6]), ["0", "2.5M", "5M"]);
});

Deno.test("each quantity has one rule: ms 2 decimals, MB and percent 1, load 2, rates 1", () => {
  assert.equal(formatMs(4.2), "4.20");
  assert.equal(formatMs(50070), "50,070.00");
  assert.equal(formatMb(280), "280.0");
  assert.equal(formatPercent(0.2919, 2), "0.29%");
  assert.equal(formatPercent(85), "85.0%");
  assert.equal(formatPercent(null), DASH);
  assert.equal(formatLoad(1), "1.00");
  assert.equal(formatRate(34.25), "34.3");
});
