/**
 * Chunk buffers handed back once sent and lent again: a fresh buffer is zeroed by the runtime,
 * and zeroing and faulting in about a gigabyte a minute cost a bulk insert a fifth of its time.
 */

/** Free buffers kept at most; the rest go to the garbage collector. */
const MAX_FREE = 16;

/**
 * Lends buffers of `bufferBytes` each; a larger request gets a fresh buffer of its own. A lent
 * buffer holds one chunk, so the bytes around that chunk are free while it is lent.
 */
export class BufferPool {
  readonly bufferBytes: number;
  readonly #free: ArrayBuffer[] = [];
  // Lent and not yet given back: a buffer given back twice would be lent to two chunks at once.
  readonly #lent = new WeakSet<ArrayBuffer>();

  constructor(bufferBytes: number) {
    this.bufferBytes = bufferBytes;
  }

  /**
   * A whole buffer of at least `bytes`, its contents left from earlier use. A larger request
   * gets a fresh buffer, lent like the others but never kept once given back.
   */
  take(bytes: number): Uint8Array {
    const buffer = bytes > this.bufferBytes
      ? new ArrayBuffer(bytes)
      : this.#free.pop() ?? new ArrayBuffer(this.bufferBytes);
    this.#lent.add(buffer);
    return new Uint8Array(buffer);
  }

  /** True while the buffer under `chunk` is lent by this pool and not given back. */
  lends(chunk: Uint8Array): boolean {
    return this.#lent.has(chunk.buffer as ArrayBuffer);
  }

  /** Takes back the buffer under `chunk` if this pool lent it and it was not given back yet. */
  give(chunk: Uint8Array): void {
    const buffer = chunk.buffer as ArrayBuffer;
    if (!this.#lent.delete(buffer)) return;
    if (buffer.byteLength === this.bufferBytes && this.#free.length < MAX_FREE) {
      this.#free.push(buffer);
    }
  }
}
