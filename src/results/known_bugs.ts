/**
 * Hyper bugs hyperstress already knows (docs/hyper-bugs.md), by finding signature: every finding
 * is matched against this list, so a sweep tells a known bug from a new one. One entry per bug;
 * `alsoMarks` are signatures that count as the same bug only in a run where it showed itself
 * (the starvation an abandoned COPY causes looks like any other starvation on its own).
 */

/** One known Hyper bug. */
export interface KnownBug {
  id: string;
  /** What the bug is, in one line. */
  title: string;
  /** Where it is described. */
  doc: string;
  /** A finding whose signature matches is this bug. */
  signature: RegExp;
  /** Signatures that count as this bug too, in a run with a finding of `signature`. */
  alsoMarks: RegExp[];
}

/** Every known bug. */
export const KNOWN_BUGS: readonly KnownBug[] = [
  {
    id: "abandoned-copy",
    title: "a COPY whose client goes away before CopyDone often never ends, blocking its table",
    doc: "docs/hyper-bugs.md#a-copy-whose-client-goes-away-before-copydone-often-never-ends",
    signature: /^abandoned-copy-hang\b/,
    alsoMarks: [
      /^starvation \| (shared-mutex-starvation-detected|scheduler-starvation)$/,
      /^stall \| Disconnect\b/,
      /^slow-operation \| Disconnect\b/,
    ],
  },
];

/**
 * Each finding with `knownBug` set to the id of the known bug it is (or null): by its own
 * signature, or by a bug's `alsoMarks` when the run has a finding of that bug.
 */
export function markKnownBugs<F extends { signature: string }>(
  findings: readonly F[],
): (F & { knownBug: string | null })[] {
  const present = KNOWN_BUGS.filter((bug) => findings.some((f) => bug.signature.test(f.signature)));
  return findings.map((f) => {
    const own = KNOWN_BUGS.find((bug) => bug.signature.test(f.signature));
    const also = present.find((bug) => bug.alsoMarks.some((re) => re.test(f.signature)));
    return { ...f, knownBug: (own ?? also)?.id ?? null };
  });
}
