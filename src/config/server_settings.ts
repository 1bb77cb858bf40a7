/** Where hyperd comes from, or which running hyperd to attach to, and how to split a run. */
import { z } from "zod";
import { hostPort, setting, text } from "./setting_kinds.ts";

/** Where hyperd is, in the order `--help` lists them. */
export const SERVER_SETTINGS = {
  hyperdPath: setting({
    operator: true,
    ...text("the path of hyperd or of the folder holding it"),
    env: "HYPERD_PATH",
    flag: "hyperd",
    help: "Use this hyperd instead of the cached or installed one.",
  }),
  cacheDir: setting({
    operator: true,
    ...text("a directory path"),
    env: "HYPERSTRESS_CACHE_DIR",
    flag: "cache-dir",
    help: "Where hyperd is installed on first use (default: the user cache dir).",
  }),
  endpoint: setting({
    operator: true,
    ...hostPort(),
    env: "STRESS_ENDPOINT",
    flag: "endpoint",
    help:
      "Load the hyperd running at HOST:PORT (libpq) instead of starting one; it is left running.",
  }),
  grpcEndpoint: setting({
    operator: true,
    ...hostPort(),
    env: "STRESS_GRPC_ENDPOINT",
    flag: "grpc-endpoint",
    help: "With --endpoint and --transport grpc: that hyperd's gRPC HOST:PORT, for reads.",
  }),
  databaseDir: setting({
    operator: true,
    ...text("an absolute directory path as the server sees it"),
    env: "STRESS_DATABASE_DIR",
    flag: "database-dir",
    help: "With --endpoint: where the server creates the databases (default: the output dir).",
  }),
  hyperdLog: setting({
    operator: true,
    ...text("the path of the server's hyperd.log"),
    env: "STRESS_HYPERD_LOG",
    flag: "hyperd-log",
    help: "With --endpoint: its hyperd.log, read from its end (without it the monitor is off).",
  }),
  segment: setting({
    operator: true,
    schema: z.string().regex(/^\d+\/\d+$/).refine((s) => {
      const [i, n] = s.split("/").map(Number);
      return n >= 1 && i < n;
    }, { message: 'expected a segment "i/n" with 0 <= i < n, e.g. "0/4"' }).optional(),
    kind: "string",
    expects: 'a segment "i/n" with 0 <= i < n, e.g. "0/4"',
    env: "STRESS_SEGMENT",
    flag: "segment",
    help: "Run only the users u with u mod n = i of the run (needs --endpoint); merge the parts.",
  }),
} as const;
