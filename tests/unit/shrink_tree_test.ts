import assert from "node:assert/strict";
import { reductions, shrinkCheck, sizeOf } from "../../src/workload/query_gen/shrink_tree.ts";
import { generateCheck } from "../../src/workload/query_gen/generate.ts";
import { statementOf } from "../../src/workload/query_gen/oracles.ts";
import { SHAPES } from "../../src/workload/table_shapes.ts";

const tables = SHAPES.map((shape, i) => ({ name: `t${i}_${shape.name}`, shape }));

Deno.test("shrinkCheck() keeps what makes a check fail and cuts the rest", async () => {
  // A fault that needs a LIKE: the shrunk statement keeps one and little else.
  let shrunk = 0;
  for (let seed = 0; seed < 300 && shrunk < 5; seed++) {
    const check = generateCheck(seed, tables, 3);
    if (!statementOf(check).includes(" LIKE ")) continue;
    shrunk++;
    const result = await shrinkCheck(
      check,
      (c) => Promise.resolve(statementOf(c).includes(" LIKE ")),
    );
    const sql = statementOf(result.check);
    assert.ok(sql.includes(" LIKE "), sql);
    assert.equal(result.check.oracle, check.oracle);
    assert.ok(sizeOf(result.check) < sizeOf(check), `${sizeOf(result.check)} of ${sizeOf(check)}`);
    // No one-step reduction of the result still fails: it is locally minimal.
    assert.ok(
      reductions(result.check).every((c) =>
        !(sizeOf(c) < sizeOf(result.check) && statementOf(c).includes(" LIKE "))
      ),
    );
  }
  assert.equal(shrunk, 5);
});

Deno.test("reductions() never drops the DISTINCT of the DISTINCT oracle nor the aggregate oracle's aggregate", () => {
  for (let seed = 0; seed < 300; seed++) {
    const check = generateCheck(seed, tables, 2);
    for (const c of reductions(check)) {
      if (check.oracle === "tlp-distinct") assert.ok(c.base.distinct);
      if (check.oracle === "tlp-aggregate") assert.equal(c.base.items[0].expr.k, "agg");
    }
  }
});
