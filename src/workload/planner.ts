/**
 * A user's operation sequence, rolled from the user's own seed alone: the same seed always
 * gives the same operations with the same parameters, whatever happens while they run.
 */
import { createHash } from "node:crypto";
import { type OpKind, rollOp } from "./op_table.ts";
import {
  type FaultPlan,
  planFault,
  planRange,
  planTransfer,
  type RangePlan,
  type TransferPlan,
} from "./ledger.ts";
import { opLimit, type TableSpec, type UserSpec } from "./layout.ts";
import { Rng } from "./rng.ts";

/** Settings the planner draws within. */
export interface PlanSettings {
  batchMin: number;
  batchMax: number;
  thinkMinMs: number;
  thinkMaxMs: number;
  queryComplexityMax: number;
  /** The operation kinds users roll (others' go to zero); unset: each class its own. */
  opKinds?: readonly OpKind[];
  /** Accounts in each database's ledger, which transfers draw from. */
  accounts: number;
}

/** What a schema change does to the user's own scratch table. */
export type DdlAction = "create" | "alter" | "drop";

/** One rolled operation with every parameter it needs. */
export interface PlannedOp {
  seq: number;
  kind: OpKind;
  /** Index of the base table the operation works on. */
  table: number;
  /** Further tables a join reads. */
  joinTables: number[];
  /** Rows to insert (BulkInsert: the batch size; SingleInsert: 1). */
  rows: number;
  /** Seed of the generated rows. */
  dataSeed: number;
  /** Id of the first inserted row. */
  firstId: number;
  /** Threshold of the `value` filter of reads. */
  filter: number;
  /** Row limit of reads. */
  limit: number;
  /** Join complexity, 1 to 3. */
  complexity: number;
  /** A draw in [0, 1) that picks among variants of an operation. */
  variant: number;
  /** Schema change on the user's scratch table. */
  ddl: { action: DdlAction; table: string; column: string } | null;
  /** Pause after the operation, in ms. */
  thinkMs: number;
  /**
   * A Transfer's legs and whether it rolls back. Set for transfers only, so the seed's kinds
   * roll and digest exactly as before.
   */
  transfer?: TransferPlan;
  /** An UpdateRange's or DeleteRange's range on the user's own table; set for those only. */
  range?: RangePlan;
  /** A Cancel's or Disconnect's timing and phase; set for those only. */
  fault?: FaultPlan;
}

/** The largest id the generated rows use, so joins on id find matches. */
const ID_SPACE = 1_000_000;
const MAX_ALTERS = 3;

/** Rolls a user's operations one after the other. */
export class UserPlanner {
  readonly #user: UserSpec;
  readonly #tables: readonly TableSpec[];
  readonly #settings: PlanSettings;
  readonly #rng: Rng;
  /** A shrunk replay's kept seqs: the others are rolled (to keep every draw) and passed over. */
  readonly #kept: ReadonlySet<number> | null;
  readonly #lastKept: number;
  #seq = 0;
  #scratch = { generation: 0, exists: false, alters: 0 };

  constructor(user: UserSpec, tables: readonly TableSpec[], settings: PlanSettings) {
    this.#user = user;
    this.#tables = tables;
    this.#settings = settings;
    this.#rng = new Rng(user.seed);
    this.#kept = user.ops ? new Set(user.ops) : null;
    this.#lastKept = user.ops ? Math.max(-1, ...user.ops) : Infinity;
  }

  /**
   * The next operation the user sends: with kept seqs, the next of them (the ones between are
   * rolled and dropped). Throws past the last kept one: the user has none left.
   */
  next(): PlannedOp {
    if (!this.#kept) return this.#roll();
    if (this.#seq > this.#lastKept) {
      throw new RangeError(`user ${this.#user.id} has no kept operation after ${this.#lastKept}`);
    }
    for (;;) {
      const op = this.#roll();
      if (this.#kept.has(op.seq)) return op;
    }
  }

  /** The next rolled operation. Always draws the same number of values, whatever the kind. */
  #roll(): PlannedOp {
    const rng = this.#rng;
    const s = this.#settings;
    const tableCount = this.#tables.length;
    const kind = rollOp(this.#user.class, rng.next(), s.opKinds);
    const table = rng.int(0, tableCount - 1);
    const joinTables = [
      (table + rng.int(1, tableCount - 1)) % tableCount,
      rng.int(0, tableCount - 1),
    ];
    const batch = rng.int(s.batchMin, s.batchMax);
    const dataSeed = rng.int(0, 2 ** 32 - 1);
    const firstId = rng.int(1, ID_SPACE);
    const filter = rng.int(0, 1_000_000) / 10;
    const limit = rng.int(10, 1000);
    const complexity = rng.int(1, s.queryComplexityMax);
    const variant = rng.next();
    const thinkMs = rng.int(s.thinkMinMs, s.thinkMaxMs);
    // Drawn from the operation's own data seed: the main stream draws the same for every kind.
    const transfer = kind === "Transfer" ? { transfer: planTransfer(dataSeed, s.accounts) } : {};
    const range = kind === "UpdateRange" || kind === "DeleteRange"
      ? { range: planRange(dataSeed) }
      : {};
    const fault = kind === "Cancel" || kind === "Disconnect" ? { fault: planFault(dataSeed) } : {};
    // A Disconnect mid-transaction cuts a transfer: its legs come from the same seed.
    const cutTransfer = kind === "Disconnect" && fault.fault?.phase === "transaction"
      ? { transfer: planTransfer(dataSeed, s.accounts) }
      : {};
    return {
      seq: this.#seq++,
      kind,
      table,
      joinTables,
      rows: kind === "BulkInsert" ? batch : kind === "SingleInsert" ? 1 : 0,
      dataSeed,
      firstId,
      filter,
      limit,
      complexity,
      variant,
      ddl: kind === "SchemaDdl" ? this.#nextDdl(variant) : null,
      thinkMs,
      ...transfer,
      ...range,
      ...fault,
      ...cutTransfer,
    };
  }

  /** create, then alter up to three times or drop, then create the next generation. */
  #nextDdl(variant: number): PlannedOp["ddl"] {
    const scratch = this.#scratch;
    const table = `scratch_u${this.#user.id}_${scratch.generation}`;
    if (!scratch.exists) {
      scratch.exists = true;
      scratch.alters = 0;
      return { action: "create", table, column: "" };
    }
    if (variant < 0.6 && scratch.alters < MAX_ALTERS) {
      return { action: "alter", table, column: `extra_${scratch.alters++}` };
    }
    scratch.exists = false;
    scratch.generation++;
    return { action: "drop", table, column: "" };
  }
}

/** The first `count` operations a user sends (no more than its limit, in a shrunk replay). */
export function planOps(
  user: UserSpec,
  tables: readonly TableSpec[],
  settings: PlanSettings,
  count: number,
): PlannedOp[] {
  const planner = new UserPlanner(user, tables, settings);
  const length = Math.min(count, opLimit(user) ?? Infinity);
  return Array.from({ length }, () => planner.next());
}

/** Running SHA-256 over the operations a user rolled, in order. */
export class SequenceDigest {
  readonly #hash = createHash("sha256");
  #count = 0;

  /** Adds one rolled operation. */
  add(op: PlannedOp): void {
    this.#hash.update(JSON.stringify(op));
    this.#count++;
  }

  /** Number of operations added. */
  get count(): number {
    return this.#count;
  }

  /** Hex digest of everything added so far (the digest is final; add no more after). */
  hex(): string {
    return this.#hash.digest("hex");
  }
}
