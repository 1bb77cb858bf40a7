/** `--version`: hyperstress's, Deno's and, where one is found without installing, hyperd's. */
import { HyperstressError } from "../errors.ts";
import { locateHyperd } from "../hyperd/locate.ts";
import { VERSION } from "../version.ts";

/** Where to look for hyperd: the settings `--hyperd` and `--cache-dir` as given. */
export interface VersionOptions {
  hyperdPath?: string;
  cacheDir: string;
}

/**
 * Three lines: `hyperstress <version>`, Deno's and V8's versions, and the hyperd a run would use
 * with where it was found, or why there is none. Never installs hyperd and never starts a run.
 */
export async function versionText(options: VersionOptions): Promise<string> {
  return [
    `hyperstress ${VERSION}`,
    `deno ${Deno.version.deno} (v8 ${Deno.version.v8}, typescript ${Deno.version.typescript})`,
    await hyperdLine(options),
  ].join("\n");
}

async function hyperdLine(options: VersionOptions): Promise<string> {
  try {
    const found = await locateHyperd({
      explicitPath: options.hyperdPath,
      cacheDir: options.cacheDir,
      install: false,
      // Never installs: there is nothing to say.
      say: () => {},
    });
    return `hyperd ${found.version} (${found.path}, ${found.source})`;
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      return `hyperd not checked: ${error.message}`;
    }
    if (error instanceof HyperstressError) {
      return options.hyperdPath
        ? `hyperd not found at ${options.hyperdPath} (--hyperd or HYPERD_PATH)`
        : "hyperd not installed yet: the first run installs it (or `deno task hyperd` now)";
    }
    throw error;
  }
}
