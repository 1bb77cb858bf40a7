/**
 * Chunk buffers handed back once sent and lent again: a fresh buffer is zeroed by the runtime,
 * and zeroing and faulting in about a gigabyte a minute cost a bulk insert a fifth of its time.
 */

/** Free buffers kept at most; the rest go to the garbage collector. */
const MAX_FREE = 16;

/** Lends buffers of `bufferBytes` each; a larger request gets a fresh buffer of its own. */
export class BufferPool {
  readonly bufferBytes: number;
  readonly #free: ArrayBuffer[] = [];
  // Lent and not yet given back: a buffer given back twice would be lent to two chunks at once.
  readonly #lent = new WeakSet<ArrayBuffer>();

  constructor(bufferBytes: number) {
    this.bufferBytes = bufferBytes;
  }

  /** A whole buffer of at least `bytes`, its contents left from earlier use. */
  take(bytes: number): Uint8Array {
    if (bytes > this.bufferBytes) return new Uint8Array(bytes);
    const buffer = this.#free.pop() ?? new ArrayBuffer(this.bufferBytes);
    this.#lent.add(buffer);
    return new Uint8Array(buffer);
  }

  /** Takes back the buffer under `chunk` if this pool lent it and it was not given back yet. */
  give(chunk: Uint8Array): void {
    const buffer = chunk.buffer as ArrayBuffer;
    if (!this.#lent.delete(buffer)) return;
    if (this.#free.length < MAX_FREE) this.#free.push(buffer);
  }
}
