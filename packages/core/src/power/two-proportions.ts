// Power and sample size for comparing two proportions with the normal approximation, as R's
// power.prop.test (stats package): n per group, p1, p2, alpha, power — any one of n, p2, power
// solved from the others. One-sided tests are directional here ("greater": p2 > p1, "less":
// p2 < p1), where R's "one.sided" uses |p1 - p2| whichever way the difference goes; for
// "greater" with p2 > p1 the two agree exactly.

import { InvalidArgumentError } from "../errors.js";
import { normalLower, normalUpper, normalUpperQuantile } from "./distributions/normal.js";
import { brentRoot, solveIncreasing } from "./root-find.js";
import {
  type PowerAlternative,
  isMissing,
  requireExactlyOneMissing,
  requireOneOf,
  requireOpenInterval,
  requireAtLeast,
  requirePower,
} from "./validate.js";

/** Smallest n per group accepted or returned (a two-sample design). */
export const TWO_PROPORTIONS_MIN_N = 2;
const MAX_N = 1e15;
const ALTERNATIVES: readonly PowerAlternative[] = ["two-sided", "greater", "less"];

/** Arguments of {@link powerTwoProportions}; exactly one of n, p2, power is left out. */
export interface TwoProportionsInput {
  p1: number;
  p2?: number | null;
  /** Units per group. */
  n?: number | null;
  alpha?: number;
  power?: number | null;
  alternative?: PowerAlternative;
  /** Two-sided only: also count rejections in the wrong tail (R's strict = TRUE). */
  strict?: boolean;
}

/** Every quantity of the calculation, the solved one included (n unrounded, as R reports it). */
export interface TwoProportionsResult {
  p1: number;
  p2: number;
  n: number;
  alpha: number;
  power: number;
  alternative: PowerAlternative;
}

/** Field names used in error messages, so callers with other vocabularies can rename them. */
export interface TwoProportionsFieldNames {
  p1: string;
  p2: string;
  n: string;
  alpha: string;
  power: string;
  alternative: string;
}

const R_NAMES: TwoProportionsFieldNames = { p1: "p1", p2: "p2", n: "n", alpha: "alpha", power: "power", alternative: "alternative" };

/** Power of the two-proportion z test at n per group (R: the p.body of power.prop.test). */
export function twoProportionsPowerAt(
  n: number,
  p1: number,
  p2: number,
  alpha: number,
  alternative: PowerAlternative,
  strict = false,
): number {
  const twoSided = alternative === "two-sided";
  const qu = normalUpperQuantile(twoSided ? alpha / 2 : alpha);
  const d = twoSided ? Math.abs(p1 - p2) : alternative === "greater" ? p2 - p1 : p1 - p2;
  const pbar = (p1 + p2) / 2;
  const s0 = Math.sqrt(2 * pbar * (1 - pbar)); // sd under H0 (pooled), per sqrt(n)
  const s1 = Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2)); // sd under H1
  const shift = Math.sqrt(n) * d;
  let power = normalLower((shift - qu * s0) / s1);
  if (strict && twoSided) power += normalUpper((shift + qu * s0) / s1);
  return power;
}

/** Solve for whichever of n, p2, power is missing, with error paths named by `names`. */
export function solveTwoProportions(
  input: TwoProportionsInput,
  names: TwoProportionsFieldNames = R_NAMES,
): TwoProportionsResult {
  const p1 = requireOpenInterval(input.p1, 0, 1, names.p1);
  const alpha = requireOpenInterval(input.alpha ?? 0.05, 0, 1, names.alpha);
  const alternative = requireOneOf(input.alternative ?? "two-sided", ALTERNATIVES, names.alternative);
  const strict = input.strict === true;
  const unknown = requireExactlyOneMissing({ [names.n]: input.n, [names.p2]: input.p2, [names.power]: input.power });
  const p2 = isMissing(input.p2) ? undefined : requireOpenInterval(input.p2, 0, 1, names.p2);
  const n = isMissing(input.n) ? undefined : requireAtLeast(input.n, TWO_PROPORTIONS_MIN_N, names.n);
  const power = isMissing(input.power) ? undefined : requirePower(input.power, alpha, names.power);
  const at = (nn: number, pp2: number) => twoProportionsPowerAt(nn, p1, pp2, alpha, alternative, strict);
  const result = (nn: number, pp2: number, pw: number): TwoProportionsResult => ({ p1, p2: pp2, n: nn, alpha, power: pw, alternative });

  if (unknown === names.power) return result(n!, p2!, at(n!, p2!));

  if (unknown === names.n) {
    const target = power!;
    const d = alternative === "two-sided" ? Math.abs(p1 - p2!) : alternative === "greater" ? p2! - p1 : p1 - p2!;
    if (!(d > 0)) {
      const why = d === 0 ? `${names.p2} equals ${names.p1}` : `${names.p2} lies on the other side of ${names.p1} from alternative "${alternative}"`;
      throw new InvalidArgumentError(`power ${target} is unreachable at any ${names.n}: ${why}`, names.p2);
    }
    // Without `strict` the power equation is solvable in closed form:
    // sqrt(n) d = z_{alpha/sides} s0 + z_power s1.
    const pbar = (p1 + p2!) / 2;
    const s0 = Math.sqrt(2 * pbar * (1 - pbar));
    const s1 = Math.sqrt(p1 * (1 - p1) + p2! * (1 - p2!));
    const qu = normalUpperQuantile(alternative === "two-sided" ? alpha / 2 : alpha);
    const zPower = normalUpperQuantile(1 - target);
    const closed = ((qu * s0 + zPower * s1) / d) ** 2;
    let nSolved = closed;
    if (strict && alternative === "two-sided") {
      const sol = solveIncreasing((nn) => at(nn, p2!) - target, closed, TWO_PROPORTIONS_MIN_N, MAX_N);
      if (sol.status === "unreachable") throw new InvalidArgumentError(`power ${target} needs more than ${MAX_N} per group`, names.power);
      nSolved = sol.status === "root" ? sol.x : TWO_PROPORTIONS_MIN_N;
    }
    // The smallest design already exceeds the target: report it with the power it has.
    if (nSolved <= TWO_PROPORTIONS_MIN_N) return result(TWO_PROPORTIONS_MIN_N, p2!, at(TWO_PROPORTIONS_MIN_N, p2!));
    return result(nSolved, p2!, target);
  }

  // Solve p2 on the side of p1 the alternative points to (above p1 for two-sided, as R's
  // uniroot(c(p1, 1))): power there rises from alpha/sides at p2 = p1.
  const target = power!;
  const end = alternative === "less" ? 0 : 1;
  const fEnd = at(n!, end) - target;
  if (fEnd < 0) {
    const side = alternative === "less" ? "below" : "above";
    throw new InvalidArgumentError(
      `power ${target} is unreachable with ${names.n} = ${n}: no ${names.p2} ${side} ${names.p1} = ${p1} reaches it (at most ${at(n!, end)} at ${names.p2} = ${end})`,
      names.power,
    );
  }
  const fStart = at(n!, p1) - target;
  const p2Solved = brentRoot((x) => at(n!, x) - target, p1, end, { fLo: fStart, fHi: fEnd, xAbsTol: 1e-16, xRelTol: Number.EPSILON });
  return result(n!, p2Solved, target);
}

/**
 * Power or sample size for two proportions (R: power.prop.test, n per group, unrounded): exactly
 * one of n, p2, power is left out and solved for; p2 is solved above p1 (below for "less").
 */
export function powerTwoProportions(input: TwoProportionsInput): TwoProportionsResult {
  return solveTwoProportions(input, R_NAMES);
}
