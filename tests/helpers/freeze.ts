/** Freezing hyperd (SIGSTOP) for a test, and always thawing it, so nothing is left frozen. */

/** Resumes a process a test froze, if it still exists. */
export function resume(pid: number): void {
  try {
    Deno.kill(pid, "SIGCONT");
  } catch { /* already gone */ }
}

/**
 * Freezes `pid` for `ms` of real time (the fault under test is hyperd not answering for that
 * long), then resumes it, also when waiting fails.
 */
export async function freezeFor(pid: number, ms: number): Promise<void> {
  Deno.kill(pid, "SIGSTOP");
  try {
    await new Promise((resolve) => setTimeout(resolve, ms));
  } finally {
    resume(pid);
  }
}
