import assert from "node:assert/strict";
import {
  MAX_MESSAGE_GROUPS,
  messageGroups,
  OTHER_MESSAGES,
} from "../../src/results/error_groups.ts";
import type { ErrorGroup } from "../../src/stats/run_stats.ts";

const group = (message: string | null, count: number, first: number, last = first): ErrorGroup => ({
  op: "Aggregate",
  message,
  count,
  firstAtSec: first,
  lastAtSec: last,
});

Deno.test("messageGroups() merges messages that differ only in numbers, kinds listed once", () => {
  const groups = messageGroups([
    group("row 17 is too long", 2, 5.123456, 9),
    { ...group("row 912 is too long", 3, 1.5, 20.98765), op: "BulkInsert" },
    group("row 4 is too long", 1, 7),
    group("division by zero", 4, 3),
  ]);
  assert.deepEqual(groups, [
    {
      message: "row <n> is too long",
      example: "row 17 is too long",
      kinds: ["Aggregate", "BulkInsert"],
      count: 6,
      firstAtSec: 1.5,
      lastAtSec: 20.988,
    },
    {
      message: "division by zero",
      example: "division by zero",
      kinds: ["Aggregate"],
      count: 4,
      firstAtSec: 3,
      lastAtSec: 3,
    },
  ]);
});

Deno.test("messageGroups() keeps a leading SQLSTATE as it is: an identity, not a number", () => {
  const [g] = messageGroups([group("53S02: Cannot allocate 25952256 bytes of memory", 1, 3)]);
  assert.equal(g.message, "53S02: Cannot allocate <n> bytes of memory");
});

Deno.test("messageGroups() stays bounded: the rarest messages and the run's overflow are one group", () => {
  const many = Array.from(
    { length: MAX_MESSAGE_GROUPS + 5 },
    (_, i) => group(`error ${"x".repeat(i)}`, 100 - i, i),
  );
  const groups = messageGroups([...many, group(null, 7, 50, 60)]);
  assert.equal(groups.length, MAX_MESSAGE_GROUPS);
  const other = groups.at(-1)!;
  assert.equal(other.message, OTHER_MESSAGES);
  assert.equal(other.example, "");
  // The six rarest (ranks 29..34) and the run's own 7 past its distinct messages.
  assert.equal(other.count, [29, 30, 31, 32, 33, 34].reduce((n, i) => n + 100 - i, 0) + 7);
  assert.equal(other.firstAtSec, 29);
  assert.equal(other.lastAtSec, 60);
  // Few messages and the run's overflow: every message, then the overflow as it came.
  const few = messageGroups([group("a", 1, 1), group(null, 2, 2)]);
  assert.deepEqual(few.map((g) => [g.message, g.count]), [["a", 1], [OTHER_MESSAGES, 2]]);
});
