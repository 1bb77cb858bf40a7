/** The presets: named bundles of settings for the seed tool's test modes. */

/** What each preset sets; a setting given as a flag or env variable still wins. */
export const PRESETS = {
  "tcp-hyperbinary": { transport: "tcp", dataFormat: "hyperbinary" },
  "tcp-arrow": { transport: "tcp", dataFormat: "arrow" },
  "grpc": { transport: "grpc", dataFormat: "hyperbinary" },
  "replay": {},
} as const satisfies Record<string, Record<string, unknown>>;

/** A preset's name. */
export type PresetName = keyof typeof PRESETS;

/** The preset names, in the order `--help` lists them. */
export const PRESET_NAMES = Object.keys(PRESETS) as [PresetName, ...PresetName[]];
