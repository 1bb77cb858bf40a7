/**
 * What the ledger's operations did in one of a worker's intervals: the transfers, the balance
 * reads checked against the invariant, the owned tables' checks and the faults, the first few of
 * each problem kept with its evidence.
 */
import {
  type BalanceRead,
  type FaultEvent,
  type RangeMismatch,
  readProblems,
  type TransferRecord,
} from "../workload/ledger.ts";

/** Problems of each kind a worker keeps per interval (reads, own tables, faults). */
const KEPT_PER_INTERVAL = 10;

/** What the ledger's operations did in one interval. */
export interface LedgerTally {
  /** Every transfer that ended, however it ended. */
  transfers: TransferRecord[];
  /** Reads of every balance that came back and were checked. */
  reads: number;
  /** Reads that broke the invariant, with what was wrong (the first few). */
  violations: (BalanceRead & { problems: string[] })[];
  /** Violations past the ones kept. */
  violationsDropped: number;
  /** Range operations that checked the user's own table against its model. */
  rangeChecks: number;
  /** Own tables that differed from their model (the first few; counted in rangeChecks too). */
  rangeMismatches: RangeMismatch[];
  /** Faults that left hyperd in a state it should not be in (the first few). */
  faults: FaultEvent[];
}

/** An interval with nothing in it yet. */
export function emptyLedgerInterval(): LedgerTally {
  return {
    transfers: [],
    reads: 0,
    violations: [],
    violationsDropped: 0,
    rangeChecks: 0,
    rangeMismatches: [],
    faults: [],
  };
}

/** Counts a read of every balance, and keeps it with its problems if it broke the invariant. */
export function addBalanceRead(tally: LedgerTally, read: BalanceRead): void {
  tally.reads++;
  const problems = readProblems(read);
  if (problems.length === 0) return;
  if (tally.violations.length < KEPT_PER_INTERVAL) tally.violations.push({ ...read, problems });
  else tally.violationsDropped++;
}

/** Counts a check of a user's own table that differed from its model, and keeps the first few. */
export function addRangeMismatch(tally: LedgerTally, mismatch: RangeMismatch): void {
  tally.rangeChecks++;
  if (tally.rangeMismatches.length < KEPT_PER_INTERVAL) tally.rangeMismatches.push(mismatch);
}

/** Keeps a fault that left hyperd in a state it should not be in (the first few). */
export function addFault(tally: LedgerTally, event: FaultEvent): void {
  if (tally.faults.length < KEPT_PER_INTERVAL) tally.faults.push(event);
}
