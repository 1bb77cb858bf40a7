import assert from "node:assert/strict";
import { withConnection, withHyperd } from "../helpers/hyperd.ts";

/**
 * A Hyper bug the TLP oracle found (docs/hyper-bugs.md): in a WHERE clause, NOT (x IN (SELECT
 * ...)) keeps the rows where it is NULL, as if NULL were false before the NOT. In a select list
 * the same expression is NULL, as it should be. This test fails once a build filters correctly.
 */
Deno.test("hyperd keeps rows where NOT (x IN (subquery)) is NULL (a known bug)", async () => {
  await withHyperd(async (hyperd, dir) => {
    await withConnection(hyperd, `${dir}/not_in.hyper`, async (conn) => {
      const rows = `(VALUES (CAST(NULL AS TEXT)), ('x')) AS a(x)`;
      const value = await conn.sql.unsafe(
        `SELECT x, NOT (x IN (SELECT 'beta')) AS p FROM ${rows} ORDER BY x NULLS FIRST`,
      );
      assert.deepEqual(value.map((r) => r.p), [null, true]);
      const [{ n }] = await conn.sql.unsafe(
        `SELECT count(*) AS n FROM ${rows} WHERE NOT (x IN (SELECT 'beta'))`,
      );
      // Correct: 1 (only 'x'; NOT NULL is NULL). Hyper answers 2.
      assert.equal(Number(n), 2);
      // An all-NULL subquery, no NULL on the left: NOT IN is NULL for every row, yet all stay.
      const [{ m }] = await conn.sql.unsafe(
        `SELECT count(*) AS m FROM (VALUES (1), (2)) AS b(y) WHERE 5 NOT IN (SELECT CAST(NULL AS INT))`,
      );
      assert.equal(Number(m), 2);
    });
  });
});
