/**
 * The small syntax tree of generated queries and its rendering to SQL. Every node says its
 * type, and every child is reachable through `children()`, so a shrinker can cut the tree and
 * render what is left. Pure.
 */

/** The value types of generated expressions (SMALLINT columns count as int). */
export type SqlType =
  | "int"
  | "bigint"
  | "double"
  | "numeric"
  | "bool"
  | "text"
  | "timestamp"
  | "date";

/** Each type's name in a CAST. */
export const SQL_TYPE_NAMES: Record<SqlType, string> = {
  int: "INT",
  bigint: "BIGINT",
  double: "DOUBLE PRECISION",
  numeric: "NUMERIC(38,6)",
  bool: "BOOL",
  text: "TEXT",
  timestamp: "TIMESTAMP",
  date: "DATE",
};

/** A scalar expression. `type` is what it evaluates to. */
export type Expr =
  | { k: "col"; type: SqlType; table: string; column: string }
  | { k: "lit"; type: SqlType; sql: string }
  /** An infix operator, `(a op b)`: arithmetic, comparison, AND, OR, `||`, IS DISTINCT FROM. */
  | { k: "op"; type: SqlType; op: string; args: [Expr, Expr] }
  /** A prefix operator, `(op a)`: NOT, unary minus. */
  | { k: "prefix"; type: SqlType; op: string; args: [Expr] }
  /** A postfix operator, `(a op)`: IS NULL, IS NOT NULL, IS TRUE... */
  | { k: "postfix"; type: SqlType; op: string; args: [Expr] }
  /** A function call; `lead` is text the first argument is preceded by (`year FROM`). */
  | { k: "fn"; type: SqlType; name: string; args: Expr[]; lead?: string }
  | { k: "cast"; type: SqlType; args: [Expr] }
  | { k: "between"; type: "bool"; negated: boolean; args: [Expr, Expr, Expr] }
  /** `a IN (b, c, ...)`: args[0] is a, the rest the list. */
  | { k: "in"; type: "bool"; negated: boolean; args: Expr[] }
  | { k: "like"; type: "bool"; negated: boolean; args: [Expr]; pattern: string }
  /** `CASE WHEN args[0] THEN args[1] ... ELSE args[last] END`: args come in pairs, then else. */
  | { k: "case"; type: SqlType; args: Expr[] }
  | { k: "agg"; type: SqlType; name: string; distinct: boolean; args: Expr[] }
  | {
    k: "window";
    type: SqlType;
    name: string;
    args: Expr[];
    partition: Expr[];
    order: Expr[];
    /** `ROWS BETWEEN ...` and the like, or "" for the default frame. */
    frame: string;
  }
  | { k: "exists"; type: "bool"; negated: boolean; query: Select }
  | { k: "insub"; type: "bool"; negated: boolean; args: [Expr]; query: Select }
  | { k: "scalarsub"; type: SqlType; query: Select };

/** One item of a select list. */
export interface SelectItem {
  expr: Expr;
  alias: string;
}

/** Something a FROM clause reads. */
export type FromItem =
  /** A base table, read through a window of ids so its cost stays bounded as it grows. */
  | { k: "table"; table: string; alias: string; idFrom: number; idTo: number }
  | { k: "derived"; query: Select; alias: string }
  | { k: "setop"; op: SetOp; all: boolean; left: Select; right: Select; alias: string }
  | {
    k: "join";
    join: "INNER" | "LEFT" | "CROSS";
    left: FromItem;
    right: FromItem;
    on: Expr | null;
  };

/** A set operation's keyword. */
export type SetOp = "UNION" | "INTERSECT" | "EXCEPT";

/** A SELECT. Its items' aliases name its columns when it is read as a derived table. */
export interface Select {
  distinct: boolean;
  items: SelectItem[];
  from: FromItem[];
  where: Expr | null;
  groupBy: Expr[];
  having: Expr | null;
}

/** The child expressions of `e`, in the order they render. */
export function children(e: Expr): Expr[] {
  switch (e.k) {
    case "col":
    case "lit":
    case "exists":
    case "scalarsub":
      return [];
    case "window":
      return [...e.args, ...e.partition, ...e.order];
    default:
      return e.args;
  }
}

/** `e` as SQL. */
export function renderExpr(e: Expr): string {
  switch (e.k) {
    case "col":
      return `${e.table}.${quoteIdent(e.column)}`;
    case "lit":
      return e.sql;
    case "op":
      return `(${renderExpr(e.args[0])} ${e.op} ${renderExpr(e.args[1])})`;
    case "prefix":
      return `(${e.op} ${renderExpr(e.args[0])})`;
    case "postfix":
      return `(${renderExpr(e.args[0])} ${e.op})`;
    case "fn":
      return `${e.name}(${e.lead ? `${e.lead} ` : ""}${e.args.map(renderExpr).join(", ")})`;
    case "cast":
      return `CAST(${renderExpr(e.args[0])} AS ${SQL_TYPE_NAMES[e.type]})`;
    case "between":
      return `(${renderExpr(e.args[0])} ${e.negated ? "NOT " : ""}BETWEEN ` +
        `${renderExpr(e.args[1])} AND ${renderExpr(e.args[2])})`;
    case "in":
      return `(${renderExpr(e.args[0])} ${e.negated ? "NOT " : ""}IN (` +
        `${e.args.slice(1).map(renderExpr).join(", ")}))`;
    case "like":
      return `(${renderExpr(e.args[0])} ${e.negated ? "NOT " : ""}LIKE ${textLiteral(e.pattern)})`;
    case "case": {
      const whens: string[] = [];
      for (let i = 0; i + 1 < e.args.length; i += 2) {
        whens.push(`WHEN ${renderExpr(e.args[i])} THEN ${renderExpr(e.args[i + 1])}`);
      }
      return `CASE ${whens.join(" ")} ELSE ${renderExpr(e.args[e.args.length - 1])} END`;
    }
    case "agg":
      return `${e.name}(${e.distinct ? "DISTINCT " : ""}${
        e.args.length === 0 ? "*" : e.args.map(renderExpr).join(", ")
      })`;
    case "window": {
      const over = [
        e.partition.length ? `PARTITION BY ${e.partition.map(renderExpr).join(", ")}` : "",
        e.order.length ? `ORDER BY ${e.order.map(renderExpr).join(", ")}` : "",
        e.frame,
      ].filter(Boolean).join(" ");
      return `${e.name}(${e.args.map(renderExpr).join(", ")}) OVER (${over})`;
    }
    case "exists":
      return `(${e.negated ? "NOT " : ""}EXISTS (${renderSelect(e.query)}))`;
    case "insub":
      return `(${renderExpr(e.args[0])} ${e.negated ? "NOT " : ""}IN (${renderSelect(e.query)}))`;
    case "scalarsub":
      return `(${renderSelect(e.query)})`;
  }
}

/** `from` as SQL. */
export function renderFrom(f: FromItem): string {
  switch (f.k) {
    case "table":
      return `(SELECT * FROM ${
        quoteIdent(f.table)
      } WHERE "id" BETWEEN ${f.idFrom} AND ${f.idTo}) ` +
        `AS ${f.alias}`;
    case "derived":
      return `(${renderSelect(f.query)}) AS ${f.alias}`;
    case "setop":
      return `(${renderSelect(f.left)} ${f.op}${f.all ? " ALL" : ""} ${renderSelect(f.right)}) ` +
        `AS ${f.alias}`;
    case "join":
      return `${renderFrom(f.left)} ${f.join} JOIN ${renderFrom(f.right)}` +
        (f.on ? ` ON ${renderExpr(f.on)}` : "");
  }
}

/** `q` as SQL. */
export function renderSelect(q: Select): string {
  const parts = [
    `SELECT ${q.distinct ? "DISTINCT " : ""}` +
    q.items.map((i) => `${renderExpr(i.expr)} AS ${quoteIdent(i.alias)}`).join(", "),
  ];
  if (q.from.length) parts.push(`FROM ${q.from.map(renderFrom).join(", ")}`);
  if (q.where) parts.push(`WHERE ${renderExpr(q.where)}`);
  if (q.groupBy.length) parts.push(`GROUP BY ${q.groupBy.map(renderExpr).join(", ")}`);
  if (q.having) parts.push(`HAVING ${renderExpr(q.having)}`);
  return parts.join(" ");
}

/**
 * An identifier quoted as wire/sql.ts's quoteIdent does (`"` doubled); the workload layer sits
 * below wire and may not import it.
 */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A text constant, `'` doubled. */
export function textLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Whether `e` holds an aggregate outside any subquery (it then needs grouping). */
export function hasAggregate(e: Expr): boolean {
  return e.k === "agg" || (e.k !== "window" && children(e).some(hasAggregate));
}
