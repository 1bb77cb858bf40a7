/**
 * Generated rows. Each batch takes one seed from the caller's Rng; every column then draws from
 * its own two random streams (values and NULLs), so the rows can be written column by column
 * into typed arrays or row by row straight into a wire format, and are the same rows either way.
 * A generated batch fills its arrays only when they are read: an encoder that writes rows from
 * the batch's recipe (`recipeOf`) never needs them.
 */
import type { ColumnValues, RowBatch } from "./row_batch.ts";
import { type Rng, seedStreams } from "./rng.ts";
import type { Column, Shape } from "./table_shapes.ts";
import { KIND, valueStream } from "./column_values.ts";
import { fillColumn, fillNulls } from "./column_fill.ts";
import type { RowRecipe } from "./column_values.ts";

export type { RowRecipe } from "./column_values.ts";

const kindsByShape = new Map<Shape, number[]>();

function kindOf(column: Column): number {
  switch (column.type) {
    case "INT":
      return column.name === "id" ? KIND.ID : KIND.INT;
    case "SMALLINT":
      return KIND.SMALLINT;
    case "BOOL":
      return KIND.BOOL;
    case "BIGINT":
      return KIND.BIGINT;
    case "TIMESTAMP":
      return KIND.TIMESTAMP;
    case "DOUBLE PRECISION":
      return KIND.DOUBLE;
    case "TEXT":
      return column.name === "name"
        ? KIND.NAME
        : column.name === "category"
        ? KIND.CATEGORY
        : column.name === "ref_code"
        ? KIND.REF
        : KIND.WORDS;
  }
}

/** The KIND of each column of `shape`. */
export function kindsOf(shape: Shape): readonly number[] {
  let kinds = kindsByShape.get(shape);
  if (!kinds) {
    kinds = shape.columns.map(kindOf);
    kindsByShape.set(shape, kinds);
  }
  return kinds;
}

/** For each reused batch, the generated batch that may write into its arrays. */
const latestInto = new WeakMap<RowBatch, GeneratedBatch>();

/** Rows that exist as a seed until their arrays are read. */
class GeneratedBatch implements RowBatch {
  readonly shape: Shape;
  readonly rowCount: number;
  readonly firstId: number;
  readonly seed: number;
  readonly #reuse: RowBatch | undefined;
  #values: ColumnValues[] | null = null;
  #nulls: (Uint8Array | null)[] | null = null;

  constructor(shape: Shape, rowCount: number, seed: number, firstId: number, reuse?: RowBatch) {
    this.shape = shape;
    this.rowCount = rowCount;
    this.seed = seed;
    this.firstId = firstId;
    this.#reuse = reuse;
  }

  get values(): ColumnValues[] {
    return this.#values ?? this.#fill().values;
  }

  get nulls(): (Uint8Array | null)[] {
    return this.#nulls ?? this.#fill().nulls;
  }

  /** True once the arrays exist (they may have been changed since). */
  get filled(): boolean {
    return this.#values !== null;
  }

  #fill(): { values: ColumnValues[]; nulls: (Uint8Array | null)[] } {
    // Into the reused arrays only while no later batch took them over.
    const into = this.#reuse && latestInto.get(this.#reuse) === this ? this.#reuse : undefined;
    const { shape, rowCount } = this;
    const recipe = recipeFor(this);
    const nulls = into?.nulls ??
      shape.columns.map((c) => (c.nullable ? new Uint8Array(rowCount) : null));
    const values = recipe.kinds.map((kind, c) => {
      const flags = nulls[c];
      if (flags) fillNulls(flags, rowCount, recipe.streams, valueStream(c) + 1);
      const column = fillColumn(kind, recipe, c, flags, into?.values[c]);
      if (into) into.values[c] = column; // a text column may have grown
      return column;
    });
    this.#values = values;
    this.#nulls = nulls;
    return { values, nulls };
  }
}

function recipeFor(batch: GeneratedBatch): RowRecipe {
  const kinds = kindsOf(batch.shape);
  return {
    shape: batch.shape,
    rowCount: batch.rowCount,
    firstId: batch.firstId,
    kinds,
    streams: seedStreams(batch.seed, 2 * kinds.length),
  };
}

/**
 * Rows with ids `firstId`, `firstId + 1`, ... and every other value drawn from one seed taken
 * from `rng`. With `reuse` (an earlier batch of the same shape with room for `rowCount` rows)
 * the arrays, once read, are filled in its arrays instead of new ones, so a stream of batches
 * makes no garbage; a text column that needs more room is replaced in `reuse`. A batch filled
 * into `reuse` is valid until the next batch is generated into it.
 */
export function generateBatch(
  shape: Shape,
  rowCount: number,
  rng: Rng,
  firstId = 1,
  reuse?: RowBatch,
): RowBatch {
  const fits = reuse?.shape === shape && capacity(reuse) >= rowCount;
  const batch = new GeneratedBatch(
    shape,
    rowCount,
    rng.uint32(),
    firstId,
    fits ? reuse : undefined,
  );
  if (fits) latestInto.set(reuse!, batch);
  return batch;
}

/** The batch's recipe while its arrays have not been read, else null (use the arrays). */
export function recipeOf(batch: RowBatch): RowRecipe | null {
  return batch instanceof GeneratedBatch && !batch.filled ? recipeFor(batch) : null;
}

/** How many rows a batch's arrays can hold. */
function capacity(batch: RowBatch): number {
  const first = batch.values[0];
  return "offsets" in first ? first.offsets.length - 1 : first.length;
}
