/**
 * The integrity model in a thread of its own: regenerating and hashing every acknowledged row is
 * seconds of CPU, and on the main thread it kept the event loop from sending the server's
 * fingerprint statements (measured: a statement sent during the model's work went out only when
 * the model ended), so the two sides ran one after the other. Keeps the model's cache across
 * checkpoints. model_thread.ts is its other end.
 */
/// <reference lib="deno.worker" />
import { ModelCache } from "./model.ts";
import type { ModelReply, ModelRequest } from "./model_thread.ts";

const cache = new ModelCache();

self.onmessage = (event: MessageEvent<ModelRequest>) => {
  const { id, key, shape, writes } = event.data;
  let reply: ModelReply;
  try {
    reply = { id, print: cache.fingerprint(key, shape, writes) };
  } catch (error) {
    reply = { id, error: String(error) };
  }
  self.postMessage(reply);
};
