/**
 * The main thread's end of the model's worker (model_worker.ts): asks for a table's fingerprint
 * and gets it back, while the main thread's event loop stays free for the server's side. The
 * worker starts at `start()` or the first question, and keeps its cache until `close()`.
 */
import type { Shape } from "../workload/table_shapes.ts";
import type { WriteRecord } from "../workload/writes.ts";
import type { Fingerprint } from "./fingerprint.ts";

/** A question to the worker: the fingerprint of what `writes` put in table `key`. */
export interface ModelRequest {
  id: number;
  /** The table, `database/name`: what the worker's cache keeps apart. */
  key: string;
  shape: Shape;
  /** Its seed rows and acknowledged inserts: a list that only grows, so the worker caches. */
  writes: readonly WriteRecord[];
}

export type ModelReply = { id: number; print: Fingerprint } | { id: number; error: string };

/** The model's worker, seen from the main thread. */
export class ModelThread {
  #worker: Worker | null = null;
  #nextId = 0;
  readonly #waiting = new Map<number, PromiseWithResolvers<Fingerprint>>();

  /** The fingerprint of the rows `writes` put in table `key`. */
  fingerprint(key: string, shape: Shape, writes: readonly WriteRecord[]): Promise<Fingerprint> {
    const id = this.#nextId++;
    const answer = Promise.withResolvers<Fingerprint>();
    this.#waiting.set(id, answer);
    this.#started().postMessage({ id, key, shape, writes } satisfies ModelRequest);
    return answer.promise;
  }

  /** Starts the worker now, so it loads its modules before the first question. */
  start(): this {
    this.#started();
    return this;
  }

  /** Ends the worker; questions still open fail. */
  close(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#failAll("the model's worker was closed");
  }

  #started(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL("./model_worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<ModelReply>) => {
      const reply = event.data;
      const answer = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      if ("print" in reply) answer?.resolve(reply.print);
      else answer?.reject(new Error(`the model failed: ${reply.error}`));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.#failAll(`the model's worker failed: ${event.message}`);
    };
    this.#worker = worker;
    return worker;
  }

  #failAll(why: string): void {
    for (const answer of this.#waiting.values()) answer.reject(new Error(why));
    this.#waiting.clear();
  }
}
