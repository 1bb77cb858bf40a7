/**
 * The main thread's tally of the ledger: transfers by outcome, the committed transfers' deltas
 * per account (what the end check expects), the in-doubt transfers, and the reads that broke the
 * invariant with the transfers in flight while they ran.
 */
import {
  type BalanceRead,
  type FaultEvent,
  type RangeMismatch,
  readTotal,
  TRANSFER_OUTCOMES,
  type TransferOutcome,
  type TransferRecord,
} from "../workload/ledger.ts";
import type { LedgerTally } from "./ledger_interval.ts";

/** Violations kept with their evidence; the rest are counted. */
const VIOLATIONS_KEPT = 10;
/** Recent transfers kept to find the ones a violating read overlapped. */
const RECENT_KEPT = 2000;
/** Transfers kept as one violation's evidence. */
const IN_FLIGHT_KEPT = 50;
/** In-doubt transfers listed in the summary; all of them count in the end check. */
const IN_DOUBT_LISTED = 100;

/** A read that broke the invariant, with what was wrong and what ran meanwhile. */
export interface LedgerViolation extends BalanceRead {
  total: number;
  problems: string[];
  /** Transfers on its database whose run overlapped the read's (they may explain it). */
  inFlight: TransferRecord[];
}

/** What the ledger did over the run, for the summary. */
export interface LedgerTotals {
  transfers: Record<TransferOutcome, number>;
  /** Reads of every balance checked against the invariant. */
  reads: number;
  /** Reads that broke it. */
  violations: number;
  /** The first violations with their evidence. */
  firstViolations: LedgerViolation[];
  /** In-doubt transfers (the first IN_DOUBT_LISTED). */
  inDoubt: TransferRecord[];
  /** Checks of users' own tables (UpdateRange, DeleteRange) against their models. */
  rangeChecks: number;
  /** Own tables that differed from their model: how many, and the first ones. */
  rangeMismatchCount: number;
  rangeMismatches: RangeMismatch[];
  /** Faults (Cancel, Disconnect) that left hyperd in a state it should not be in: the first few. */
  faults: FaultEvent[];
}

/** The run's ledger, from the workers' ticks. */
export class LedgerStats {
  readonly #outcomes = Object.fromEntries(TRANSFER_OUTCOMES.map((o) => [o, 0])) as Record<
    TransferOutcome,
    number
  >;
  /** Committed deltas per database, per account. */
  readonly #committed = new Map<number, Map<number, number>>();
  readonly #inDoubt: TransferRecord[] = [];
  #reads = 0;
  #violationCount = 0;
  readonly #violations: LedgerViolation[] = [];
  #recent: TransferRecord[] = [];
  #rangeChecks = 0;
  #rangeMismatchCount = 0;
  readonly #rangeMismatches: RangeMismatch[] = [];
  readonly #faults: FaultEvent[] = [];

  /** Adds one interval of a worker. */
  add(tally: LedgerTally): void {
    this.#reads += tally.reads;
    this.#violationCount += tally.violations.length + tally.violationsDropped;
    for (const read of tally.violations) {
      if (this.#violations.length >= VIOLATIONS_KEPT) break;
      const inFlight = this.#recent.filter((t) => overlaps(t, read)).slice(0, IN_FLIGHT_KEPT);
      this.#violations.push({ ...read, total: readTotal(read), inFlight });
    }
    for (const transfer of tally.transfers) this.#addTransfer(transfer);
    // Ticks of a worker from before the range kinds have none.
    this.#rangeChecks += tally.rangeChecks ?? 0;
    for (const mismatch of tally.rangeMismatches ?? []) {
      this.#rangeMismatchCount++;
      if (this.#rangeMismatches.length < VIOLATIONS_KEPT) this.#rangeMismatches.push(mismatch);
    }
    for (const fault of tally.faults ?? []) {
      if (this.#faults.length < VIOLATIONS_KEPT) this.#faults.push(fault);
    }
  }

  #addTransfer(transfer: TransferRecord): void {
    this.#outcomes[transfer.outcome]++;
    if (transfer.outcome === "committed") {
      let deltas = this.#committed.get(transfer.database);
      if (!deltas) this.#committed.set(transfer.database, deltas = new Map());
      for (const leg of transfer.legs) {
        deltas.set(leg.account, (deltas.get(leg.account) ?? 0) + leg.delta);
      }
    }
    if (transfer.outcome === "in-doubt") this.#inDoubt.push(transfer);
    // A transfer reported after the read it overlapped (another worker's tick came later).
    for (const violation of this.#violations) {
      if (overlaps(transfer, violation) && violation.inFlight.length < IN_FLIGHT_KEPT) {
        violation.inFlight.push(transfer);
      }
    }
    this.#recent.push(transfer);
    if (this.#recent.length > RECENT_KEPT * 2) this.#recent = this.#recent.slice(-RECENT_KEPT);
  }

  /** True once any ledger operation reported: a run without them has no ledger section. */
  get active(): boolean {
    return this.#reads > 0 || this.#rangeChecks > 0 || this.#faults.length > 0 ||
      TRANSFER_OUTCOMES.some((o) => this.#outcomes[o] > 0);
  }

  /** The committed transfers' deltas per account of `database`. */
  committed(database: number): Map<number, number> {
    return new Map(this.#committed.get(database) ?? []);
  }

  /** The in-doubt transfers on `database`. */
  inDoubt(database: number): TransferRecord[] {
    return this.#inDoubt.filter((t) => t.database === database);
  }

  /** The run's totals so far. */
  totals(): LedgerTotals {
    return {
      transfers: { ...this.#outcomes },
      reads: this.#reads,
      violations: this.#violationCount,
      firstViolations: this.#violations.map((v) => ({ ...v, inFlight: [...v.inFlight] })),
      inDoubt: this.#inDoubt.slice(0, IN_DOUBT_LISTED),
      rangeChecks: this.#rangeChecks,
      rangeMismatchCount: this.#rangeMismatchCount,
      rangeMismatches: [...this.#rangeMismatches],
      faults: [...this.#faults],
    };
  }
}

/** True when `transfer` ran on the read's database while the read ran. */
function overlaps(
  transfer: TransferRecord,
  read: Pick<BalanceRead, "database" | "startedAtSec" | "endedAtSec">,
): boolean {
  return transfer.database === read.database && transfer.startedAtSec <= read.endedAtSec &&
    transfer.endedAtSec >= read.startedAtSec;
}
