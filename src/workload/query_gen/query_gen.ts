/**
 * Generated queries over a database's base tables: FROM clauses (id windows of the tables,
 * joins, derived tables with window functions, set operations) and subqueries, with the
 * expressions of expr_gen.ts. Pure: the same seed, tables and complexity, the same tree.
 */
import type { TableSpec } from "../layout.ts";
import { Rng } from "../rng.ts";
import type { Expr, FromItem, Select, SelectItem, SetOp, SqlType } from "./ast.ts";
import {
  ExprGen,
  type ExprOptions,
  type ScopeColumn,
  sqlTypeOf,
  type SubqueryMaker,
} from "./expr_gen.ts";

/** Ids the workload's rows use: the seeded rows 1..100, then inserts anywhere up to ~1e6. */
const ID_SPACE = 1_000_000;
const SEEDED_IDS = 100;
/** Widest id window of one table read, by how many tables a FROM joins (cross joins multiply). */
const WINDOW_WIDTH = [0, 300, 60, 20];
/** Types a set operation's columns or a derived table's group key may take. */
const COLUMN_TYPES: SqlType[] = ["int", "bigint", "double", "text", "timestamp", "bool", "date"];

/** A FROM clause and the columns it makes visible. */
export interface Source {
  from: FromItem[];
  scope: ScopeColumn[];
}

/** Generates FROM clauses, subqueries and expressions from one seed. */
export class QueryGen implements SubqueryMaker {
  readonly rng: Rng;
  readonly exprs: ExprGen;
  /** 1 to 3: expression depth is complexity + 1, joins and nesting grow with it. */
  readonly complexity: number;
  readonly #tables: readonly TableSpec[];
  #aliases = 0;

  /** Partitioning predicates may hold IN (subquery) (Hyper's known NOT IN bug). */
  readonly #knownBugs: boolean;

  constructor(seed: string, tables: readonly TableSpec[], complexity: number, knownBugs = false) {
    this.#knownBugs = knownBugs;
    this.rng = new Rng(seed);
    this.#tables = tables;
    this.complexity = Math.max(1, Math.min(3, complexity));
    this.exprs = new ExprGen(this.rng, this);
  }

  /** The depth of expressions. */
  get depth(): number {
    return this.complexity + 1;
  }

  /** A fresh alias: `t0`, `t1`, ... */
  alias(): string {
    return `t${this.#aliases++}`;
  }

  /** An expression of `type` over `scope`. */
  expr(type: SqlType, scope: readonly ScopeColumn[], opt: Partial<ExprOptions> = {}): Expr {
    return this.exprs.expr(type, scope, this.depth, {
      aggregates: false,
      subqueries: this.complexity >= 2,
      ...opt,
    });
  }

  /** A predicate over `scope`. */
  predicate(scope: readonly ScopeColumn[], opt: Partial<ExprOptions> = {}): Expr {
    return this.expr("bool", scope, opt);
  }

  /** The predicate an oracle partitions on: no IN (subquery), Hyper's known NOT IN bug. */
  partitioning(scope: readonly ScopeColumn[], opt: Partial<ExprOptions> = {}): Expr {
    return this.expr("bool", scope, { inSubqueries: this.#knownBugs, ...opt });
  }

  /** A FROM clause of one to `complexity` sources, joined. */
  source(): Source {
    const rng = this.rng;
    const count = rng.int(1, this.complexity);
    const width = WINDOW_WIDTH[count];
    let { from, scope } = this.#one(width, this.complexity >= 2);
    for (let i = 1; i < count; i++) {
      const right = this.#one(width, false);
      const join = rng.pick(["INNER", "INNER", "LEFT", "LEFT", "CROSS"] as const);
      const both = [...scope, ...right.scope];
      const on = join === "CROSS" ? null : this.#joinCondition(scope, right.scope, both);
      from = [{ k: "join", join, left: from[0], right: right.from[0], on }];
      scope = both;
    }
    return { from, scope };
  }

  /** `SELECT 1 FROM <table> WHERE <predicate over it and outer>`, for EXISTS. */
  exists(outer: readonly ScopeColumn[], depth: number, inSubqueries = true): Select {
    const inner = this.#table(WINDOW_WIDTH[2]);
    const scope = [...inner.scope, ...outer];
    return {
      ...emptySelect(),
      items: [{ expr: { k: "lit", type: "int", sql: "1" }, alias: "x" }],
      from: inner.from,
      where: this.exprs.expr("bool", scope, depth, {
        aggregates: false,
        subqueries: depth > 1,
        inSubqueries,
      }),
    };
  }

  /** One column of `type`; with `scalar`, an aggregate so exactly one row comes back. */
  column(
    type: SqlType,
    outer: readonly ScopeColumn[],
    depth: number,
    scalar: boolean,
    inSubqueries = true,
  ): Select {
    const inner = this.#table(WINDOW_WIDTH[2]);
    const scope = [...inner.scope, ...outer];
    const opt = { aggregates: false, subqueries: depth > 1, inSubqueries };
    const expr = scalar
      ? this.exprs.aggregate(type, inner.scope, depth)
      : this.exprs.expr(type, scope, depth, opt);
    return {
      ...emptySelect(),
      items: [{ expr, alias: "x" }],
      from: inner.from,
      where: this.rng.next() < 0.7 ? this.exprs.expr("bool", scope, depth, opt) : null,
    };
  }

  /** 1 to 3 select items of scalar expressions, named c0, c1, ... */
  items(scope: readonly ScopeColumn[], opt: Partial<ExprOptions> = {}): SelectItem[] {
    const count = this.rng.int(1, 3);
    return Array.from({ length: count }, (_, i) => ({
      expr: this.expr(this.rng.pick(COLUMN_TYPES), scope, opt),
      alias: `c${i}`,
    }));
  }

  /** One source: a table window, or (with `nested`) a derived table or a set operation. */
  #one(width: number, nested: boolean): Source {
    const pick = this.rng.next();
    if (nested && pick < 0.15) return this.#windowed(width);
    if (nested && pick < 0.3) return this.#setOp(width);
    if (nested && pick < 0.4) return this.#grouped(width);
    return this.#table(width);
  }

  /** A base table through a window of ids: near the seeded rows four times in ten. */
  #table(maxWidth: number): Source {
    const rng = this.rng;
    const spec = rng.pick(this.#tables);
    const alias = this.alias();
    const idFrom = rng.next() < 0.4 ? rng.int(1, SEEDED_IDS) : rng.int(1, ID_SPACE);
    const idTo = idFrom + rng.int(Math.min(5, maxWidth), maxWidth);
    return {
      from: [{ k: "table", table: spec.name, alias, idFrom, idTo }],
      scope: spec.shape.columns.map((c) => ({
        table: alias,
        column: c.name,
        type: sqlTypeOf(c.type),
      })),
    };
  }

  /** A table's columns and one window function over them, as a derived table. */
  #windowed(width: number): Source {
    const base = this.#table(width);
    const alias = this.alias();
    const items: SelectItem[] = base.scope.map((c) => ({
      expr: { k: "col", type: c.type, table: c.table, column: c.column },
      alias: c.column,
    }));
    items.push({ expr: this.#windowFunction(base.scope), alias: "w" });
    const query: Select = { ...emptySelect(), items, from: base.from };
    return { from: [{ k: "derived", query, alias }], scope: reScope(items, alias) };
  }

  /**
   * A window function. Results that depend on the order of peers (row_number, lag, ROWS
   * frames, ...) order by every column, so only identical rows tie and the rows that come out
   * are the same whichever way the tie goes: both sides of an oracle see the same values.
   */
  #windowFunction(scope: readonly ScopeColumn[]): Expr {
    const rng = this.rng;
    const noAgg = { aggregates: false, subqueries: false };
    const col = (t: SqlType): Expr => this.exprs.leaf(t, scope);
    const columns = scope.map((c): Expr => ({
      k: "col",
      type: c.type,
      table: c.table,
      column: c.column,
    }));
    // Columns, not constants: an integer constant in ORDER BY could be read as a position.
    const anyColumn = () => rng.pick(columns);
    const partition = rng.next() < 0.5 ? [anyColumn()] : [];
    const t = rng.pick(["int", "double", "text", "timestamp"] as SqlType[]);
    const fn = rng.pick([
      "rank",
      "dense_rank",
      "row_number",
      "ntile",
      "lag",
      "lead",
      "first_value",
      "last_value",
      "count",
      "sum",
      "min",
      "max",
    ]);
    const ranking = fn === "rank" || fn === "dense_rank";
    const aggregate = ["count", "sum", "min", "max"].includes(fn);
    const rows = [
      "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW",
      `ROWS BETWEEN ${rng.int(0, 3)} PRECEDING AND ${rng.int(0, 3)} FOLLOWING`,
    ];
    const range = [
      "RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING",
      `RANGE BETWEEN ${rng.int(0, 50)} PRECEDING AND ${rng.int(0, 50)} FOLLOWING`,
    ];
    // first_value and last_value see the order of peers in any frame: ROWS with a total order.
    const frames = aggregate
      ? ["", ...rows, ...range]
      : fn === "first_value" || fn === "last_value"
      ? ["", ...rows]
      : [""];
    const frame = rng.pick(frames);
    const rangeOffset = frame.startsWith("RANGE BETWEEN") && !frame.includes("UNBOUNDED");
    const peerFree = ranking || (aggregate && !frame.startsWith("ROWS"));
    // A RANGE offset needs one numeric key; every other order is total or tie-insensitive.
    const order = rangeOffset
      ? [{ k: "col", type: "int", table: scope[0].table, column: "id" } as Expr]
      : peerFree
      ? [anyColumn()]
      : columns;
    const type: SqlType = fn === "sum" || fn === "count" || ranking || fn === "row_number" ||
        fn === "ntile"
      ? "bigint"
      : t;
    const args: Expr[] = fn === "ntile"
      ? [{ k: "lit", type: "int", sql: String(rng.int(1, 4)) }]
      : fn === "sum"
      ? [this.exprs.expr("int", scope, 1, noAgg)]
      : ranking || fn === "row_number"
      ? []
      : [fn === "count" ? col(rng.pick(COLUMN_TYPES)) : col(t)];
    return { k: "window", type, name: fn, args, partition, order, frame };
  }

  /** `SELECT ... FROM a <op> SELECT ... FROM b` with the same column types, as a derived table. */
  #setOp(width: number): Source {
    const rng = this.rng;
    const types = Array.from({ length: rng.int(1, 3) }, () => rng.pick(COLUMN_TYPES));
    const side = (): Select => {
      const s = this.#table(width);
      const opt = { aggregates: false, subqueries: false };
      return {
        ...emptySelect(),
        items: types.map((t, i) => ({ expr: this.exprs.expr(t, s.scope, 2, opt), alias: `c${i}` })),
        from: s.from,
        where: rng.next() < 0.5 ? this.exprs.expr("bool", s.scope, 2, opt) : null,
      };
    };
    const alias = this.alias();
    const left = side();
    const op = rng.pick(["UNION", "INTERSECT", "EXCEPT"] as SetOp[]);
    const item: FromItem = { k: "setop", op, all: rng.next() < 0.5, left, right: side(), alias };
    return { from: [item], scope: reScope(left.items, alias) };
  }

  /** `SELECT key, aggregates FROM table GROUP BY key [HAVING ...]`, as a derived table. */
  #grouped(width: number): Source {
    const base = this.#table(width);
    const rng = this.rng;
    const key = base.scope[rng.int(0, base.scope.length - 1)];
    const keyExpr: Expr = { k: "col", type: key.type, table: key.table, column: key.column };
    const opt = { aggregates: true, subqueries: false, aggScope: base.scope };
    const items: SelectItem[] = [{ expr: keyExpr, alias: "g" }];
    for (let i = rng.int(1, 2); i > 0; i--) {
      const t = rng.pick(["int", "bigint", "double", "text", "numeric"] as SqlType[]);
      items.push({ expr: this.exprs.aggregate(t, base.scope, 1), alias: `a${i}` });
    }
    const query: Select = {
      ...emptySelect(),
      items,
      from: base.from,
      groupBy: [keyExpr],
      having: rng.next() < 0.4 ? this.exprs.expr("bool", [key], 2, opt) : null,
    };
    const alias = this.alias();
    return { from: [{ k: "derived", query, alias }], scope: reScope(items, alias) };
  }

  /** Mostly an equality of two same-typed columns across the sides, sometimes with more. */
  #joinCondition(left: ScopeColumn[], right: ScopeColumn[], both: ScopeColumn[]): Expr {
    const rng = this.rng;
    const pairs = left.flatMap((l) => right.filter((r) => r.type === l.type).map((r) => [l, r]));
    const opt = { aggregates: false, subqueries: false };
    if (pairs.length === 0 || rng.next() < 0.2) return this.exprs.expr("bool", both, 2, opt);
    const ids = pairs.filter(([l, r]) => l.column === "id" && r.column === "id");
    const [l, r] = ids.length > 0 && rng.next() < 0.6 ? ids[0] : rng.pick(pairs);
    const eq: Expr = {
      k: "op",
      type: "bool",
      op: "=",
      args: [
        { k: "col", type: l.type, table: l.table, column: l.column },
        { k: "col", type: r.type, table: r.table, column: r.column },
      ],
    };
    if (rng.next() < 0.7) return eq;
    return { k: "op", type: "bool", op: "AND", args: [eq, this.exprs.expr("bool", both, 2, opt)] };
  }
}

/** A SELECT with nothing in it yet. */
export function emptySelect(): Select {
  return { distinct: false, items: [], from: [], where: null, groupBy: [], having: null };
}

/** The columns a derived table with `items` shows under `alias`. */
function reScope(items: readonly SelectItem[], alias: string): ScopeColumn[] {
  return items.map((i) => ({ table: alias, column: i.alias, type: i.expr.type }));
}
