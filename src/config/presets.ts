/** The presets: named bundles of settings (transport, wire format, op kinds), one per test mode. */
import { OP_KINDS } from "../workload/op_table.ts";

/** What each preset sets; a setting given as a flag or env variable still wins. */
export const PRESETS = {
  "tcp-hyperbinary": { transport: "tcp", dataFormat: "hyperbinary" },
  "tcp-arrow": { transport: "tcp", dataFormat: "arrow" },
  "grpc": { transport: "grpc", dataFormat: "hyperbinary" },
  "replay": {},
  "all-ops": { opKinds: [...OP_KINDS] },
  // A cut COPY hits Hyper's abandoned-COPY hang, which can hold every table past the stop grace
  // and so leave the end checks unrun: the preset that hunts wrong answers cuts no connection.
  "wrong-answers": {
    opKinds: OP_KINDS.filter((kind) => kind !== "Disconnect"),
    ledgerUsers: 4,
    verifyEverySec: 30,
  },
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
  "wrong-answers": "every kind whose answer is checked (generated queries, the ledger, owned " +
    "tables) but cut connections; 4 ledger users; tables checked by content every 30 s",
} as const satisfies Record<PresetName, string>;
