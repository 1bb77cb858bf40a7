/** The closest known word to a mistyped one, for "did you mean" hints. */

/** Levenshtein distance: the fewest single-character inserts, deletes and changes from a to b. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const change = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, change);
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidate `word` most likely meant, or undefined when none is close: within two edits (a
 * third of the word's length for long words), ignoring case and `_` for `-`, or the only
 * candidate that starts with `word`.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replaceAll("_", "-");
  const typed = norm(word);
  if (typed === "") return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(typed, norm(candidate));
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(typed.length / 3))) return best;
  const prefixed = candidates.filter((c) => norm(c).startsWith(typed));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
