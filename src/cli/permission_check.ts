/**
 * Paths the process may not touch, found before anything starts. A `deno run` line with narrow
 * permissions (or a task someone narrowed) would otherwise fail deep in a run with Deno's
 * "run again with the --allow-write flag", which names no hyperstress flag and cannot be followed
 * through `deno task`. Here the message names the flag, the path and what to run instead.
 */
import { dirname, resolve } from "node:path";
import { parseMetricsOut } from "../config/metrics_out.ts";
import { type Config, type SettingKey, SETTINGS } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";

/** One path a setting names, and what the run does with it. */
export interface NamedPath {
  path: string;
  origin: string;
  access: "read" | "write";
}

/** Whether the process may `access` `path`; Deno's own answer by default. */
export type PermissionQuery = (access: "read" | "write", path: string) => boolean;

const denoQuery: PermissionQuery = (access, path) =>
  Deno.permissions.querySync({ name: access, path }).state === "granted";

/** The paths `config` names, with the flag or env variable that named each. */
export function namedPaths(
  config: Partial<Config>,
  env: Record<string, string | undefined>,
): NamedPath[] {
  const origin = (key: SettingKey, value: string) =>
    env[SETTINGS[key].env] === value ? SETTINGS[key].env : `--${SETTINGS[key].flag}`;
  const paths: NamedPath[] = [];
  const add = (key: SettingKey, access: NamedPath["access"]) => {
    const value = config[key];
    if (typeof value === "string" && value) {
      paths.push({ path: value, origin: origin(key, value), access });
    }
  };
  add("outputDir", "write");
  add("junit", "write");
  add("compareHtml", "write");
  add("replayFile", "read");
  add("hyperdLog", "read");
  add("hyperdPath", "read");
  for (const spec of config.out ?? []) {
    const parsed = parseMetricsOut(spec);
    if (typeof parsed !== "string") {
      const fromEnv = (env[SETTINGS.out.env] ?? "").split(",").map((s) => s.trim());
      const origin = fromEnv.includes(spec) ? SETTINGS.out.env : `--${SETTINGS.out.flag}`;
      paths.push({ path: parsed.path, origin, access: "write" });
    }
  }
  return paths;
}

/** One line per path the process may not use, saying what to run instead. */
export function permissionProblems(
  paths: readonly NamedPath[],
  allowed: PermissionQuery = denoQuery,
): string[] {
  return paths.filter((p) => !allowed(p.access, resolve(p.path))).map((p) => {
    // A file is allowed through its folder; a folder (the output dir) through itself.
    const scope = p.origin.endsWith("output-dir") || p.origin.endsWith("OUTPUT_DIR")
      ? resolve(p.path)
      : dirname(resolve(p.path));
    return `${p.origin}: this hyperstress may not ${p.access} ${JSON.stringify(p.path)}: its ` +
      `Deno permissions do not cover it; add --allow-${p.access}=${scope} to the deno run ` +
      "line (before main.ts), use `deno task` (it allows any path), or run the compiled binary";
  });
}

/** Throws one usage error naming every path the process may not use; nothing has started yet. */
export function checkPermissions(
  config: Partial<Config>,
  env: Record<string, string | undefined>,
  allowed: PermissionQuery = denoQuery,
): void {
  const problems = permissionProblems(namedPaths(config, env), allowed);
  if (problems.length === 1) throw new ConfigError(problems[0]);
  if (problems.length > 1) {
    throw new ConfigError(`paths outside the permissions:\n  ${problems.join("\n  ")}`);
  }
}
