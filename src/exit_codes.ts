/** Every exit code hyperstress can end with, and what it means: the one place they are defined. */

/** The exit codes by name. */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  thresholdFailed: 3,
  crashed: 4,
  dataIntegrity: 5,
  stalled: 6,
  findings: 7,
  interrupted: 130,
} as const;

/** One exit code. */
export type ExitCode = typeof EXIT[keyof typeof EXIT];

/** What each exit code means, in the order `--help`, the README and the report list them. */
export const EXIT_MEANINGS: readonly (readonly [ExitCode, string])[] = [
  [EXIT.ok, "the run completed and every threshold held"],
  [EXIT.internal, "unexpected internal error"],
  [EXIT.usage, "bad configuration, usage or a missing permission"],
  [EXIT.thresholdFailed, "a threshold failed"],
  [EXIT.crashed, "hyperd crashed"],
  [
    EXIT.dataIntegrity,
    "data integrity: acknowledged rows lost, extra, duplicated, corrupted or torn",
  ],
  [EXIT.stalled, "hyperd stalled: no operation completed for --stall-sec seconds"],
  [EXIT.findings, "the run passed but had findings, with --fail-on-findings"],
  [EXIT.interrupted, "interrupted (SIGINT or SIGTERM)"],
];

/** The meaning of `code`, or a plain description for a code hyperstress does not define. */
export function exitMeaning(code: number): string {
  return EXIT_MEANINGS.find(([c]) => c === code)?.[1] ?? `exit code ${code}`;
}
