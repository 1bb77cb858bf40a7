import assert from "node:assert/strict";
import { jsonErrorPosition, positionOf } from "../../src/config/json_position.ts";

Deno.test("jsonErrorPosition() accepts what JSON.parse accepts", () => {
  for (
    const text of [
      "{}",
      " [ ] ",
      '{"a": [1, -2.5e3, 0, true, false, null, "x\\"\\u00e9\\n"], "b": {"c": {}}}',
      "-0.1E+2",
      '"\\/"',
    ]
  ) {
    JSON.parse(text);
    assert.equal(jsonErrorPosition(text), null, text);
  }
});

Deno.test("jsonErrorPosition() points at the first character that is not JSON", () => {
  const cases: [string, number, number][] = [
    ['{"a": 1,}', 1, 9],
    ['{\n  "a": tru\n}', 2, 8],
    ["[1 2]", 1, 4],
    ['{"a" 1}', 1, 6],
    ["[01]", 1, 3],
    ['"a\\q"', 1, 4],
    ['"\\u12G4"', 1, 3],
    ["{} x", 1, 4],
    ["\n\n  [1,]", 3, 6],
  ];
  for (const [text, line, column] of cases) {
    assert.throws(() => JSON.parse(text));
    const at = jsonErrorPosition(text);
    assert.deepEqual([at?.line, at?.column], [line, column], JSON.stringify(text));
  }
});

Deno.test("jsonErrorPosition() puts an early end at the end of the text", () => {
  for (const text of ["", "[1, 2", '{"a": "b', "{\n"]) {
    assert.equal(jsonErrorPosition(text)?.offset, text.length, JSON.stringify(text));
  }
  assert.deepEqual(positionOf("ab\ncd", 5), { offset: 5, line: 2, column: 3 });
});
