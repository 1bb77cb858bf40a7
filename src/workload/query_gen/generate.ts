/**
 * One generated oracle check from an operation's seed: which oracle, its base query and its
 * partitioning predicate. The same seed, tables and complexity give the same check. Pure.
 */
import type { TableSpec } from "../layout.ts";
import type { Expr, Select, SqlType } from "./ast.ts";
import { type Check, COMBINE, type Oracle, ORACLES } from "./oracles.ts";
import { emptySelect, QueryGen } from "./query_gen.ts";
import type { ScopeColumn } from "./expr_gen.ts";

/** Choices of generateCheck beyond seed, tables and complexity. */
export interface CheckOptions {
  /** Only this oracle. */
  oracle?: Oracle;
  /** Let the partitioning predicate hold IN (subquery), which hits Hyper's known NOT IN bug. */
  knownBugs?: boolean;
}

/** The check of seed `seed` over `tables`, as complex as `complexity` (1 to 3) allows. */
export function generateCheck(
  seed: number | string,
  tables: readonly TableSpec[],
  complexity: number,
  options: CheckOptions = {},
): Check {
  const { oracle, knownBugs = false } = options;
  const gen = new QueryGen(String(seed), tables, complexity, knownBugs);
  const kind = oracle ?? gen.rng.pick(ORACLES);
  const { from, scope } = gen.source();
  const where = gen.rng.next() < 0.3 ? gen.predicate(scope) : null;
  switch (kind) {
    case "tlp-where":
    case "tlp-distinct":
      return {
        oracle: kind,
        base: {
          ...emptySelect(),
          distinct: kind === "tlp-distinct",
          items: gen.items(scope),
          from,
          where,
        },
        predicate: gen.partitioning(scope),
      };
    case "tlp-having":
      return havingCheck(gen, from, scope, where);
    case "tlp-aggregate":
      return {
        oracle: kind,
        base: {
          ...emptySelect(),
          items: [{ expr: decomposable(gen, scope), alias: "a" }],
          from,
          where,
        },
        predicate: gen.partitioning(scope),
      };
    case "norec":
      return { oracle: kind, base: { ...emptySelect(), from }, predicate: gen.partitioning(scope) };
  }
}

/** Grouped by one or two columns, with aggregates; the predicate may hold aggregates too. */
function havingCheck(
  gen: QueryGen,
  from: Select["from"],
  scope: ScopeColumn[],
  where: Expr | null,
): Check {
  const rng = gen.rng;
  const keys = Array.from({ length: rng.int(1, 2) }, () => rng.pick(scope));
  const groupBy: Expr[] = keys.map((c) => ({
    k: "col",
    type: c.type,
    table: c.table,
    column: c.column,
  }));
  const opt = { aggregates: true, aggScope: scope };
  const items = groupBy.map((expr, i) => ({ expr, alias: `g${i}` }));
  for (let i = rng.int(1, 2); i > 0; i--) {
    const type = rng.pick(["int", "bigint", "text", "double", "numeric", "timestamp"] as SqlType[]);
    items.push({ expr: gen.exprs.aggregate(type, scope, gen.depth - 1), alias: `a${i}` });
  }
  return {
    oracle: "tlp-having",
    base: {
      ...emptySelect(),
      items,
      from,
      where,
      groupBy,
      having: rng.next() < 0.3 ? gen.predicate(keys, opt) : null,
    },
    predicate: gen.partitioning(keys, opt),
  };
}

/**
 * An aggregate whose partitions combine by COMBINE's rule: no DISTINCT count or sum (a value in
 * two partitions would count twice), and sums as NUMERIC(38,0) so no partition overflows alone.
 */
function decomposable(gen: QueryGen, scope: ScopeColumn[]): Expr {
  const rng = gen.rng;
  const name = rng.pick(Object.keys(COMBINE));
  const opt = { aggregates: false };
  if (name === "count") {
    return rng.next() < 0.4 ? { k: "agg", type: "bigint", name, distinct: false, args: [] } : {
      k: "agg",
      type: "bigint",
      name,
      distinct: false,
      args: [gen.expr(rng.pick(["int", "text", "double"] as SqlType[]), scope, opt)],
    };
  }
  if (name === "sum") {
    const arg: Expr = {
      k: "cast",
      type: "numeric",
      args: [gen.expr(rng.pick(["int", "bigint"] as SqlType[]), scope, opt)],
    };
    return { k: "agg", type: "numeric", name, distinct: false, args: [arg] };
  }
  if (name === "bool_and" || name === "bool_or") {
    return { k: "agg", type: "bool", name, distinct: false, args: [gen.predicate(scope, opt)] };
  }
  const type = rng.pick(["int", "bigint", "double", "text", "timestamp", "date"] as SqlType[]);
  return { k: "agg", type, name, distinct: rng.next() < 0.2, args: [gen.expr(type, scope, opt)] };
}
