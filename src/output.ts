/**
 * Where a command's words go. main.ts makes one Output and every command passes it (or its
 * `say`) down; nothing below the commands writes to the console itself.
 */

/** One line for the person watching, without the `hyperstress: ` prefix. */
export type Say = (line: string) => void;

/** A command's output: lines for the person watching, and the command's result. */
export interface Output {
  /** A line on stderr, after `hyperstress: `. */
  say: Say;
  /** The command's result (a summary, a table, a plan) on stdout. */
  print: (text: string) => void;
}

/** The process's own output: stderr and stdout. */
export function consoleOutput(): Output {
  return {
    say: (line) => console.error(`hyperstress: ${line}`),
    print: (text) => console.log(text),
  };
}
