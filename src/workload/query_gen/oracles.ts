/**
 * Metamorphic oracles (SQLancer's TLP and NoREC), each computed inside ONE statement, so both
 * sides read one snapshot while other users insert. A check is a syntax tree (the base query and
 * the partitioning predicate) that renders to the two sides and to the statement comparing them;
 * `judge` reads the statement's rows. Pure.
 */
import { type Expr, renderSelect, type Select, type SelectItem } from "./ast.ts";

/** The oracles. */
export const ORACLES = [
  "tlp-where",
  "tlp-distinct",
  "tlp-having",
  "tlp-aggregate",
  "norec",
] as const;
/** One oracle. */
export type Oracle = typeof ORACLES[number];

/** Aggregates the aggregate oracle partitions, and how their partitions' results combine. */
export const COMBINE: Record<string, string> = {
  min: "min",
  max: "max",
  count: "sum",
  sum: "sum",
  bool_and: "bool_and",
  bool_or: "bool_or",
};

/** One oracle check: the base query and the predicate whose three values partition it. */
export interface Check {
  oracle: Oracle;
  /**
   * tlp-where, tlp-distinct: scalar items, optional WHERE. tlp-having: grouped, optional HAVING.
   * tlp-aggregate: one aggregate item (COMBINE's), no grouping. norec: items unused.
   */
  base: Select;
  predicate: Expr;
}

/** The two statements an oracle compares, as a person would run them one by one. */
export interface Sides {
  query: string;
  partitions: string;
}

/** What a check's statement answered. */
export interface Judgement {
  ok: boolean;
  /** The query's answer (a row count for the TLP set oracles, else the value), as text. */
  whole: string | null;
  /** The partitions' answer, as text. */
  parts: string | null;
  /** Rows one side has and the other lacks (TLP set oracles), `side` first; at most 20. */
  differing: Record<string, unknown>[];
}

const and = (a: Expr | null, b: Expr): Expr =>
  a ? { k: "op", type: "bool", op: "AND", args: [a, b] } : b;
const not = (p: Expr): Expr => ({ k: "prefix", type: "bool", op: "NOT", args: [p] });
const isNull = (p: Expr): Expr => ({ k: "postfix", type: "bool", op: "IS NULL", args: [p] });

/** p, NOT p and p IS NULL: every row is in exactly one of them. */
export function partitionsOf(p: Expr): Expr[] {
  return [p, not(p), isNull(p)];
}

/** The two sides of `check`. */
export function sidesOf(check: Check): Sides {
  const { base, predicate: p } = check;
  switch (check.oracle) {
    case "tlp-where":
    case "tlp-distinct": {
      const parts = partitionsOf(p).map((q) =>
        `(${renderSelect({ ...base, where: and(base.where, q) })})`
      );
      return {
        query: renderSelect(base),
        partitions: parts.join(check.oracle === "tlp-distinct" ? " UNION " : " UNION ALL "),
      };
    }
    case "tlp-having": {
      const parts = partitionsOf(p).map((q) =>
        `(${renderSelect({ ...base, having: and(base.having, q) })})`
      );
      return { query: renderSelect(base), partitions: parts.join(" UNION ALL ") };
    }
    case "tlp-aggregate": {
      const item = base.items[0];
      if (item.expr.k !== "agg") throw new TypeError("tlp-aggregate needs an aggregate item");
      const parts = partitionsOf(p).map((q) =>
        `(${renderSelect({ ...base, where: and(base.where, q) })})`
      );
      return {
        query: renderSelect(base),
        partitions: `SELECT ${COMBINE[item.expr.name]}(s."${item.alias}") FROM (${
          parts.join(" UNION ALL ")
        }) AS s`,
      };
    }
    case "norec": {
      const from = { ...base, where: null, groupBy: [], having: null, distinct: false };
      const count: SelectItem = {
        expr: { k: "agg", type: "bigint", name: "count", distinct: false, args: [] },
        alias: "n",
      };
      const flag: Expr = {
        k: "case",
        type: "int",
        args: [p, { k: "lit", type: "int", sql: "1" }, { k: "lit", type: "int", sql: "0" }],
      };
      return {
        query: renderSelect({ ...from, items: [count], where: p }),
        partitions: `SELECT COALESCE(sum(f.flag), 0) FROM (${
          renderSelect({ ...from, items: [{ expr: flag, alias: "flag" }] })
        }) AS f`,
      };
    }
  }
}

/** The one statement that computes both sides of `check` and what tells them apart. */
export function statementOf(check: Check): string {
  const { query, partitions } = sidesOf(check);
  if (check.oracle === "tlp-aggregate" || check.oracle === "norec") {
    return `SELECT CAST((${query}) AS TEXT) AS whole, CAST((${partitions}) AS TEXT) AS parts`;
  }
  // Both counts, and the multiset difference both ways (EXCEPT ALL): one row when they agree.
  return `SELECT CAST((SELECT count(*) FROM (${query}) AS q) AS TEXT) AS whole, ` +
    `CAST((SELECT count(*) FROM (${partitions}) AS p) AS TEXT) AS parts, d.* ` +
    `FROM (SELECT 1 AS one) AS x LEFT JOIN (` +
    `SELECT 'only in query' AS side, * FROM ((${query}) EXCEPT ALL (${partitions})) AS a ` +
    `UNION ALL SELECT 'only in partitions' AS side, * FROM ((${partitions}) EXCEPT ALL (${query})) AS b` +
    `) AS d ON TRUE`;
}

/** Reads the rows `statementOf(check)` returned: ok when both sides agree. */
export function judge(rows: readonly Record<string, unknown>[]): Judgement {
  const first = rows[0] ?? {};
  const whole = (first.whole ?? null) as string | null;
  const parts = (first.parts ?? null) as string | null;
  const differing = rows.filter((r) => r.side !== undefined && r.side !== null).slice(0, 20)
    .map(({ whole: _w, parts: _p, ...rest }) => rest);
  return {
    ok: rows.length === 1 && whole === parts && differing.length === 0,
    whole,
    parts,
    differing,
  };
}
