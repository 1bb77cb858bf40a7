/**
 * The checks between the settings of the load's shape: the open model's rate, queue and arrival
 * process, stages, warm-up, and what does not go with them. Pure.
 */
import { parseStages } from "../workload/stages.ts";
import type { Config, SettingKey } from "./settings.ts";

/** The settings the checks read. */
export type LoadSettings = Pick<
  Config,
  | "arrivalRate"
  | "arrivals"
  | "maxQueue"
  | "stages"
  | "warmupSec"
  | "duration"
  | "replayTiming"
  | "inserterUsers"
  | "queryUsers"
  | "mixedUsers"
  | "ledgerUsers"
>;

/**
 * What is wrong between the load settings, one line each, naming each by `origin` (the flag,
 * variable or file that gave it); `explicit` tells a value the user gave from a default.
 */
export function loadProblems(
  config: Partial<LoadSettings>,
  origin: (key: SettingKey) => string,
  explicit: (key: SettingKey) => boolean,
): string[] {
  const problems: string[] = [];
  const open = config.arrivalRate !== undefined;
  if (config.arrivalRate === 0 && !config.stages) {
    problems.push(
      `${origin("arrivalRate")}: expected a rate above 0, or 0 with --stages to ramp up ` +
        "from, got 0",
    );
  }
  const stages = config.stages ? parseStages(config.stages) : [];
  const users = (config.inserterUsers ?? 0) + (config.queryUsers ?? 0) + (config.mixedUsers ?? 0) +
    (config.ledgerUsers ?? 0);
  if (!open && typeof stages !== "string" && stages.length > 0) {
    const top = Math.max(...stages.map((s) => s.target));
    if (top > users) {
      problems.push(
        `${origin("stages")}: expected targets of at most ${users} users (without ` +
          `--arrival-rate, stages ramp the active users), got ${top}; set --arrival-rate to ` +
          "ramp a rate of operations instead",
      );
    }
  }
  for (const key of ["maxQueue", "arrivals"] as const) {
    if (!open && config[key] !== undefined && explicit(key)) {
      problems.push(
        `${origin(key)}: expected --arrival-rate (STRESS_ARRIVAL_RATE) with it, got none: ` +
          "only the open model has arrivals and a queue",
      );
    }
  }
  const { warmupSec, duration } = config;
  if (warmupSec !== undefined && duration !== undefined && warmupSec >= duration) {
    problems.push(
      `${origin("warmupSec")}: expected fewer seconds than ${origin("duration")} (${duration}), ` +
        `got ${warmupSec}: nothing would be left to measure`,
    );
  }
  if (open && config.replayTiming === "recorded") {
    problems.push(
      `${origin("replayTiming")}: expected natural timing in the open model, got recorded: ` +
        "its arrivals already replay from the seed",
    );
  }
  return problems;
}
