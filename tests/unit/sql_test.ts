import assert from "node:assert/strict";
import { columnList, copyInSql, createTableSql, quoteIdent } from "../../src/wire/sql.ts";
import { SMALL } from "../../src/workload/table_shapes.ts";

Deno.test("quoteIdent() wraps a name in double quotes and doubles the quotes inside it", () => {
  assert.equal(quoteIdent("t"), `"t"`);
  assert.equal(quoteIdent(`a"b""c`), `"a""b""""c"`);
  assert.equal(quoteIdent("/tmp/run 1/db.hyper"), `"/tmp/run 1/db.hyper"`);
});

Deno.test("createTableSql() declares every column with its type and NOT NULL where not nullable", () => {
  assert.equal(
    createTableSql("base_0", SMALL),
    `CREATE TABLE IF NOT EXISTS "base_0" ("id" INT NOT NULL, "name" TEXT, ` +
      `"value" DOUBLE PRECISION)`,
  );
});

Deno.test("copyInSql() names the shape's columns in order and the format of each encoder", () => {
  assert.equal(columnList(SMALL), `"id", "name", "value"`);
  assert.equal(
    copyInSql("base_0", SMALL, "HYPERBINARY"),
    `COPY "base_0" ("id", "name", "value") FROM STDIN WITH (FORMAT HYPERBINARY)`,
  );
  assert.equal(
    copyInSql(`we"ird`, SMALL, "ARROWSTREAM"),
    `COPY "we""ird" ("id", "name", "value") FROM STDIN WITH (FORMAT ARROWSTREAM)`,
  );
});
