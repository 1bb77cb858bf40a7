/** Constants of each type the generator writes, drawn near the values the workload's rows hold. */
import type { Rng } from "../rng.ts";
import { type Expr, SQL_TYPE_NAMES, type SqlType, textLiteral } from "./ast.ts";

/** Words the generated text columns hold, so LIKE and = sometimes match. */
const WORDS = ["alpha", "beta", "gamma", "zeta", "stress", "hyper", "café", "データ", "name_1", ""];

/** A constant of `type`, NULL one time in ten. */
export function constantOf(rng: Rng, type: SqlType): Expr {
  if (rng.next() < 0.1) return nullOf(type);
  switch (type) {
    case "int": {
      const value = rng.next() < 0.8 ? rng.int(-10, 120) : rng.int(-100_000, 1_000_000);
      return { k: "lit", type, sql: String(value) };
    }
    case "bigint":
      return { k: "lit", type, sql: `CAST(${rng.int(-(2 ** 30), 2 ** 30) * 1024} AS BIGINT)` };
    case "double":
      return { k: "lit", type, sql: `CAST(${rng.int(-1e6, 1e6) / 100} AS DOUBLE PRECISION)` };
    case "numeric":
      return { k: "lit", type, sql: `CAST(${rng.int(-1e4, 1e5) / 10} AS NUMERIC(38,6))` };
    case "bool":
      return { k: "lit", type, sql: rng.next() < 0.5 ? "TRUE" : "FALSE" };
    case "text":
      return { k: "lit", type, sql: textLiteral(rng.pick(WORDS)) };
    case "timestamp": {
      const ms = Date.UTC(2019, 6, 1) + rng.int(0, 8 * 365 * 24) * 3_600_000;
      const text = new Date(ms).toISOString().slice(0, 19).replace("T", " ");
      return { k: "lit", type, sql: `TIMESTAMP '${text}'` };
    }
    case "date": {
      const ms = Date.UTC(2019, 6, 1) + rng.int(0, 8 * 365) * 86_400_000;
      return { k: "lit", type, sql: `DATE '${new Date(ms).toISOString().slice(0, 10)}'` };
    }
  }
}

/** A typed NULL. */
export function nullOf(type: SqlType): Expr {
  return { k: "lit", type, sql: `CAST(NULL AS ${SQL_TYPE_NAMES[type]})` };
}
