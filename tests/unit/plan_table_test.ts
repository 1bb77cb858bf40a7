import assert from "node:assert/strict";
import { parseCommandLine } from "../../src/cli/args.ts";
import { buildPlan, planTable } from "../../src/cli/plan.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import { runLayout } from "../../src/config/run_layout.ts";

Deno.test("planTable() shows each planned operation on one row with the SQL it sends", () => {
  const args = ["--seed=1", "--databases=1", "--inserter-users=1", "--query-users=1"];
  const config = resolveConfig(
    parseCommandLine([...args, "--mixed-users=0", "--plan-ops=4"]).flags,
    {},
  );
  const layout = runLayout(config);
  const lines = planTable(config, layout).split("\n");
  assert.match(lines[0], /^seed 1, 4 operations per user/);
  assert.match(lines[2], /^user +seq +kind +table +rows +SQL$/);
  const rows = lines.slice(3);
  const plan = buildPlan(config, layout);
  assert.equal(rows.length, plan.users.length * 4);
  for (const [i, op] of plan.users.flatMap((u) => u.ops).entries()) {
    assert.ok(rows[i].includes(op.kind), rows[i]);
  }
  assert.ok(
    rows.every((row) => /(COPY|INSERT|SELECT|CREATE|ALTER|DROP) /.test(row)),
    rows.join("\n"),
  );
  assert.ok(rows.some((row) => /COPY "t\d_\w+" \(.*\) FROM STDIN .* -- \d+ rows$/.test(row)));
});
