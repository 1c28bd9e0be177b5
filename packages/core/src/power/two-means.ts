// Power and sample size for t tests of means, as R's power.t.test (stats package): two-sample
// (n per group, equal variances), one-sample and paired (n pairs, sd of the differences), from
// the noncentral t distribution. Any one of n, delta, power is solved from the others. One-sided
// tests are directional: "greater" is R's "one.sided" with delta as given, "less" the same with
// -delta (so a negative delta is the effect sought, and a solved delta comes out negative).

import { InvalidArgumentError } from "../errors.js";
import { normalUpperQuantile } from "./distributions/normal.js";
import { noncentralTLower, noncentralTUpper } from "./distributions/noncentral-t.js";
import { studentUpperQuantile } from "./distributions/student-t.js";
import { solveIncreasing } from "./root-find.js";
import {
  type PowerAlternative,
  isMissing,
  requireAbove,
  requireAtLeast,
  requireExactlyOneMissing,
  requireNumber,
  requireOneOf,
  requireOpenInterval,
  requirePower,
} from "./validate.js";

/** Design of the t test, as R's power.t.test `type`. */
export type PowerTTestType = "two.sample" | "one.sample" | "paired";

const TYPES: readonly PowerTTestType[] = ["two.sample", "one.sample", "paired"];
const ALTERNATIVES: readonly PowerAlternative[] = ["two-sided", "greater", "less"];
const MAX_N = 1e15;

/** Arguments of {@link powerTwoMeans}; exactly one of n, delta, power is left out. */
export interface TwoMeansInput {
  /** True difference in means (or mean of the differences for paired / one-sample). */
  delta?: number | null;
  /** Standard deviation (of the differences for paired); default 1. */
  sd?: number;
  /** Units per group (two.sample), or pairs / units (paired, one.sample). */
  n?: number | null;
  alpha?: number;
  power?: number | null;
  type?: PowerTTestType;
  alternative?: PowerAlternative;
  /** Two-sided only: also count rejections in the wrong tail (R's strict = TRUE). */
  strict?: boolean;
}

/** Every quantity of the calculation, the solved one included (n unrounded, as R reports it). */
export interface TwoMeansResult {
  delta: number;
  sd: number;
  n: number;
  alpha: number;
  power: number;
  type: PowerTTestType;
  alternative: PowerAlternative;
}

/** Field names used in error messages. */
export interface TwoMeansFieldNames {
  delta: string;
  sd: string;
  n: string;
  alpha: string;
  power: string;
  type: string;
  alternative: string;
}

const R_NAMES: TwoMeansFieldNames = { delta: "delta", sd: "sd", n: "n", alpha: "alpha", power: "power", type: "type", alternative: "alternative" };

/** Smallest n accepted: 2 per group for two samples; just above 1 otherwise (df = n - 1 > 0). */
export function twoMeansMinN(type: PowerTTestType): number {
  return type === "two.sample" ? 2 : 1;
}

// delta signed so that a positive value is the effect the alternative looks for.
function effective(delta: number, alternative: PowerAlternative): number {
  return alternative === "two-sided" ? Math.abs(delta) : alternative === "greater" ? delta : -delta;
}

/** Power of the t test at n (R: the p.body of power.t.test, with nu = (n - 1) * tsample). */
export function twoMeansPowerAt(
  n: number,
  delta: number,
  sd: number,
  alpha: number,
  type: PowerTTestType,
  alternative: PowerAlternative,
  strict = false,
): number {
  if (!(n > 1)) return 0; // df -> 0: the critical value goes to infinity (R: pmax(1e-7, n - 1))
  const tsample = type === "two.sample" ? 2 : 1;
  const df = (n - 1) * tsample;
  const twoSided = alternative === "two-sided";
  const qu = studentUpperQuantile(twoSided ? alpha / 2 : alpha, df);
  const ncp = (Math.sqrt(n / tsample) * effective(delta, alternative)) / sd;
  let power = noncentralTUpper(qu, df, ncp);
  if (strict && twoSided) power += noncentralTLower(-qu, df, ncp);
  return power;
}

/** Solve for whichever of n, delta, power is missing, with error paths named by `names`. */
export function solveTwoMeans(input: TwoMeansInput, names: TwoMeansFieldNames = R_NAMES): TwoMeansResult {
  const sd = requireAbove(input.sd ?? 1, 0, names.sd);
  const alpha = requireOpenInterval(input.alpha ?? 0.05, 0, 1, names.alpha);
  const type = requireOneOf(input.type ?? "two.sample", TYPES, names.type);
  const alternative = requireOneOf(input.alternative ?? "two-sided", ALTERNATIVES, names.alternative);
  const strict = input.strict === true;
  const unknown = requireExactlyOneMissing({ [names.n]: input.n, [names.delta]: input.delta, [names.power]: input.power });
  const minN = twoMeansMinN(type);
  const delta = isMissing(input.delta) ? undefined : requireNumber(input.delta, names.delta);
  const n = isMissing(input.n)
    ? undefined
    : type === "two.sample"
      ? requireAtLeast(input.n, minN, names.n)
      : requireAbove(input.n, minN, names.n);
  const power = isMissing(input.power) ? undefined : requirePower(input.power, alpha, names.power);
  const at = (nn: number, dd: number) => twoMeansPowerAt(nn, dd, sd, alpha, type, alternative, strict);
  const result = (nn: number, dd: number, pw: number): TwoMeansResult => ({
    delta: alternative === "two-sided" ? Math.abs(dd) : dd,
    sd,
    n: nn,
    alpha,
    power: pw,
    type,
    alternative,
  });
  const tsample = type === "two.sample" ? 2 : 1;
  const zSum = (target: number) =>
    normalUpperQuantile(alternative === "two-sided" ? alpha / 2 : alpha) + normalUpperQuantile(1 - target);

  if (unknown === names.power) return result(n!, delta!, at(n!, delta!));

  if (unknown === names.n) {
    const target = power!;
    const eff = effective(delta!, alternative);
    if (!(eff > 0)) {
      const why = delta === 0 ? `${names.delta} is 0` : `${names.delta} = ${delta} points away from alternative "${alternative}"`;
      throw new InvalidArgumentError(`power ${target} is unreachable at any ${names.n}: ${why}`, names.delta);
    }
    const guess = tsample * ((zSum(target) * sd) / eff) ** 2 + 1; // normal approximation
    const sol = solveIncreasing((nn) => at(nn, delta!) - target, guess, minN, MAX_N);
    if (sol.status === "unreachable") {
      throw new InvalidArgumentError(`power ${target} needs more than ${MAX_N} in ${names.n}; ${names.delta} is too small`, names.delta);
    }
    // At the smallest design the target is already exceeded: report it with the power it has.
    if (sol.status === "at-min") return result(minN, delta!, at(minN, delta!));
    return result(sol.x, delta!, target);
  }

  // Solve delta > 0 (in the alternative's direction); power rises from alpha/sides at 0 to 1.
  const target = power!;
  const sign = alternative === "less" ? -1 : 1;
  const guess = zSum(target) * sd * Math.sqrt(tsample / n!);
  const sol = solveIncreasing((d) => at(n!, sign * d) - target, guess, 0, 1e10 * sd);
  if (sol.status !== "root") {
    throw new InvalidArgumentError(`power ${target} is unreachable with ${names.n} = ${n}`, names.power);
  }
  return result(n!, sign * sol.x, target);
}

/**
 * Power or sample size of a t test (R: power.t.test, n per group for two samples, unrounded):
 * exactly one of n, delta, power is left out and solved for; sd defaults to 1.
 */
export function powerTwoMeans(input: TwoMeansInput): TwoMeansResult {
  return solveTwoMeans(input, R_NAMES);
}
