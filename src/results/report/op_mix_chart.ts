/** The report's op mix chart: configured, expected and measured, per user class. */
import { OP_KINDS, opMix, shownKinds, USER_CLASSES } from "../../workload/op_table.ts";
import { formatNumber } from "../format.ts";
import type { Summary } from "../summary.ts";
import { type BarRow, stackedBarChart } from "./svg_chart.ts";
import { OP_COLORS } from "./style.ts";

/**
 * The op mix: each class's configured probabilities (with only the run's kinds on), then the whole run as
 * expected from each class's measured op count and as measured per kind (byOp).
 */
export function opMixChart(summary: Summary): string {
  // A run with --ops (or a swarm run) rolls only some kinds, renormalised.
  const mix = Object.fromEntries(
    USER_CLASSES.map((c) => [c, opMix(c, summary.config.opKinds)]),
  );
  const opsByClass = Object.fromEntries(USER_CLASSES.map((c) => [c, { users: 0, ops: 0 }]));
  for (const user of summary.users) {
    opsByClass[user.class].users++;
    opsByClass[user.class].ops += user.ops;
  }
  // Ledger users only when the run had some: a default run's chart reads as it always has.
  const classes = USER_CLASSES.filter((c) => c !== "ledger" || opsByClass[c].users > 0);
  const shown = OP_KINDS.filter((k) =>
    shownKinds(summary.byOp).includes(k) || classes.some((c) => mix[c][k] > 0)
  );
  const rows: BarRow[] = classes.map((c) => ({
    label: `${c} (configured)`,
    note: `${formatNumber(opsByClass[c].users)} users, ${formatNumber(opsByClass[c].ops)} ops`,
    values: shown.map((k) => mix[c][k]),
  }));
  rows.push(
    {
      label: "all users (expected)",
      note: "class mix × ops per class",
      values: shown.map((k) => classes.reduce((sum, c) => sum + opsByClass[c].ops * mix[c][k], 0)),
    },
    {
      label: "all users (measured)",
      note: `${formatNumber(summary.totals.ops)} ops by kind`,
      values: shown.map((k) => summary.byOp[k]?.count ?? 0),
    },
  );
  return stackedBarChart(
    "chart-opmix",
    "Operation mix per user class: configured probabilities, expected and measured",
    shown.map((k) => ({ name: k, color: OP_COLORS[k] })),
    rows,
  );
}
