/** What a COPY wire format must do: encode one stream as header, row batches, then trailer. */
import type { RowBatch } from "../workload/row_batch.ts";
import type { Shape } from "../workload/table_shapes.ts";

/**
 * Bytes an encoder that frees room before its chunks of rows leaves there: enough for the
 * sender's 5-byte message header and a stream header of up to 27 bytes (HyperBinary's is 19),
 * so both go out in one send with the rows.
 */
export const CHUNK_ROOM = 32;

/** Encodes a COPY stream piece by piece, so a large insert streams in bounded memory. */
export interface CopyEncoder {
  /** The `FORMAT` name in `COPY ... FROM STDIN WITH (FORMAT ...)`. */
  readonly sqlFormat: "HYPERBINARY" | "ARROWSTREAM";
  /** Bytes that open a stream of rows of `shape`. */
  header(shape: Shape): Uint8Array;
  /** The batch's rows; each chunk is the caller's to keep, or to `recycle` once sent. */
  rows(batch: RowBatch): Uint8Array[];
  /**
   * Hands back a chunk of `rows` that was sent and is never read again, so its buffer can be
   * written for a later chunk (any other chunk is ignored).
   */
  recycle(chunk: Uint8Array): void;
  /**
   * Bytes before `chunk` in its buffer that the sender may overwrite (CHUNK_ROOM for a chunk of
   * `rows` not yet recycled, 0 for any other), so a header can go out with it in one send.
   */
  roomBefore(chunk: Uint8Array): number;
  /** Bytes that close the stream (empty when the format has none). */
  trailer(): Uint8Array;
}

/**
 * A COPY stream of rows of `shape`, encoded one batch at a time as the consumer pulls, so
 * encoding overlaps with sending. Each batch is encoded whole before its chunks are yielded.
 */
export function* streamBatches(
  encoder: CopyEncoder,
  shape: Shape,
  batches: Iterable<RowBatch>,
): Generator<Uint8Array> {
  yield encoder.header(shape);
  for (const batch of batches) yield* encoder.rows(batch);
  const trailer = encoder.trailer();
  if (trailer.length > 0) yield trailer;
}

/** A whole stream for one batch: header, rows and trailer. */
export function encodeStream(encoder: CopyEncoder, batch: RowBatch): Uint8Array[] {
  return [...streamBatches(encoder, batch.shape, [batch])];
}
