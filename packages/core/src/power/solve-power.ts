// The calculator behind POST /v1/power: one request shape per test, whichever of n_per_group,
// power and the effect size is left out is solved for (API.md). With none left out the request
// is invalid; with more than one, power defaults to 0.8 only when n_per_group is absent.

import { InvalidArgumentError } from "../errors.js";
import { solveAnova } from "./anova.js";
import { solveTwoMeans, type PowerTTestType } from "./two-means.js";
import { solveTwoProportions } from "./two-proportions.js";
import { type PowerAlternative, isMissing } from "./validate.js";

/** Power used when neither power nor n_per_group is given. */
export const DEFAULT_POWER_TARGET = 0.8;

/** A power request: the effect is p2, delta or f; one of n_per_group, power, effect may be absent. */
export type PowerRequest =
  | {
      test: "two_proportions";
      p1: number;
      p2?: number | null;
      n_per_group?: number | null;
      power?: number | null;
      alpha?: number;
      alternative?: PowerAlternative;
    }
  | {
      test: "two_means";
      delta?: number | null;
      sd?: number;
      n_per_group?: number | null;
      power?: number | null;
      alpha?: number;
      alternative?: PowerAlternative;
      type?: PowerTTestType;
    }
  | {
      test: "anova";
      groups: number;
      f?: number | null;
      n_per_group?: number | null;
      power?: number | null;
      alpha?: number;
    };

/** Which quantity a power request solved for. */
export type PowerSolvedFor = "n_per_group" | "power" | "effect";

interface PowerResultBase {
  /** Unrounded (R's convention); round up for a design. */
  n_per_group: number;
  /** n_per_group times the number of groups (n itself for one-sample and paired t tests). */
  total_n: number;
  power: number;
  alpha: number;
  solved_for: PowerSolvedFor;
}

/**
 * Result of {@link solvePower}. When n_per_group is solved but the smallest valid design (2 per
 * group; just above 1 for one-sample / paired) already exceeds the target, that design is
 * returned with the power it actually has.
 */
export type PowerResult =
  | (PowerResultBase & { test: "two_proportions"; alternative: PowerAlternative; effect: { p1: number; p2: number } })
  | (PowerResultBase & { test: "two_means"; alternative: PowerAlternative; type: PowerTTestType; effect: { delta: number; sd: number } })
  | (PowerResultBase & { test: "anova"; groups: number; effect: { f: number } });

// Apply the API's missing-field rule; returns the power to use (possibly the default).
function resolveUnknowns(
  fields: { n_per_group: unknown; power: unknown; effect: unknown },
  effectName: string,
): { power: number | undefined; solvedFor: PowerSolvedFor } {
  const missing: PowerSolvedFor[] = [];
  if (isMissing(fields.n_per_group)) missing.push("n_per_group");
  if (isMissing(fields.power)) missing.push("power");
  if (isMissing(fields.effect)) missing.push("effect");
  const label = (m: PowerSolvedFor) => (m === "effect" ? effectName : m);
  if (missing.length === 0) {
    throw new InvalidArgumentError(
      `n_per_group, power and ${effectName} are all given: leave out the one to solve for`,
    );
  }
  let power = isMissing(fields.power) ? undefined : (fields.power as number);
  let stillMissing = missing;
  if (missing.length > 1 && missing.includes("n_per_group") && missing.includes("power")) {
    power = DEFAULT_POWER_TARGET;
    stillMissing = missing.filter((m) => m !== "power");
  }
  if (stillMissing.length > 1) {
    const names = stillMissing.map(label);
    throw new InvalidArgumentError(
      `${names.join(" and ")} are both missing: give all but one of n_per_group, power and ${effectName}`,
      names[0],
    );
  }
  return { power, solvedFor: stillMissing[0]! };
}

/**
 * Solve a power request (R: power.prop.test, power.t.test or pwr::pwr.anova.test, by `test`):
 * the missing one of n_per_group, power and the effect (p2, delta, f) is computed.
 */
export function solvePower(request: PowerRequest): PowerResult {
  if (request === null || typeof request !== "object") throw new InvalidArgumentError("request must be an object");
  switch (request.test) {
    case "two_proportions": {
      const { power, solvedFor } = resolveUnknowns({ n_per_group: request.n_per_group, power: request.power, effect: request.p2 }, "p2");
      const r = solveTwoProportions(
        { p1: request.p1, p2: request.p2, n: request.n_per_group, power, alpha: request.alpha, alternative: request.alternative },
        { p1: "p1", p2: "p2", n: "n_per_group", alpha: "alpha", power: "power", alternative: "alternative" },
      );
      return {
        test: "two_proportions",
        n_per_group: r.n,
        total_n: 2 * r.n,
        power: r.power,
        alpha: r.alpha,
        alternative: r.alternative,
        solved_for: solvedFor,
        effect: { p1: r.p1, p2: r.p2 },
      };
    }
    case "two_means": {
      const { power, solvedFor } = resolveUnknowns({ n_per_group: request.n_per_group, power: request.power, effect: request.delta }, "delta");
      const r = solveTwoMeans(
        {
          delta: request.delta,
          sd: request.sd,
          n: request.n_per_group,
          power,
          alpha: request.alpha,
          alternative: request.alternative,
          type: request.type,
        },
        { delta: "delta", sd: "sd", n: "n_per_group", alpha: "alpha", power: "power", type: "type", alternative: "alternative" },
      );
      return {
        test: "two_means",
        n_per_group: r.n,
        total_n: r.type === "two.sample" ? 2 * r.n : r.n,
        power: r.power,
        alpha: r.alpha,
        alternative: r.alternative,
        type: r.type,
        solved_for: solvedFor,
        effect: { delta: r.delta, sd: r.sd },
      };
    }
    case "anova": {
      const { power, solvedFor } = resolveUnknowns({ n_per_group: request.n_per_group, power: request.power, effect: request.f }, "f");
      const r = solveAnova(
        { groups: request.groups, f: request.f, n: request.n_per_group, power, alpha: request.alpha },
        { groups: "groups", f: "f", n: "n_per_group", alpha: "alpha", power: "power" },
      );
      return {
        test: "anova",
        n_per_group: r.n,
        total_n: r.groups * r.n,
        power: r.power,
        alpha: r.alpha,
        groups: r.groups,
        solved_for: solvedFor,
        effect: { f: r.f },
      };
    }
    default: {
      const test = (request as { test?: unknown }).test;
      throw new InvalidArgumentError(`test must be one of "two_proportions", "two_means", "anova", got ${JSON.stringify(test)}`, "test");
    }
  }
}
