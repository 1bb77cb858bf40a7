/** What a COPY wire format must do: encode one stream as header, row batches, then trailer. */
import type { RowBatch } from "./row_batch.ts";
import type { Shape } from "./schemas.ts";

/** Encodes a COPY stream piece by piece, so a large insert streams in bounded memory. */
export interface CopyEncoder {
  /** The `FORMAT` name in `COPY ... FROM STDIN WITH (FORMAT ...)`. */
  readonly sqlFormat: "HYPERBINARY" | "ARROWSTREAM";
  /** Bytes that open a stream of rows of `shape`. */
  header(shape: Shape): Uint8Array;
  /** The batch's rows; each chunk is a fresh buffer the caller may keep. */
  rows(batch: RowBatch): Uint8Array[];
  /** Bytes that close the stream (empty when the format has none). */
  trailer(): Uint8Array;
}

/** A whole stream for one batch: header, rows and trailer. */
export function encodeStream(encoder: CopyEncoder, batch: RowBatch): Uint8Array[] {
  return [encoder.header(batch.shape), ...encoder.rows(batch), encoder.trailer()].filter((c) =>
    c.length > 0
  );
}
