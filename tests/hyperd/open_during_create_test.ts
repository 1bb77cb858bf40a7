/**
 * A hyperd bug hyperstress found (docs/hyper-bugs.md): a connection that opens a database while
 * CREATE DATABASE is making it can hang, and so does every later connection to that database.
 * This test fails the day a hyperd build fixes it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { connect, type Endpoint } from "../../src/wire/connection.ts";
import { quoteIdent } from "../../src/wire/sql.ts";
import { TIMED_OUT, within } from "../../src/time.ts";
import { withStandaloneHyperd } from "../helpers/standalone_hyperd.ts";

/**
 * Fresh servers tried before the canary says the bug is gone: about one in three hangs (7 of 22
 * here), so all 20 getting through by chance is about 1 in 2,000.
 */
const TRIES = 20;
/** A `SELECT 1` still unanswered after this long hangs (an answer takes milliseconds). */
const HUNG_MS = 3_000;

/** `text` on a new connection to `database`: "answered" (rows or an error) or "hung". */
async function answers(endpoint: Endpoint, database: string | undefined, text: string) {
  const conn = connect(endpoint, database);
  const answer = await within(conn.sql.unsafe(text).execute().catch(() => null), HUNG_MS);
  if (answer === TIMED_OUT) {
    conn.socket?.destroy();
    return "hung";
  }
  await conn.sql.end({ timeout: 1 });
  return "answered";
}

/**
 * One fresh server: a client opens `d.hyper` over and over, as fast as it can, while another
 * creates it. Whether an open hung, and whether a new connection after the create hangs too.
 */
function openWhileCreating(): Promise<{ openHung: boolean; afterHung: boolean }> {
  return withStandaloneHyperd(async (hyperd, dir) => {
    const endpoint = { host: "127.0.0.1", port: hyperd.port };
    const database = join(dir, "d.hyper");
    let created = false;
    const opener = (async () => {
      while (!created) {
        if (await answers(endpoint, database, "SELECT 1") === "hung") return true;
      }
      return false;
    })();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const create = await answers(endpoint, undefined, `CREATE DATABASE ${quoteIdent(database)}`);
    assert.equal(create, "answered");
    created = true;
    const openHung = await opener;
    const afterHung = await answers(endpoint, database, "SELECT 1") === "hung";
    return { openHung, afterHung };
  }, { logging: "default" });
}

Deno.test("hyperd bug: opening a database while CREATE DATABASE makes it hangs it for every later connection", async () => {
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    const { openHung, afterHung } = await openWhileCreating();
    if (openHung) {
      assert.ok(afterHung, "the open hung, and a new connection after the create answered");
      console.log(`hung on server ${attempt} of ${TRIES}`);
      return;
    }
    assert.ok(!afterHung, "a new connection after the create hung, though no open during it did");
  }
  assert.fail(
    `no open of a database during its CREATE DATABASE hung on ${TRIES} fresh servers: this ` +
      "build fixes it. Move its entry in docs/hyper-bugs.md to fixed.",
  );
});
