/**
 * hyperstress's version. deno.json's `version` field owns it: that is where Deno's tooling (deno
 * publish, a release workflow reading a tag) looks, and this module is its one reader.
 */
import denoConfig from "../deno.json" with { type: "json" };

/** hyperstress's version, e.g. `0.1.0`. */
export const VERSION: string = denoConfig.version;
