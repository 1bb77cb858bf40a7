/**
 * The folders of src/ from the top layer down, with what each holds: the architecture page's map
 * is generated from this list, and tests/unit/layers_test.ts checks every import against it.
 */

/** One folder of src/ and what it holds. */
export interface Layer {
  folder: string;
  holds: string;
}

/** A folder imports only from folders after it here; files directly in src/ from none. */
export const LAYERS: readonly Layer[] = [
  {
    folder: "cli",
    holds: "the commands (stress, sweep, shrink, plan, merge, report, compare, hyperd), argument " +
      "parsing, help, the progress line; run_in_dir.ts is one run in one locked output dir",
  },
  {
    folder: "shrink",
    holds:
      "shrinking (pure): candidates, ddmin, bisection, the sequential test of a reproduction " +
      "rate, the order of cuts, shrink.json and REPRO.md; a shrunk wrong result's psql " +
      "reproduction",
  },
  { folder: "sweep", holds: "swarm draws; sweep.json: seeds, shards, signatures, merge (pure)" },
  {
    folder: "results",
    holds: "summary.json and its verdict, thresholds, the text summary, JUnit, artifacts, number " +
      "formatting, compare (Mann–Whitney U), merge of segments, error groups, the metrics stream " +
      "(--out), report/ (the HTML page, its cards and charts)",
  },
  {
    folder: "run",
    holds: "the stress run in steps (stress.ts; the state they share, run_state.ts; the outcome " +
      "they end with, outcome.ts), the server it loads (started or attached), its clock, resource " +
      "watch and stop control, database set-up, segments' ready mark, the integrity check by " +
      "content (integrity.ts; the fingerprint, its model side, md5, the model and its worker " +
      "thread, narrowing, row diff, in-doubt inserts, --verify-every checkpoints, " +
      "--verify-after-crash), disk use, " +
      "output dir, space reserve, timing history, client CPU, stall watchdog, the load driver",
  },
  {
    folder: "users",
    holds: "worker pool, worker, message protocol, user loop, shared flags, the open model's " +
      "arrival dispatcher (main thread) and inbox (worker), ops/ (one file per operation kind)",
  },
  {
    folder: "config",
    holds: "the settings table (settings.ts joins the workload, run, command and server " +
      "settings), presets, resolution, threshold parsing, replay file, run layout, segments, " +
      "HOST:PORT, the attach and load checks",
  },
  {
    folder: "hyperd",
    holds: "locate and install hyperd, the process, crash report, log entries, log follower, " +
      "monitor, backpressure gate, hyperd's warnings",
  },
  {
    folder: "stats",
    holds: "latency histograms, what a worker records of one operation, a worker's interval " +
      "tally, the run's tally and its per-second timeline, what generated queries found " +
      "(oracle tallies)",
  },
  {
    folder: "wire",
    holds: "postgres.js connections (the one module that owns it), SQL text, COPY and its " +
      "outcome watch, gRPC reader and .proto",
  },
  {
    folder: "encode",
    holds: "the COPY encoder interface, HyperBinary (from a batch's arrays, or straight from its " +
      "seed), Arrow IPC, the pool of chunk buffers a COPY hands back",
  },
  {
    folder: "workload",
    holds: "rng, table shapes, row batches, data generation, the op table, planner, layout, " +
      "stages, the arrival schedule, the closed ramp's joining order, query_gen/ (generated " +
      "queries as syntax trees, their oracles and their shrinking)",
  },
];
