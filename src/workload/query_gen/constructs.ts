/** The SQL constructs a generated check uses, by name: what coverage tests and docs count. Pure. */
import { children, type Expr, type FromItem, type Select } from "./ast.ts";
import { type Check, ORACLES } from "./oracles.ts";

const STRING_FUNCTIONS = new Set([
  "upper",
  "lower",
  "btrim",
  "reverse",
  "initcap",
  "substr",
  "replace",
  "left",
  "right",
  "concat",
  "lpad",
  "rpad",
  "split_part",
  "length",
  "strpos",
  "starts_with",
]);
const DATE_FUNCTIONS = new Set(["date_trunc", "extract"]);
const COMPARISONS = new Set(["=", "<>", "<", "<=", ">", ">="]);
const ARITHMETIC = new Set(["+", "-", "*", "/", "%"]);

/** Names of the constructs in `check`, e.g. `join LEFT`, `window ROWS`, `EXCEPT ALL`. */
export function constructsOf(check: Check): Set<string> {
  const found = new Set<string>([`oracle ${check.oracle}`]);
  select(check.base, found);
  expr(check.predicate, found);
  return found;
}

function select(q: Select, found: Set<string>): void {
  if (q.distinct) found.add("DISTINCT");
  if (q.groupBy.length) found.add("GROUP BY");
  if (q.having) found.add("HAVING");
  for (const item of q.items) expr(item.expr, found);
  for (const f of q.from) from(f, found);
  if (q.where) expr(q.where, found);
  for (const g of q.groupBy) expr(g, found);
  if (q.having) expr(q.having, found);
}

function from(f: FromItem, found: Set<string>): void {
  switch (f.k) {
    case "table":
      return;
    case "derived":
      found.add("derived table");
      return select(f.query, found);
    case "setop":
      found.add(`${f.op}${f.all ? " ALL" : ""}`);
      select(f.left, found);
      return select(f.right, found);
    case "join":
      found.add(`join ${f.join}`);
      from(f.left, found);
      from(f.right, found);
      if (f.on) expr(f.on, found);
  }
}

function expr(e: Expr, found: Set<string>): void {
  for (const name of namesOf(e)) found.add(name);
  if (e.k === "exists" || e.k === "insub" || e.k === "scalarsub") select(e.query, found);
  for (const c of children(e)) expr(c, found);
}

function namesOf(e: Expr): string[] {
  switch (e.k) {
    case "op":
      if (ARITHMETIC.has(e.op)) return [`arithmetic ${e.type}`];
      if (COMPARISONS.has(e.op)) return ["comparison"];
      return [e.op];
    case "prefix":
    case "postfix":
      return [e.op === "-" ? `arithmetic ${e.type}` : e.op];
    case "fn": {
      const name = e.name.toLowerCase();
      if (STRING_FUNCTIONS.has(name)) return ["string function"];
      if (DATE_FUNCTIONS.has(name)) return ["date function"];
      return [name === "coalesce" || name === "nullif" ? e.name : `function ${name}`];
    }
    case "cast":
      return ["CAST"];
    case "between":
      return ["BETWEEN"];
    case "in":
      return ["IN list"];
    case "like":
      return ["LIKE"];
    case "case":
      return ["CASE"];
    case "agg":
      return [`aggregate ${e.name}`];
    case "window":
      return ["window function", ...(e.frame ? [`window ${e.frame.split(" ")[0]}`] : [])];
    case "exists":
      return ["EXISTS"];
    case "insub":
      return ["IN subquery"];
    case "scalarsub":
      return ["scalar subquery"];
    case "lit":
      return e.sql.startsWith("CAST(NULL") ? ["NULL"] : [];
    case "col":
      return [`column ${e.type}`];
  }
}

/** Every construct the generator must cover (issue 29), by constructsOf's names. */
export const REQUIRED_CONSTRUCTS = [
  "arithmetic int",
  "arithmetic bigint",
  "arithmetic double",
  "arithmetic timestamp",
  "arithmetic date",
  "comparison",
  "BETWEEN",
  "IN list",
  "LIKE",
  "CASE",
  "COALESCE",
  "NULLIF",
  "CAST",
  "string function",
  "date function",
  "AND",
  "OR",
  "NOT",
  "IS NULL",
  "NULL",
  "IS DISTINCT FROM",
  "join INNER",
  "join LEFT",
  "join CROSS",
  "GROUP BY",
  "HAVING",
  "DISTINCT",
  "aggregate min",
  "aggregate max",
  "aggregate sum",
  "aggregate count",
  "aggregate avg",
  "window function",
  "window ROWS",
  "window RANGE",
  "EXISTS",
  "IN subquery",
  "scalar subquery",
  "UNION",
  "UNION ALL",
  "INTERSECT",
  "INTERSECT ALL",
  "EXCEPT",
  "EXCEPT ALL",
  "derived table",
  "column int",
  "column bigint",
  "column double",
  "column bool",
  "column text",
  "column timestamp",
  ...ORACLES.map((o) => `oracle ${o}`),
];
