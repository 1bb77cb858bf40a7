/**
 * An insert cut in the middle of its COPY (some CopyData through, no CopyDone) is in doubt.
 * hyperd either rolls the COPY back (it logs `query-end-system-error` 58030), and the check must
 * then find the insert absent with no finding, or it never ends the COPY (the abandoned-COPY
 * hang, docs/hyper-bugs.md) and the table's check gets no answer. Which one it did depends on
 * where the cut falls: inside a CopyData message, hyperd 0.0.26359 rolled back 20 of 20 such cuts
 * here; between two messages, none of 62. Each test accepts either outcome, but names the hang by
 * its evidence (no end of the COPY in hyperd's log, a check with no answer, the other tables clean)
 * instead of passing on a silence, and a finding fails it either way.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { setUpDatabases } from "../../src/run/database_setup.ts";
import { checkIntegrity, type Integrity, tablesToCheck } from "../../src/run/integrity.ts";
import type { InDoubtRecord } from "../../src/stats/op_records.ts";
import { TIMED_OUT, within } from "../../src/time.ts";
import { CopyCutRelay } from "../helpers/copy_cut_relay.ts";
import { withHyperd } from "../helpers/hyperd.ts";
import type { Hyperd } from "../../src/hyperd/process.ts";
import { runRelayedUser } from "../helpers/relayed_user.ts";

/** The check of a few thousand rows takes under a second: this long with no answer is the hang. */
const CHECK_MS = 5_000;
/** How long hyperd may take to log the cut COPY's end, if it ends it. */
const LOG_MS = 2_000;

/** What hyperd's log says of the COPY `statement` it began last: its end, or none. */
async function copyEnd(logFile: string, statement: string): Promise<string | null> {
  const until = performance.now() + LOG_MS;
  for (;;) {
    const entries = (await Deno.readTextFile(logFile)).split("\n").filter(Boolean)
      .map((line) => JSON.parse(line));
    const begin = entries.findLast((e) => e.k === "query-begin" && e.v?.query === statement);
    assert.ok(begin, `hyperd's log has no query-begin for ${statement}`);
    const end = entries.find((e) =>
      e.sess === begin.sess && e.req === begin.req && String(e.k).startsWith("query-end")
    );
    if (end) return `${end.k} ${end.v?.["error-code"] ?? ""} ${end.v?.["error-message"] ?? ""}`;
    if (performance.now() > until) return null;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Runs an inserter through `relay` on a new database until one of its COPYs is cut, stops it, and
 * returns its acknowledged inserts, the one in doubt, and the statement cut.
 */
async function cutOneCopy(
  hyperd: { host: string; port: number },
  dir: string,
  relay: CopyCutRelay,
  index: number,
) {
  const spec = { index, schemaSeed: `cut-copy-${index}`, file: `db_${index}.hyper` };
  const [database] = await setUpDatabases(hyperd, dir, [spec]);
  const { user, flags, tally } = runRelayedUser(hyperd, database, relay.port, {
    class: "inserter",
    seed: spec.schemaSeed,
    batchMax: 2_000,
    complexity: 1,
  });
  const cutsBefore = relay.cuts.length;
  const waitFor = (done: () => boolean) => tally.until(done, 200, 25);
  try {
    await waitFor(() => tally.ops >= 3);
    relay.arm(1);
    await waitFor(() => relay.cuts.length > cutsBefore);
  } finally {
    // At once: the user's next insert could wait behind a hung COPY.
    flags.stopped = true;
  }
  assert.equal(relay.cuts.length, cutsBefore + 1, "the user sent no COPY to cut");
  assert.notEqual(await within(user, 10_000), TIMED_OUT, "the user did not stop within 10 s");
  tally.drain();
  const { writes, inDoubt } = tally;
  const tables = tablesToCheck([{ ...database, schemaSeed: spec.schemaSeed }], writes, inDoubt);
  return { tables, inDoubt, cut: relay.cuts.at(-1)! };
}

/**
 * Cuts one COPY of an inserter through `relay` and checks the database: returns what happened,
 * after asserting it is a clean rollback (absent, no finding) or the named hang.
 */
async function cutAndCheck(hyperd: Hyperd, dir: string, relay: CopyCutRelay): Promise<string> {
  const { tables, inDoubt, cut } = await cutOneCopy(hyperd, dir, relay, 0);
  assert.deepEqual(
    inDoubt.map((w) => w.why),
    ["its connection broke"],
    "the cut insert must be in doubt, and only it",
  );
  assert.ok(cut.copyDataBytes > 19, "no row reached hyperd before the cut");
  const checking = checkIntegrity(hyperd, tables);
  checking.catch(() => {}); // a hung check fails once hyperd stops
  const [ended, integrity] = await Promise.all([
    copyEnd(join(hyperd.logDir, "hyperd.log"), cut.statement),
    within(checking, CHECK_MS),
  ]);
  if (integrity !== TIMED_OUT) {
    assertAbsent(integrity, inDoubt[0]);
    return `hyperd rolled the COPY cut after ${cut.copyDataBytes} bytes back ` +
      `(${ended ?? "no end logged"}); the insert was found absent, no finding`;
  }
  // The hang, named by its evidence; anything else with no answer is a failure.
  assert.equal(ended, null, `the COPY ended (${ended}), yet the check had no answer`);
  // The database's other tables are not held: they are checked, and clean.
  const held = inDoubt[0].key.split("/")[1];
  const others = await within(
    checkIntegrity(hyperd, tables.filter((t) => t.name !== held)),
    CHECK_MS,
  );
  assert.notEqual(others, TIMED_OUT, `tables other than ${held} are held too`);
  assert.deepEqual((others as Integrity).findings, []);
  assert.equal((others as Integrity).mismatches, 0);
  return "known Hyper bug, abandoned-COPY hang (docs/hyper-bugs.md): hyperd never ended the " +
    `COPY cut after ${cut.copyDataBytes} bytes (no query-end in its log) and the check of ` +
    `${held} had no answer in ${CHECK_MS} ms; the other tables checked clean`;
}

Deno.test("an insert cut inside a CopyData message is in doubt, rolled back by hyperd, found absent with no finding (or the hang, named)", async () => {
  await withHyperd(async (hyperd, dir) => {
    const relay = await CopyCutRelay.start(hyperd, { midMessage: true });
    try {
      console.log(await cutAndCheck(hyperd, dir, relay));
    } finally {
      await relay.close();
    }
  });
});

Deno.test("an insert cut between CopyData messages is in doubt, and hyperd's abandoned-COPY hang is named (or it is found absent)", async () => {
  await withHyperd(async (hyperd, dir) => {
    const relay = await CopyCutRelay.start(hyperd);
    try {
      console.log(await cutAndCheck(hyperd, dir, relay));
    } finally {
      await relay.close();
    }
  });
});

/** The in-doubt insert was found wholly absent, and nothing is wrong. */
function assertAbsent(integrity: Integrity, write: InDoubtRecord): void {
  assert.deepEqual(
    integrity.inDoubt!.map((o) => [o.seed, o.outcome, o.presentRows]),
    [[write.seed, "absent", 0]],
  );
  assert.deepEqual(integrity.findings, []);
  assert.equal(integrity.mismatches, 0);
}
