/**
 * Shrinking a failing oracle check by its syntax tree: drop select items, WHERE, HAVING, group
 * keys, join sides and IN-list entries, narrow id windows, and replace subexpressions by a child
 * of their type or a constant. Greedy: the first smaller candidate that still fails is kept, and
 * the search starts again from it, until no candidate fails or the attempts run out. Pure but for
 * the `fails` callback, which runs a candidate against the same data.
 */
import { children, type Expr, type Select, SQL_TYPE_NAMES, type SqlType } from "./ast.ts";
import { type Check, statementOf } from "./oracles.ts";

/** How a shrink went. */
export interface QueryShrink {
  check: Check;
  /** Candidates tried, and those that still failed (each one a step). */
  attempts: number;
  steps: number;
}

const EXPR_KINDS = new Set([
  "col",
  "lit",
  "op",
  "prefix",
  "postfix",
  "fn",
  "cast",
  "between",
  "in",
  "like",
  "case",
  "agg",
  "window",
  "exists",
  "insub",
  "scalarsub",
]);
const SIMPLE: Record<SqlType, string> = {
  int: "1",
  bigint: "CAST(1 AS BIGINT)",
  double: "CAST(1 AS DOUBLE PRECISION)",
  numeric: "CAST(1 AS NUMERIC(38,6))",
  bool: "TRUE",
  text: "'a'",
  timestamp: "TIMESTAMP '2022-01-01 00:00:00'",
  date: "DATE '2022-01-01'",
};

type Path = (string | number)[];
type Node = Record<string, unknown>;

/**
 * What the shrinker makes smaller: the statement's length, then (a fraction below one character)
 * the width of its id windows, so a narrower window, with fewer rows to reproduce, is smaller.
 */
export function sizeOf(check: Check): number {
  let width = 0;
  walk(check, [], (node) => {
    if (node.k === "table") width += (node.idTo as number) - (node.idFrom as number);
  });
  try {
    return statementOf(check).length + Math.min(width, 999_999) / 1_000_000;
  } catch {
    return Infinity;
  }
}

/** Shrinks `check` while `fails` says the candidate still fails; at most `maxAttempts` tries. */
export async function shrinkCheck(
  check: Check,
  fails: (candidate: Check) => Promise<boolean>,
  maxAttempts = 2000,
): Promise<QueryShrink> {
  let best = check;
  let attempts = 0;
  let steps = 0;
  let improved = true;
  while (improved && attempts < maxAttempts) {
    improved = false;
    const size = sizeOf(best);
    const candidates = reductions(best)
      .map((c) => ({ c, size: sizeOf(c) }))
      .filter((x) => x.size < size)
      .sort((a, b) => a.size - b.size);
    for (const { c } of candidates) {
      if (attempts >= maxAttempts) break;
      attempts++;
      if (await fails(c)) {
        best = c;
        steps++;
        improved = true;
        break;
      }
    }
  }
  return { check: best, attempts, steps };
}

/** Every one-step reduction of `check` (some may be invalid SQL: `fails` rejects those). */
export function reductions(check: Check): Check[] {
  const out: Check[] = [];
  const edit = (path: Path, change: (node: Node) => unknown) => {
    const copy = structuredClone(check) as unknown as Node;
    const parent = path.slice(0, -1).reduce<Node>((n, key) => n[key] as Node, copy);
    const key = path[path.length - 1];
    parent[key] = change(parent[key] as Node);
    out.push(copy as unknown as Check);
  };
  walk(check as unknown as Node, [], (node, path) => {
    if (isSelect(node)) selectReductions(check, node as unknown as Select, path, edit);
    else if (node.k === "join") {
      edit(path, (n) => n.left);
      edit(path, (n) => n.right);
    } else if (node.k === "setop") {
      edit(path, (n) => ({ k: "derived", query: n.left, alias: n.alias }));
    } else if (node.k === "table") {
      const from = node.idFrom as number, to = node.idTo as number;
      if (to - from >= 2) {
        const mid = from + Math.floor((to - from) / 2);
        edit(path, (n) => ({ ...n, idTo: mid }));
        edit(path, (n) => ({ ...n, idFrom: mid + 1 }));
      }
    } else if (isExpr(node) && !isOracleAggregate(check, path)) {
      exprReductions(node as unknown as Expr, path, edit);
    }
  });
  return out;
}

function selectReductions(
  check: Check,
  q: Select,
  path: Path,
  edit: (path: Path, change: (node: Node) => unknown) => void,
): void {
  const isBase = path.length === 1 && path[0] === "base";
  // The aggregate oracle's one item is what it checks; the others may go.
  if (!(isBase && check.oracle === "tlp-aggregate") && q.items.length > 1) {
    q.items.forEach((_, i) =>
      edit([...path, "items"], (items) => (items as unknown as unknown[]).filter((_, j) => j !== i))
    );
  }
  if (q.where) edit([...path, "where"], () => null);
  if (q.having) edit([...path, "having"], () => null);
  if (q.groupBy.length > 1) {
    q.groupBy.forEach((_, i) =>
      edit([...path, "groupBy"], (keys) => (keys as unknown as unknown[]).filter((_, j) => j !== i))
    );
  }
  // The DISTINCT oracle compares a DISTINCT query with a UNION: its DISTINCT must stay.
  if (q.distinct && !(isBase && check.oracle === "tlp-distinct")) {
    edit([...path, "distinct"], () => false);
  }
  if (q.from.length > 1) {
    q.from.forEach((_, i) =>
      edit([...path, "from"], (from) => (from as unknown as unknown[]).filter((_, j) => j !== i))
    );
  }
}

function exprReductions(
  e: Expr,
  path: Path,
  edit: (path: Path, change: (node: Node) => unknown) => void,
): void {
  children(e).forEach((c) => {
    if (c.type === e.type) edit(path, () => c);
  });
  const isNull = e.k === "lit" && e.sql.startsWith("CAST(NULL");
  if (!isNull) {
    edit(path, () => ({ k: "lit", type: e.type, sql: `CAST(NULL AS ${SQL_TYPE_NAMES[e.type]})` }));
  }
  if (!(e.k === "lit" && e.sql === SIMPLE[e.type])) {
    edit(path, () => ({ k: "lit", type: e.type, sql: SIMPLE[e.type] }));
  }
  if (e.k === "in" && e.args.length > 2) {
    for (let i = 1; i < e.args.length; i++) {
      edit(path, (n) => ({ ...n, args: (n.args as Expr[]).filter((_, j) => j !== i) }));
    }
  }
  if (e.k === "case" && e.args.length > 3) {
    for (let i = 0; i + 1 < e.args.length - 1; i += 2) {
      edit(
        path,
        (n) => ({ ...n, args: (n.args as Expr[]).filter((_, j) => j !== i && j !== i + 1) }),
      );
    }
  }
}

/** Calls `visit` on every object of the tree, parents first, with its path. */
function walk(node: unknown, path: Path, visit: (node: Node, path: Path) => void): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => walk(child, [...path, i], visit));
    return;
  }
  if (node === null || typeof node !== "object") return;
  visit(node as Node, path);
  for (const [key, child] of Object.entries(node)) walk(child, [...path, key], visit);
}

function isSelect(node: Node): boolean {
  return Array.isArray(node.items) && Array.isArray(node.from);
}

function isExpr(node: Node): boolean {
  return typeof node.k === "string" && EXPR_KINDS.has(node.k) && typeof node.type === "string";
}

/** The aggregate oracle's own aggregate (base.items[0].expr): replacing it breaks the oracle. */
function isOracleAggregate(check: Check, path: Path): boolean {
  return check.oracle === "tlp-aggregate" && path.join(".") === "base.items.0.expr";
}
