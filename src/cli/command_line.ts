/**
 * The arguments hyperstress was started with, as given: main.ts records them once, and the run's
 * summary shows them, so a report says how to run it again.
 */

let given: string[] | null = null;

/** Records `args` (Deno.args); main.ts calls this before anything runs. */
export function recordCommandLine(args: readonly string[]): void {
  given = [...args];
}

/** The recorded arguments, or null when hyperstress was not started from main.ts (a test). */
export function commandLine(): string[] | null {
  return given ? [...given] : null;
}
