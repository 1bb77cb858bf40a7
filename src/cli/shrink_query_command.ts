/**
 * `shrink --replay-file RUN/replay.json --until wrong-result|query-error`: the run's first such
 * finding, regenerated from its seed and shrunk by its syntax tree against a copy of the run's
 * database (its data as the run left it), on a fresh hyperd. Writes repro.sql (psql-runnable:
 * tables, the rows the statement reads, the statement, the answers) and shrink.json.
 */
import type { CommandContext } from "./context.ts";
import { basename, dirname, join } from "node:path";
import type { Config } from "../config/settings.ts";
import { ConfigError, DatabaseError } from "../errors.ts";
import type { HyperdBinary } from "../hyperd/locate.ts";
import { Hyperd } from "../hyperd/process.ts";
import { writeJson, writeText } from "../results/artifacts.ts";
import type { Summary } from "../results/summary.ts";
import { prepareOutputDir } from "../run/output_dir.ts";
import { reproScript, rowsSql, windowsOf } from "../shrink/query_repro.ts";
import type { QueryError, WrongResult } from "../stats/oracle_stats.ts";
import { EXIT } from "../verdict_policy.ts";
import { connect, type HyperConnection } from "../wire/connection.ts";
import type { TableSpec } from "../workload/layout.ts";
import { generateCheck } from "../workload/query_gen/generate.ts";
import { type Check, judge, sidesOf, statementOf } from "../workload/query_gen/oracles.ts";
import { shrinkCheck } from "../workload/query_gen/shrink_tree.ts";
import { SHAPES } from "../workload/table_shapes.ts";

/** Candidates tried at most. */
const MAX_ATTEMPTS = 3000;

/** Shrinks the run's first wrong result (or internal query error); 0 with a reproduction. */
export async function shrinkQueryCommand(
  config: Config,
  binary: HyperdBinary,
  context: CommandContext,
): Promise<number> {
  const { output } = context;
  const until = config.until as "wrong-result" | "query-error";
  if (!config.replayFile) {
    throw new ConfigError(
      `shrink --until ${until}: expected --replay-file (STRESS_REPLAY_FILE), the replay.json of ` +
        "the run that found it; its summary.json and databases are read beside it",
    );
  }
  const runDir = dirname(config.replayFile);
  const summary = JSON.parse(await Deno.readTextFile(join(runDir, "summary.json"))) as Summary;
  const finding = summary.findings.find((f) => f.kind === until);
  if (!finding) {
    throw new DatabaseError(`shrink: ${join(runDir, "summary.json")} has no ${until} finding`);
  }
  const evidence = finding.evidence as WrongResult | QueryError;
  const database = (summary.databases ?? []).find((d) => d.index === evidence.database);
  if (!database) throw new DatabaseError(`shrink: the run has no database ${evidence.database}`);
  const tables = database.tables.map(tableOf);
  const out = await prepareOutputDir(config.outputDir);
  const data = join(out.path, "data.hyper");
  // A copy: the shrink must not change the run's own files.
  await Deno.copyFile(join(runDir, basename(database.path)), data);
  const hyperd = await Hyperd.start({
    binary: binary.path,
    logDir: join(out.path, "log"),
    processes: context.processes,
  });
  const conn = connect(hyperd, data);
  try {
    const check = generateCheck(evidence.seed, tables, evidence.complexity, {
      knownBugs: evidence.knownBugs ?? false,
    });
    const fails = until === "wrong-result"
      ? (c: Check) => isWrong(conn, c)
      : (c: Check) => failsWith(conn, c, (evidence as QueryError).sqlState);
    if (!await fails(check)) {
      output.say(
        `shrink: seed ${evidence.seed}'s check gives no ${until} on the run's final data ` +
          "(other users' rows changed it since); nothing to shrink",
      );
      return EXIT.environment;
    }
    const result = await shrinkCheck(check, fails, MAX_ATTEMPTS);
    const read = [];
    for (const [name, windows] of windowsOf(result.check)) {
      const shape = tables.find((t) => t.name === name)!.shape;
      read.push({ name, shape, rows: await conn.sql.unsafe(rowsSql(name, shape, windows)) });
    }
    const answer = until === "wrong-result"
      ? judge(await conn.sql.unsafe(statementOf(result.check)))
      : { whole: null, parts: null };
    const note = `seed ${evidence.seed}, complexity ${evidence.complexity}, from ${runDir}` +
      (until === "query-error" ? `; fails with ${(evidence as QueryError).sqlState}` : "");
    const script = reproScript({ check: result.check, tables: read, ...answer, note });
    await writeText(join(out.path, "repro.sql"), script);
    await writeJson(join(out.path, "shrink.json"), {
      until,
      finding: finding.description,
      original: statementOf(check),
      shrunk: { ...sidesOf(result.check), statement: statementOf(result.check) },
      attempts: result.attempts,
      steps: result.steps,
      rows: Object.fromEntries(read.map((t) => [t.name, t.rows.length])),
    });
    output.print(
      `shrink: ${result.steps} steps, ${result.attempts} candidates tried; ` +
        `${statementOf(check).length} -> ${statementOf(result.check).length} characters\n` +
        `${sidesOf(result.check).query}\nwrote ${join(out.path, "repro.sql")}`,
    );
    return EXIT.ok;
  } finally {
    await conn.sql.end({ timeout: 5 }).catch(() => {});
    await hyperd.stop();
    await out.release();
  }
}

/** A base table by its name (`t<i>_<shape>`). */
function tableOf(name: string): TableSpec {
  const shape = SHAPES.find((s) => name.endsWith(`_${s.name}`));
  if (!shape) throw new DatabaseError(`shrink: no table shape for "${name}"`);
  return { name, shape };
}

async function isWrong(conn: HyperConnection, check: Check): Promise<boolean> {
  try {
    return !judge(await conn.sql.unsafe(statementOf(check))).ok;
  } catch {
    return false;
  }
}

async function failsWith(conn: HyperConnection, check: Check, sqlState: string): Promise<boolean> {
  try {
    await conn.sql.unsafe(statementOf(check));
    return false;
  } catch (error) {
    return (error as { code?: string }).code === sqlState;
  }
}
