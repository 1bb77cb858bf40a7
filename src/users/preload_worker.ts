/**
 * A throwaway worker that loads what the user workers will load, and says so. Started before
 * hyperd, so a first run fetches its npm packages before anything else starts, not between the
 * start lines and the first progress line.
 */
/// <reference lib="deno.worker" />

self.onmessage = async (event: MessageEvent<{ arrow: boolean; grpc: boolean }>) => {
  try {
    // The worker's own graph (postgres, the encoders, the op code) and what it loads on demand.
    await import("./user_worker.ts");
    if (event.data.arrow) await import("../encode/arrow_stream.ts");
    if (event.data.grpc) await import("../wire/grpc_reader.ts");
    self.postMessage({ ok: true });
  } catch (error) {
    self.postMessage({ ok: false, message: String(error) });
  }
};
