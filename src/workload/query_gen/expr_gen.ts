/**
 * Type-correct scalar expressions over the columns in scope: every production below was run on
 * a real hyperd (docs/query-oracles.md lists what Hyper refused). Pure: the Rng decides all.
 */
import type { Rng } from "../rng.ts";
import type { ColumnType } from "../table_shapes.ts";
import type { Expr, Select, SqlType } from "./ast.ts";
import { constantOf } from "./literals.ts";

/** A column an expression may read. */
export interface ScopeColumn {
  table: string;
  column: string;
  type: SqlType;
}

/** Subqueries an expression may hold; the query generator provides them (they read tables). */
export interface SubqueryMaker {
  /** `SELECT 1 ...`, for EXISTS. */
  exists(outer: readonly ScopeColumn[], depth: number, inSubqueries?: boolean): Select;
  /** A select of one column of `type`, for IN; one row at most when `scalar`. */
  column(
    type: SqlType,
    outer: readonly ScopeColumn[],
    depth: number,
    scalar: boolean,
    inSubqueries?: boolean,
  ): Select;
}

/** The expression type of a table column. */
export function sqlTypeOf(type: ColumnType): SqlType {
  switch (type) {
    case "INT":
    case "SMALLINT":
      return "int";
    case "BIGINT":
      return "bigint";
    case "DOUBLE PRECISION":
      return "double";
    case "BOOL":
      return "bool";
    case "TEXT":
      return "text";
    case "TIMESTAMP":
      return "timestamp";
  }
}

/** Types a comparison, BETWEEN or IN may take. */
const COMPARABLE: SqlType[] = ["int", "bigint", "double", "text", "timestamp", "date", "bool"];
const LIKE_PATTERNS = ["a%", "%a", "%et%", "name\\_1%", "_eta", "%", "", "st%ss", "%é%", "n%_2"];
const TS_UNITS = ["year", "month", "day", "hour"];
const INTERVALS = ["3 days", "2 hours", "1 month", "400 days", "90 minutes"];

/** How an expression may be built where it appears. */
export interface ExprOptions {
  /** Aggregates allowed (a grouped select list or HAVING). */
  aggregates: boolean;
  /** Subqueries allowed. */
  subqueries: boolean;
  /** What aggregates read, when it is not the scope (a grouped select: all the rows' columns). */
  aggScope?: readonly ScopeColumn[];
  /**
   * IN (subquery) allowed (default true). An oracle's partitioning predicate leaves it out:
   * hyperd filters `NOT (x IN (SELECT ...))` as if a NULL were false (docs/query-oracles.md),
   * a known bug every run would otherwise report again.
   */
  inSubqueries?: boolean;
}

/** Draws expressions of a wanted type. */
export class ExprGen {
  readonly #rng: Rng;
  readonly #sub: SubqueryMaker;

  constructor(rng: Rng, sub: SubqueryMaker) {
    this.#rng = rng;
    this.#sub = sub;
  }

  /** An expression of `type` over `scope`, at most `depth` operators deep. */
  expr(type: SqlType, scope: readonly ScopeColumn[], depth: number, opt: ExprOptions): Expr {
    const rng = this.#rng;
    if (depth <= 0 || rng.next() < 0.3) return this.leaf(type, scope);
    const d = depth - 1;
    const sub = (t: SqlType, o = opt) => this.expr(t, scope, d, o);
    if (opt.aggregates && type !== "bool" && rng.next() < 0.35) {
      return this.aggregate(type, opt.aggScope ?? scope, d);
    }
    if (opt.subqueries && rng.next() < 0.08 && type !== "bool") {
      const query = this.#sub.column(type, scope, d, true, opt.inSubqueries);
      return { k: "scalarsub", type, query };
    }
    if (rng.next() < 0.12) return this.#generic(type, scope, d, opt);
    switch (type) {
      case "int":
      case "bigint":
        return this.#integer(type, sub);
      case "double":
        return this.#double(sub);
      case "numeric":
        return { k: "cast", type, args: [sub("int")] };
      case "bool":
        return this.#bool(scope, d, opt);
      case "text":
        return this.#text(sub);
      case "timestamp":
        return this.#timestamp(sub);
      case "date":
        return rng.next() < 0.6
          ? { k: "cast", type, args: [sub("timestamp")] }
          : { k: "op", type, op: "+", args: [sub("date"), this.#int(-30, 30)] };
    }
  }

  /** A column of `type` in scope, else a constant. */
  leaf(type: SqlType, scope: readonly ScopeColumn[]): Expr {
    const columns = scope.filter((c) => c.type === type);
    if (columns.length > 0 && this.#rng.next() < 0.75) {
      const c = this.#rng.pick(columns);
      return { k: "col", type, table: c.table, column: c.column };
    }
    return this.constant(type);
  }

  /** A constant of `type`, NULL one time in ten. */
  constant(type: SqlType): Expr {
    return constantOf(this.#rng, type);
  }

  /** An aggregate of `type` over `scope`'s rows; sums only of integers (exact in any order). */
  aggregate(type: SqlType, scope: readonly ScopeColumn[], depth: number): Expr {
    const rng = this.#rng;
    const noAgg = { aggregates: false, subqueries: false };
    const arg = (t: SqlType) => this.expr(t, scope, depth, noAgg);
    const distinct = rng.next() < 0.15;
    if (type === "bigint" && rng.next() < 0.5) {
      return rng.next() < 0.4
        ? { k: "agg", type, name: "count", distinct: false, args: [] }
        : { k: "agg", type, name: "count", distinct, args: [arg(rng.pick(COMPARABLE))] };
    }
    if ((type === "bigint" || type === "int") && rng.next() < 0.5) {
      const sum: Expr = { k: "agg", type: "bigint", name: "sum", distinct, args: [arg("int")] };
      return type === "int" ? { k: "cast", type, args: [sum] } : sum;
    }
    if (type === "numeric") return { k: "agg", type, name: "avg", distinct, args: [arg("int")] };
    if (type === "bool") {
      return {
        k: "agg",
        type,
        name: rng.pick(["bool_and", "bool_or"]),
        distinct,
        args: [arg(type)],
      };
    }
    return { k: "agg", type, name: rng.pick(["min", "max"]), distinct, args: [arg(type)] };
  }

  /** CASE, COALESCE, NULLIF, GREATEST/LEAST: the same for every type. */
  #generic(type: SqlType, scope: readonly ScopeColumn[], d: number, opt: ExprOptions): Expr {
    const rng = this.#rng;
    const sub = (t: SqlType) => this.expr(t, scope, d, opt);
    const pick = rng.next();
    if (pick < 0.4) {
      const args: Expr[] = [];
      for (let i = rng.int(1, 2); i > 0; i--) args.push(sub("bool"), sub(type));
      return { k: "case", type, args: [...args, sub(type)] };
    }
    if (pick < 0.7) return { k: "fn", type, name: "COALESCE", args: [sub(type), sub(type)] };
    if (pick < 0.85 && type !== "bool") {
      return { k: "fn", type, name: "NULLIF", args: [sub(type), sub(type)] };
    }
    if (type === "bool") return { k: "fn", type, name: "COALESCE", args: [sub(type), sub(type)] };
    return { k: "fn", type, name: rng.pick(["GREATEST", "LEAST"]), args: [sub(type), sub(type)] };
  }

  #integer(type: "int" | "bigint", sub: (t: SqlType) => Expr): Expr {
    const rng = this.#rng;
    const pick = rng.int(0, 9);
    if (pick <= 3) {
      const op = rng.pick(["+", "-", "*", "/", "%"]);
      // A divisor is mostly a nonzero constant; an expression may be zero (22012, expected).
      const right = (op === "/" || op === "%") && rng.next() < 0.7 ? this.#int(1, 7) : sub(type);
      return { k: "op", type, op, args: [sub(type), right] };
    }
    if (pick === 4) return { k: "prefix", type, op: "-", args: [sub(type)] };
    if (pick === 5) return { k: "fn", type, name: "abs", args: [sub(type)] };
    if (type === "bigint") return { k: "cast", type, args: [sub(rng.pick(["int", "double"]))] };
    if (pick === 6) return { k: "cast", type, args: [sub("double")] };
    if (pick === 7) {
      return rng.next() < 0.5
        ? { k: "fn", type, name: "length", args: [sub("text")] }
        : { k: "fn", type, name: "strpos", args: [sub("text"), this.constant("text")] };
    }
    if (pick === 8) {
      return {
        k: "fn",
        type,
        name: "extract",
        lead: `${rng.pick(TS_UNITS)} FROM`,
        args: [sub("timestamp")],
      };
    }
    return rng.next() < 0.85
      ? { k: "op", type, op: "-", args: [sub("date"), sub("date")] }
      // A cast that fails on most values: 22P02, an expected error.
      : { k: "cast", type, args: [sub("text")] };
  }

  #double(sub: (t: SqlType) => Expr): Expr {
    const rng = this.#rng;
    const pick = rng.int(0, 7);
    if (pick <= 2) {
      return {
        k: "op",
        type: "double",
        op: rng.pick(["+", "-", "*", "/"]),
        args: [sub("double"), sub("double")],
      };
    }
    if (pick === 3) return { k: "cast", type: "double", args: [sub(rng.pick(["int", "bigint"]))] };
    if (pick === 4) {
      return {
        k: "fn",
        type: "double",
        name: rng.pick(["abs", "round", "floor", "ceil", "trunc"]),
        args: [sub("double")],
      };
    }
    if (pick === 5) {
      const abs: Expr = { k: "fn", type: "double", name: "abs", args: [sub("double")] };
      return { k: "fn", type: "double", name: "sqrt", args: [abs] };
    }
    if (pick === 6) return { k: "prefix", type: "double", op: "-", args: [sub("double")] };
    return { k: "op", type: "double", op: rng.pick(["+", "*"]), args: [sub("double"), sub("int")] };
  }

  #text(sub: (t: SqlType) => Expr): Expr {
    const rng = this.#rng;
    const t = "text" as const;
    switch (rng.int(0, 9)) {
      case 0:
        return {
          k: "fn",
          type: t,
          name: rng.pick(["upper", "lower", "btrim", "reverse", "initcap"]),
          args: [sub(t)],
        };
      case 1:
        return {
          k: "fn",
          type: t,
          name: "substr",
          args: [sub(t), this.#int(1, 5), this.#int(0, 6)],
        };
      case 2:
        return {
          k: "fn",
          type: t,
          name: "replace",
          args: [sub(t), this.constant(t), this.constant(t)],
        };
      case 3:
        return {
          k: "fn",
          type: t,
          name: rng.pick(["left", "right"]),
          args: [sub(t), this.#int(0, 6)],
        };
      case 4:
        return { k: "op", type: t, op: "||", args: [sub(t), sub(t)] };
      case 5:
        return { k: "fn", type: t, name: "concat", args: [sub(t), sub(rng.pick(["int", "text"]))] };
      case 6:
        return {
          k: "fn",
          type: t,
          name: rng.pick(["lpad", "rpad"]),
          args: [sub(t), this.#int(0, 9), this.constant(t)],
        };
      case 7:
        return { k: "cast", type: t, args: [sub(rng.pick(["int", "bigint", "bool", "date"]))] };
      case 8:
        return {
          k: "fn",
          type: t,
          name: "split_part",
          args: [sub(t), { k: "lit", type: t, sql: "' '" }, this.#int(1, 3)],
        };
      default:
        return { k: "fn", type: t, name: "substr", args: [sub(t), this.#int(1, 4)] };
    }
  }

  #timestamp(sub: (t: SqlType) => Expr): Expr {
    const rng = this.#rng;
    const t = "timestamp" as const;
    const pick = rng.int(0, 3);
    if (pick <= 1) {
      const interval: Expr = { k: "lit", type: t, sql: `INTERVAL '${rng.pick(INTERVALS)}'` };
      return { k: "op", type: t, op: rng.pick(["+", "-"]), args: [sub(t), interval] };
    }
    if (pick === 2) {
      return {
        k: "fn",
        type: t,
        name: "date_trunc",
        args: [{ k: "lit", type: "text", sql: `'${rng.pick(TS_UNITS)}'` }, sub(t)],
      };
    }
    return { k: "cast", type: t, args: [sub("date")] };
  }

  #bool(scope: readonly ScopeColumn[], d: number, opt: ExprOptions): Expr {
    const rng = this.#rng;
    const sub = (t: SqlType) => this.expr(t, scope, d, opt);
    const b = "bool" as const;
    const pick = rng.int(0, 19);
    if (pick <= 4) {
      const t = rng.pick(COMPARABLE);
      const op = rng.pick(["=", "<>", "<", "<=", ">", ">="]);
      return { k: "op", type: b, op, args: [sub(t), sub(this.#comparableWith(t))] };
    }
    if (pick <= 7) return { k: "op", type: b, op: rng.pick(["AND", "OR"]), args: [sub(b), sub(b)] };
    if (pick === 8) return { k: "prefix", type: b, op: "NOT", args: [sub(b)] };
    if (pick === 9) {
      const op = rng.pick(["IS NULL", "IS NOT NULL", "IS TRUE", "IS NOT FALSE"]);
      return {
        k: "postfix",
        type: b,
        op,
        args: [sub(op.startsWith("IS NULL") || op === "IS NOT NULL" ? rng.pick(COMPARABLE) : b)],
      };
    }
    if (pick === 10) {
      const t = rng.pick(COMPARABLE);
      return { k: "between", type: b, negated: rng.next() < 0.3, args: [sub(t), sub(t), sub(t)] };
    }
    if (pick === 11) {
      const t = rng.pick(COMPARABLE);
      // Hyper reads `x IN ((SELECT ...))` as IN (subquery): the same known bug.
      const listOpt = opt.inSubqueries === false ? { ...opt, subqueries: false } : opt;
      const list = Array.from(
        { length: rng.int(1, 4) },
        () => rng.next() < 0.7 ? this.constant(t) : this.expr(t, scope, d, listOpt),
      );
      return { k: "in", type: b, negated: rng.next() < 0.3, args: [sub(t), ...list] };
    }
    if (pick === 12) {
      return {
        k: "like",
        type: b,
        negated: rng.next() < 0.3,
        args: [sub("text")],
        pattern: rng.pick(LIKE_PATTERNS),
      };
    }
    if (pick === 13) {
      const t = rng.pick(COMPARABLE);
      return {
        k: "op",
        type: b,
        op: rng.pick(["IS DISTINCT FROM", "IS NOT DISTINCT FROM"]),
        args: [sub(t), sub(t)],
      };
    }
    if (pick === 14) {
      return { k: "fn", type: b, name: "starts_with", args: [sub("text"), this.constant("text")] };
    }
    if (pick === 15 && opt.subqueries) {
      return {
        k: "exists",
        type: b,
        negated: rng.next() < 0.3,
        query: this.#sub.exists(scope, d, opt.inSubqueries),
      };
    }
    if (pick === 16 && opt.subqueries && opt.inSubqueries !== false) {
      const t = rng.pick(COMPARABLE);
      return {
        k: "insub",
        type: b,
        negated: rng.next() < 0.3,
        args: [sub(t)],
        query: this.#sub.column(t, scope, d, false),
      };
    }
    return this.leaf(b, scope);
  }

  /** A type `t` compares with: itself, or another numeric type. */
  #comparableWith(t: SqlType): SqlType {
    const numeric: SqlType[] = ["int", "bigint", "double"];
    return numeric.includes(t) && this.#rng.next() < 0.3 ? this.#rng.pick(numeric) : t;
  }

  #int(min: number, max: number): Expr {
    return { k: "lit", type: "int", sql: String(this.#rng.int(min, max)) };
  }
}
