/**
 * The closed model's ramp: stages set how many users are active, and the users join in an order
 * that keeps the class mix (not every inserter first, as users are numbered by class). Pure.
 */
import type { UserSpec } from "./layout.ts";
import type { LoadCurve } from "./stages.ts";

/**
 * Each user's place in the joining order, by user id: users are ordered by how far into their
 * own class they are ((k + 0.5) / class size), so any prefix holds the classes in proportion.
 */
export function rampRanks(
  users: readonly Pick<UserSpec, "id" | "class">[],
): Record<number, number> {
  const sizes = new Map<string, number>();
  for (const user of users) sizes.set(user.class, (sizes.get(user.class) ?? 0) + 1);
  const seen = new Map<string, number>();
  const keyed = users.map((user, order) => {
    const k = seen.get(user.class) ?? 0;
    seen.set(user.class, k + 1);
    return { id: user.id, key: (k + 0.5) / sizes.get(user.class)!, order };
  });
  keyed.sort((a, b) => a.key - b.key || a.order - b.order);
  return Object.fromEntries(keyed.map((user, rank) => [user.id, rank]));
}

/** How many of `total` users are active `sec` into the run: the curve, rounded, within 0..total. */
export function activeUsers(curve: LoadCurve, sec: number, total: number): number {
  return Math.max(0, Math.min(total, Math.round(curve.valueAt(sec))));
}
