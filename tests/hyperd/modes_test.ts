import assert from "node:assert/strict";
import { join } from "node:path";
import type { Summary } from "../../src/results/summary.ts";
import { hyperdEnv, runCli } from "../helpers/cli.ts";

const SEEDED = [
  "--duration=5",
  "--seed=21",
  "--databases=2",
  "--inserter-users=1",
  "--query-users=2",
  "--mixed-users=1",
  "--think-max-ms=10",
  "--batch-max=1500",
  "--progress-interval=0",
];

async function runMode(dir: string, args: string[]): Promise<Summary> {
  const run = await runCli(["stress", `--output-dir=${dir}`, ...SEEDED, ...args], hyperdEnv());
  assert.equal(run.code, 0, run.stderr);
  const summary: Summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
  assert.equal(summary.totals.failures, 0, JSON.stringify(summary.errors));
  assert.ok(summary.byOp.BulkInsert.count > 0 && summary.totals.insertedRows > 0);
  assert.equal(summary.integrity.checked, true);
  assert.equal(summary.integrity.mismatches, 0);
  // Checked by content: every table's fingerprint matched the model's, with no finding.
  assert.deepEqual(summary.integrity.findings, []);
  assert.ok(summary.integrity.tables.every((t) => t.differs?.length === 0 && t.server));
  return summary;
}

Deno.test("each of the seed's modes runs a seeded short run with zero failures and intact data", async () => {
  const dirs = await Promise.all(
    [0, 1, 2, 3].map(() => Deno.makeTempDir({ prefix: "hyperstress-mode-" })),
  );
  try {
    const binary = await runMode(dirs[0], ["--preset=tcp-hyperbinary"]);
    assert.deepEqual([binary.config.transport, binary.config.dataFormat], ["tcp", "hyperbinary"]);
    assert.equal(binary.transport.grpcReads, 0);
    assert.ok(binary.transport.libpqReads > 0);

    const arrow = await runMode(dirs[1], ["--preset=tcp-arrow"]);
    assert.deepEqual([arrow.config.transport, arrow.config.dataFormat], ["tcp", "arrow"]);

    const grpc = await runMode(dirs[2], ["--preset=grpc"]);
    assert.deepEqual([grpc.config.transport, grpc.config.dataFormat], ["grpc", "hyperbinary"]);
    assert.ok(grpc.transport.grpcReads > 0, "no read went over gRPC");
    assert.equal(grpc.transport.libpqReads, 0);

    const replay = await runMode(dirs[3], [
      "--preset=replay",
      `--replay-file=${join(dirs[0], "replay.json")}`,
    ]);
    assert.equal(replay.config.seed, 21);
    assert.deepEqual(replay.users.map((u) => u.id), binary.users.map((u) => u.id));
  } finally {
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  }
});
