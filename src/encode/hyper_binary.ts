/**
 * HyperBinary COPY encoding: a 19-byte header, then rows back to back, little-endian, with a
 * null flag byte before each value of a nullable column (see shared/HYPER.md).
 */
import { BufferPool } from "./buffer_pool.ts";
import { CHUNK_ROOM, type CopyEncoder, encodeStream } from "./copy_encoder.ts";
import { encodeArrays } from "./hyper_binary_arrays.ts";
import { encodeGenerated, ROW_ROOM } from "./hyper_binary_direct.ts";
import { recipeOf } from "../workload/data_gen.ts";
import type { RowBatch } from "../workload/row_batch.ts";

/** `HPRCPY` followed by 13 zero bytes; starts every HyperBinary COPY stream. */
export const HYPER_BINARY_HEADER: Uint8Array = (() => {
  const header = new Uint8Array(19);
  header.set(new TextEncoder().encode("HPRCPY"));
  return header;
})();

/**
 * Encodes rows as HyperBinary in chunks of about `chunkBytes` each (whole rows; a longer row is
 * a chunk of its own). Each chunk is a buffer the caller may keep, or hand back with `recycle`
 * once sent.
 */
export class HyperBinaryEncoder implements CopyEncoder {
  readonly sqlFormat = "HYPERBINARY";
  readonly #chunkBytes: number;
  readonly #buffers: BufferPool;

  /** Chunks stay below 128 KiB by default, where an allocation still comes from malloc's heap. */
  constructor(chunkBytes = 120 * 1024) {
    this.#chunkBytes = chunkBytes;
    // A chunk ends past its target by at most a row and its scratch: within ROW_ROOM.
    this.#buffers = new BufferPool(CHUNK_ROOM + chunkBytes + ROW_ROOM);
  }

  /** The 19-byte signature that opens every stream. */
  header(): Uint8Array {
    return HYPER_BINARY_HEADER;
  }

  /** HyperBinary has no trailer. */
  trailer(): Uint8Array {
    return EMPTY;
  }

  /** A whole stream for one batch, header included. */
  encode(batch: RowBatch): Uint8Array[] {
    return encodeStream(this, batch);
  }

  /** The rows of `batch`, back to back, in chunks: from its seed while it has not been read. */
  rows(batch: RowBatch): Uint8Array[] {
    if (batch.rowCount === 0) return [];
    const recipe = recipeOf(batch);
    return recipe
      ? encodeGenerated(recipe, this.#chunkBytes, this.#buffers)
      : encodeArrays(batch, this.#chunkBytes, this.#buffers);
  }

  /** A chunk of `rows` that was sent: its buffer is written again for a later chunk. */
  recycle(chunk: Uint8Array): void {
    this.#buffers.give(chunk);
  }

  /** CHUNK_ROOM before a chunk of `rows` not yet recycled, 0 before anything else. */
  roomBefore(chunk: Uint8Array): number {
    return this.#buffers.lends(chunk) && chunk.byteOffset === CHUNK_ROOM ? CHUNK_ROOM : 0;
  }
}

const EMPTY = new Uint8Array(0);
