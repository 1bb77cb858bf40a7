/**
 * Where JSON text stops being JSON, as a line and column. V8's JSON.parse gives a position for
 * some errors and not for others ("Unexpected token 't', ..."), so this finds it itself.
 */

/** A place in a text: 1-based line and column. */
export interface TextPosition {
  offset: number;
  line: number;
  column: number;
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

/**
 * The position of the first syntax error in `text` (RFC 8259 JSON), or null when it parses. An
 * error at `text.length` means the text ends before the JSON does.
 */
export function jsonErrorPosition(text: string): TextPosition | null {
  let i = 0;
  const fail = (): never => {
    throw new JsonSyntax(i);
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const expect = (char: string) => {
    space();
    if (text[i] !== char) fail();
    i++;
  };
  const string = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] < " ") fail();
      if (text[i] === "\\") {
        i++;
        HEX4.lastIndex = i + 1;
        if (text[i] === "u" && HEX4.test(text)) i += 4;
        else if (i >= text.length || !'"\\/bfnrt'.includes(text[i])) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  // Lists of values between `open` and `close`; `item` reads one.
  const list = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      space();
      if (text[i] === close) return void i++;
      if (text[i] !== ",") fail();
      i++;
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") {
      return list("}", () => {
        space();
        string();
        expect(":");
        value();
      });
    }
    if (c === "[") return list("]", value);
    if (c === '"') return string();
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) return void (i += word.length);
    }
    NUMBER.lastIndex = i;
    if (!NUMBER.test(text)) fail();
    i = NUMBER.lastIndex;
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return null;
  } catch (error) {
    if (error instanceof JsonSyntax) return positionOf(text, error.offset);
    throw error;
  }
}

/** The line and column of `offset` in `text`. */
export function positionOf(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { offset, line, column: offset - before.lastIndexOf("\n") };
}

class JsonSyntax {
  constructor(readonly offset: number) {}
}
