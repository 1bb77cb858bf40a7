import assert from "node:assert/strict";
import { SHAPES } from "../../src/workload/table_shapes.ts";
import { generateCheck } from "../../src/workload/query_gen/generate.ts";
import { statementOf } from "../../src/workload/query_gen/oracles.ts";
import { constructsOf, REQUIRED_CONSTRUCTS } from "../../src/workload/query_gen/constructs.ts";

const tables = SHAPES.map((shape, i) => ({ name: `t${i}_${shape.name}`, shape }));

Deno.test("generateCheck() gives the same statement for the same seed, another for another", () => {
  for (let seed = 0; seed < 200; seed++) {
    const a = statementOf(generateCheck(seed, tables, 3));
    assert.equal(statementOf(generateCheck(seed, tables, 3)), a);
    assert.notEqual(statementOf(generateCheck(seed + 100_000, tables, 3)), a);
  }
});

Deno.test("generateCheck() uses every required construct within 2,000 seeds", () => {
  const seen = new Set<string>();
  for (let seed = 0; seed < 2000; seed++) {
    for (const name of constructsOf(generateCheck(seed, tables, 1 + (seed % 3)))) seen.add(name);
  }
  const missing = REQUIRED_CONSTRUCTS.filter((c) => !seen.has(c));
  assert.deepEqual(missing, []);
});

Deno.test("generateCheck() keeps complexity 1 to one table, no subquery and no set operation", () => {
  for (let seed = 0; seed < 500; seed++) {
    const found = constructsOf(generateCheck(seed, tables, 1));
    for (
      const c of ["join INNER", "join LEFT", "join CROSS", "EXISTS", "UNION", "window function"]
    ) {
      assert.ok(!found.has(c), `seed ${seed} has ${c} at complexity 1`);
    }
  }
});
