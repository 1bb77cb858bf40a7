/**
 * A shrink candidate: a run's config and layout cut down (fewer users, shorter prefixes, smaller
 * batches, fewer databases), always a replay the validator accepts: users and databases keep
 * their own ids and seeds, and the config's counts follow the lists. Pure.
 */
import type { RunLayout } from "../config/run_layout.ts";
import type { Config } from "../config/settings.ts";
import type { UserSpec } from "../workload/layout.ts";

/** What one attempt runs. */
export interface Candidate {
  config: Config;
  layout: RunLayout;
}

/** The candidate with only `users`, their counts per class in the config, unused databases gone. */
export function withUsers(candidate: Candidate, users: readonly UserSpec[]): Candidate {
  const used = new Set(users.map((u) => u.database));
  const databases = candidate.layout.databases.filter((d) => used.has(d.index));
  const count = (c: UserSpec["class"]) => users.filter((u) => u.class === c).length;
  return {
    config: {
      ...candidate.config,
      inserterUsers: count("inserter"),
      queryUsers: count("query"),
      mixedUsers: count("mixed"),
      ledgerUsers: count("ledger"),
      databases: databases.length,
    },
    layout: { ...candidate.layout, users: [...users], databases },
  };
}

/** The candidate with user `id` stopping after `maxOps` operations. */
export function withMaxOps(candidate: Candidate, id: number, maxOps: number): Candidate {
  const users = candidate.layout.users.map((u) => u.id === id ? { ...u, maxOps } : u);
  return { ...candidate, layout: { ...candidate.layout, users } };
}

/** The candidate with bulk inserts of at most `batchMax` rows. */
export function withBatchMax(candidate: Candidate, batchMax: number): Candidate {
  const batchMin = Math.min(candidate.config.batchMin, batchMax);
  return { ...candidate, config: { ...candidate.config, batchMin, batchMax } };
}

/** Operations the candidate runs at most; null when some user has no limit. */
export function totalOps(candidate: Candidate): number | null {
  let total = 0;
  for (const user of candidate.layout.users) {
    if (user.maxOps === undefined) return null;
    total += user.maxOps;
  }
  return total;
}

/** A short description of a candidate for progress lines and shrink.json. */
export function describe(candidate: Candidate): string {
  const users = candidate.layout.users.map((u) =>
    u.maxOps === undefined ? `${u.id}` : `${u.id}:${u.maxOps}`
  );
  return `users [${users.join(", ")}], ${candidate.layout.databases.length} databases, ` +
    `batches ${candidate.config.batchMin}..${candidate.config.batchMax}`;
}
