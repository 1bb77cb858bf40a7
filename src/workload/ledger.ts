/**
 * The ledger (Jepsen's bank workload): each database's `accounts` table holds a fixed number of
 * accounts whose balances always sum to the same total. Transfers move money between accounts
 * inside a transaction; every read of all balances must see that total. Pure: the plan of a
 * transfer, the invariant, and the end-of-run reconciliation.
 */
import { Rng } from "./rng.ts";

/** The ledger's table in every database. */
export const ACCOUNTS_TABLE = "accounts";
/** Every account's balance when the run starts. */
export const START_BALANCE = 1000;
/** The largest amount one transfer moves. */
export const MAX_AMOUNT = 100;
/** Share of transfers that touch three accounts (one debit, two credits). */
export const THREE_WAY_SHARE = 0.25;
/** Share of transfers that end in ROLLBACK instead of COMMIT. */
export const ROLLBACK_SHARE = 0.1;
/**
 * In-doubt transfers up to which the end check tries every subset of them as applied; beyond,
 * it says the check could not be exact.
 */
export const MAX_IN_DOUBT_EXACT = 16;

/** One account's change in a transfer. */
export interface Leg {
  account: number;
  delta: number;
}

/** A planned transfer: the debit first, then the credits; it sums to zero. */
export interface TransferPlan {
  legs: Leg[];
  /** Ends in ROLLBACK: the transfer must leave no trace. */
  rollback: boolean;
}

/** The sum of every balance: what each read of all balances must see. */
export function invariantTotal(accounts: number): number {
  return accounts * START_BALANCE;
}

/** A transfer drawn from the operation's data seed alone, over `accounts` accounts (>= 2). */
export function planTransfer(dataSeed: number, accounts: number): TransferPlan {
  const rng = new Rng(`${dataSeed}:transfer`);
  const from = rng.int(0, accounts - 1);
  const to = (from + rng.int(1, accounts - 1)) % accounts;
  const amount = rng.int(1, MAX_AMOUNT);
  const threeWay = rng.next() < THREE_WAY_SHARE && accounts >= 3;
  const rollback = rng.next() < ROLLBACK_SHARE;
  if (!threeWay) {
    return { legs: [{ account: from, delta: -amount }, { account: to, delta: amount }], rollback };
  }
  let third = rng.int(0, accounts - 1);
  while (third === from || third === to) third = (third + 1) % accounts;
  const split = rng.int(0, amount);
  return {
    legs: [
      { account: from, delta: -amount },
      { account: to, delta: amount - split },
      { account: third, delta: split },
    ],
    rollback,
  };
}

/**
 * How a transfer ended. `committed`: COMMIT answered; `rolled-back`: planned ROLLBACK;
 * `declined`: the debit found too little money and rolled back; `aborted`: a 40001 conflict;
 * `failed`: another error before COMMIT; `in-doubt`: COMMIT sent and no answer came.
 */
export type TransferOutcome =
  | "committed"
  | "rolled-back"
  | "declined"
  | "aborted"
  | "failed"
  | "in-doubt";

/** Every transfer outcome, in the order reports list them. */
export const TRANSFER_OUTCOMES: readonly TransferOutcome[] = [
  "committed",
  "rolled-back",
  "declined",
  "aborted",
  "failed",
  "in-doubt",
];

/** One transfer a user ran, as its worker reports it. */
export interface TransferRecord {
  database: number;
  user: number;
  seq: number;
  legs: Leg[];
  outcome: TransferOutcome;
  /** Run seconds: when BEGIN was sent and when the transfer's last answer came. */
  startedAtSec: number;
  endedAtSec: number;
}

/** One account in the end check. */
export interface AccountBalance {
  account: number;
  /** Start plus the committed transfers (and the in-doubt ones taken as applied). */
  expected: number;
  /** What the final read found; null when the account row is missing. */
  actual: number | null;
}

/** The end check of one database's ledger. */
export interface LedgerReconciliation {
  total: number;
  /** True when every account holds exactly what the committed transfers say. */
  exact: boolean;
  /** In-doubt transfers that the best explanation takes as applied. */
  inDoubtApplied: number;
  inDoubt: number;
  /** False when there were too many in-doubt transfers to try every subset. */
  searched: boolean;
  /** Accounts whose balance differs from the best explanation's (empty when exact). */
  mismatches: AccountBalance[];
}

/**
 * Checks final balances against the start, the committed transfers' deltas and the in-doubt
 * transfers, each taken as applied or not: exact when some subset of the in-doubt transfers
 * explains every balance. Otherwise the explanation with the fewest wrong accounts is reported.
 */
export function reconcile(
  accounts: number,
  balances: ReadonlyMap<number, number>,
  committed: ReadonlyMap<number, number>,
  inDoubt: readonly Pick<TransferRecord, "legs">[],
): LedgerReconciliation {
  const base = Array.from({ length: accounts }, (_, a) => START_BALANCE + (committed.get(a) ?? 0));
  let total = 0;
  for (const balance of balances.values()) total += balance;
  const searched = inDoubt.length <= MAX_IN_DOUBT_EXACT;
  const subsets = searched ? 2 ** inDoubt.length : 1;
  let best: { mismatches: AccountBalance[]; applied: number } | null = null;
  for (let mask = 0; mask < subsets; mask++) {
    const expected = [...base];
    let applied = 0;
    inDoubt.forEach((t, i) => {
      if (!(mask & (1 << i))) return;
      applied++;
      for (const leg of t.legs) expected[leg.account] += leg.delta;
    });
    const mismatches = expected.flatMap((value, account): AccountBalance[] => {
      const actual = balances.get(account) ?? null;
      return actual === value ? [] : [{ account, expected: value, actual }];
    });
    // Rows that are not accounts of the ledger are wrong too.
    for (const [account, actual] of balances) {
      if (account < 0 || account >= accounts) mismatches.push({ account, expected: 0, actual });
    }
    if (!best || mismatches.length < best.mismatches.length) best = { mismatches, applied };
    if (mismatches.length === 0) break;
  }
  return {
    total,
    exact: best!.mismatches.length === 0,
    inDoubtApplied: best!.applied,
    inDoubt: inDoubt.length,
    searched,
    mismatches: best!.mismatches,
  };
}

/** One read of every balance, as its user saw it. */
export interface BalanceRead {
  database: number;
  user: number;
  seq: number;
  startedAtSec: number;
  endedAtSec: number;
  /** `[account, balance]` in the order read. */
  balances: [number, number][];
  /** The invariant: what the balances must sum to. */
  expectedTotal: number;
  /** Accounts the ledger has: the read must see each once. */
  accounts: number;
}

/** What is wrong with a read, in words; empty when it holds the invariant. */
export function readProblems(read: BalanceRead): string[] {
  const problems: string[] = [];
  let total = 0;
  const seen = new Set<number>();
  for (const [account, balance] of read.balances) {
    total += balance;
    if (balance < 0) problems.push(`account ${account} is negative (${balance})`);
    if (seen.has(account)) problems.push(`account ${account} read twice`);
    seen.add(account);
  }
  if (total !== read.expectedTotal) {
    problems.push(`balances sum to ${total}, expected ${read.expectedTotal}`);
  }
  if (read.balances.length !== read.accounts) {
    problems.push(`${read.balances.length} accounts read, expected ${read.accounts}`);
  }
  return problems;
}

/** The sum of a read's balances. */
export function readTotal(read: Pick<BalanceRead, "balances">): number {
  return read.balances.reduce((sum, [, balance]) => sum + balance, 0);
}

/** Rows of each user's own table (ids 0 to OWNED_ROWS - 1) when it is made. */
export const OWNED_ROWS = 200;

/** A planned UpdateRange or DeleteRange on the user's own table. */
export interface RangePlan {
  /** The ids `lo` to `hi`, both included. */
  lo: number;
  hi: number;
  /** UpdateRange: what it adds to each value. */
  delta: number;
  /** DeleteRange: the ids of the range with this parity come back, with a new value. */
  parity: 0 | 1;
}

/** The range of an UpdateRange or DeleteRange, from the operation's data seed alone. */
export function planRange(dataSeed: number): RangePlan {
  const rng = new Rng(`${dataSeed}:range`);
  const lo = rng.int(0, OWNED_ROWS - 1);
  const hi = Math.min(OWNED_ROWS - 1, lo + rng.int(0, 39));
  return { lo, hi, delta: rng.int(1, 100), parity: rng.next() < 0.5 ? 0 : 1 };
}

/** The name of user `user`'s own table. */
export function ownedTable(user: number): string {
  return `owned_u${user}`;
}

/** What a user's own table holds, as one read sums it up. */
export interface OwnedDigest {
  rows: number;
  /** Sum of the values. */
  sum: number;
  /** Sum of id × value: a value moved to another id changes it. */
  weighted: number;
}

/** A user's own table that did not hold what the user's model says. */
export interface RangeMismatch {
  user: number;
  table: string;
  /** The operation whose check found it, and the last one that changed the table before. */
  seq: number;
  lastChangeSeq: number | null;
  atSec: number;
  /** What was found wrong, e.g. `UPDATE said 3 rows, expected 5` or the read's digest. */
  problem: string;
  expected: OwnedDigest;
  actual: OwnedDigest | null;
}

/** Where a Disconnect cuts its connection. */
export type DisconnectPhase = "read" | "transaction" | "copy";

/** A planned Cancel or Disconnect: when to act, and where a Disconnect cuts. */
export interface FaultPlan {
  /** How long after the statement starts the cancel or the cut comes, in ms. */
  delayMs: number;
  phase: DisconnectPhase;
}

/** A fault's timing and phase, from the operation's data seed alone. */
export function planFault(dataSeed: number): FaultPlan {
  const rng = new Rng(`${dataSeed}:fault`);
  const delayMs = rng.int(20, 500);
  const phase = rng.pick(["read", "transaction", "copy"] as const);
  return { delayMs, phase };
}

/** What a client-side fault found wrong with hyperd. */
export type FaultFindingKind = "cancel-ignored" | "abandoned-copy-hang";

/** A fault that left hyperd in a state it should not be in. */
export interface FaultEvent {
  kind: FaultFindingKind;
  user: number;
  seq: number;
  atSec: number;
  /** What happened, in words. */
  detail: string;
  /** The statement the fault hit. */
  sql: string;
}
