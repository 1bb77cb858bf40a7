/** The presets: named bundles of settings (transport, wire format, op kinds), one per test mode. */
import { OP_KINDS } from "../workload/op_table.ts";

/** What each preset sets; a setting given as a flag or env variable still wins. */
export const PRESETS = {
  "tcp-hyperbinary": { transport: "tcp", dataFormat: "hyperbinary" },
  "tcp-arrow": { transport: "tcp", dataFormat: "arrow" },
  "grpc": { transport: "grpc", dataFormat: "hyperbinary" },
  "replay": {},
  "all-ops": { opKinds: [...OP_KINDS] },
} as const satisfies Record<string, Record<string, unknown>>;

/** A preset's name. */
export type PresetName = keyof typeof PRESETS;

/** The preset names, in the order `--help` lists them. */
export const PRESET_NAMES = Object.keys(PRESETS) as [PresetName, ...PresetName[]];

/** What each preset tests, in a user's words, for `--help`. */
export const PRESET_DESCRIPTIONS = {
  "tcp-hyperbinary": "everything over libpq (TCP), bulk inserts in HyperBinary (the defaults)",
  "tcp-arrow": "everything over libpq (TCP), bulk inserts as Arrow IPC streams",
  "grpc": "reads over gRPC, writes over libpq with HyperBinary bulk inserts",
  "replay": "the users and seeds of an earlier run (needs --replay-file)",
  "all-ops": "every operation kind, GeneratedQuery (generated queries checked by oracles) included",
} as const satisfies Record<PresetName, string>;
