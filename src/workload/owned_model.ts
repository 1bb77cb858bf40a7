/**
 * A user's model of its own table (UpdateRange, DeleteRange): which ids it holds and each value.
 * Only that user writes the table, so after every acknowledged change the model says exactly
 * what the next read must find. Pure.
 */
import { OWNED_ROWS, type OwnedDigest, type RangePlan } from "./ledger.ts";

/** The model of one user's own table. */
export class OwnedModel {
  readonly #values = new Map<number, number>();
  /** False until the table is made, and again once a change's outcome is unknown. */
  known = false;
  /** The last operation that changed the table (null: none since it was made). */
  lastChangeSeq: number | null = null;

  /** The table as made: ids 0 to OWNED_ROWS - 1, each with value 0. */
  reset(): void {
    this.#values.clear();
    for (let id = 0; id < OWNED_ROWS; id++) this.#values.set(id, 0);
    this.known = true;
    this.lastChangeSeq = null;
  }

  /** Rows the model holds with an id in the plan's range. */
  inRange(plan: Pick<RangePlan, "lo" | "hi">): number {
    let n = 0;
    for (let id = plan.lo; id <= plan.hi; id++) if (this.#values.has(id)) n++;
    return n;
  }

  /** Adds `delta` to every value in the range. */
  update(plan: RangePlan, seq: number): void {
    for (let id = plan.lo; id <= plan.hi; id++) {
      const value = this.#values.get(id);
      if (value !== undefined) this.#values.set(id, value + plan.delta);
    }
    this.lastChangeSeq = seq;
  }

  /** Rows a DeleteRange puts back: the range's ids of its parity. */
  static refilled(plan: RangePlan): number {
    let n = 0;
    for (let id = plan.lo; id <= plan.hi; id++) if (id % 2 === plan.parity) n++;
    return n;
  }

  /** Deletes the range, then puts back its ids of the plan's parity with value `seq`. */
  deleteAndRefill(plan: RangePlan, seq: number): void {
    for (let id = plan.lo; id <= plan.hi; id++) {
      this.#values.delete(id);
      if (id % 2 === plan.parity) this.#values.set(id, seq);
    }
    this.lastChangeSeq = seq;
  }

  /** What a read of the whole table must find. */
  digest(): OwnedDigest {
    let sum = 0;
    let weighted = 0;
    for (const [id, value] of this.#values) {
      sum += value;
      weighted += id * value;
    }
    return { rows: this.#values.size, sum, weighted };
  }
}
