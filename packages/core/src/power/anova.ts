// Power and sample size for a balanced one-way ANOVA with Cohen's effect size f, as
// pwr::pwr.anova.test: power = P(F' > F_crit) with F' noncentral F(k - 1, (n - 1) k, λ = k n f²)
// and F_crit the upper-alpha point of the central F(k - 1, (n - 1) k). Any one of n (per group),
// f, power is solved from the others.

import { InvalidArgumentError } from "../errors.js";
import { fisherUpperQuantile } from "./distributions/fisher-f.js";
import { noncentralFUpper } from "./distributions/noncentral-f.js";
import { normalUpperQuantile } from "./distributions/normal.js";
import { solveIncreasing } from "./root-find.js";
import {
  isMissing,
  requireAbove,
  requireAtLeast,
  requireExactlyOneMissing,
  requireOpenInterval,
  requirePower,
} from "./validate.js";

/** Smallest n per group accepted or returned (pwr.anova.test's own limit). */
export const ANOVA_MIN_N = 2;
const MAX_N = 1e15;

/** Arguments of {@link powerAnova}; exactly one of n, f, power is left out. */
export interface AnovaInput {
  /** Number of groups k (an integer >= 2). */
  groups: number;
  /** Cohen's f: sd of the group means over the common within-group sd. */
  f?: number | null;
  /** Units per group. */
  n?: number | null;
  alpha?: number;
  power?: number | null;
}

/** Every quantity of the calculation, the solved one included (n unrounded). */
export interface AnovaResult {
  groups: number;
  f: number;
  n: number;
  alpha: number;
  power: number;
}

/** Field names used in error messages. */
export interface AnovaFieldNames {
  groups: string;
  f: string;
  n: string;
  alpha: string;
  power: string;
}

const R_NAMES: AnovaFieldNames = { groups: "groups", f: "f", n: "n", alpha: "alpha", power: "power" };

/** Power of the one-way ANOVA F test at n per group (R: the p.body of pwr.anova.test). */
export function anovaPowerAt(n: number, groups: number, f: number, alpha: number): number {
  const df1 = groups - 1;
  const df2 = (n - 1) * groups;
  return noncentralFUpper(fisherUpperQuantile(alpha, df1, df2), df1, df2, groups * n * f * f);
}

/** Solve for whichever of n, f, power is missing, with error paths named by `names`. */
export function solveAnova(input: AnovaInput, names: AnovaFieldNames = R_NAMES): AnovaResult {
  const groups = requireAtLeast(input.groups, 2, names.groups);
  if (!Number.isInteger(groups)) throw new InvalidArgumentError(`${names.groups} must be an integer, got ${groups}`, names.groups);
  const alpha = requireOpenInterval(input.alpha ?? 0.05, 0, 1, names.alpha);
  const unknown = requireExactlyOneMissing({ [names.n]: input.n, [names.f]: input.f, [names.power]: input.power });
  const f = isMissing(input.f) ? undefined : requireAbove(input.f, 0, names.f);
  const n = isMissing(input.n) ? undefined : requireAtLeast(input.n, ANOVA_MIN_N, names.n);
  const power = isMissing(input.power) ? undefined : requirePower(input.power, alpha, names.power);
  const at = (nn: number, ff: number) => anovaPowerAt(nn, groups, ff, alpha);
  const result = (nn: number, ff: number, pw: number): AnovaResult => ({ groups, f: ff, n: nn, alpha, power: pw });
  // Rough start: λ = k n f² ≈ (z_alpha + z_power)² + (k - 2) for the chi-square limit.
  const lambdaGuess = (target: number) => (normalUpperQuantile(alpha) + normalUpperQuantile(1 - target)) ** 2 + groups - 2;

  if (unknown === names.power) return result(n!, f!, at(n!, f!));

  if (unknown === names.n) {
    const target = power!;
    const sol = solveIncreasing((nn) => at(nn, f!) - target, lambdaGuess(target) / (groups * f! * f!), ANOVA_MIN_N, MAX_N);
    if (sol.status === "unreachable") {
      throw new InvalidArgumentError(`power ${target} needs more than ${MAX_N} per group; ${names.f} is too small`, names.f);
    }
    if (sol.status === "at-min") return result(ANOVA_MIN_N, f!, at(ANOVA_MIN_N, f!));
    return result(sol.x, f!, target);
  }

  const target = power!;
  const sol = solveIncreasing((ff) => at(n!, ff) - target, Math.sqrt(lambdaGuess(target) / (groups * n!)), 0, 1e10);
  if (sol.status !== "root") throw new InvalidArgumentError(`power ${target} is unreachable with ${names.n} = ${n}`, names.power);
  return result(n!, sol.x, target);
}

/**
 * Power or sample size of a balanced one-way ANOVA (pwr::pwr.anova.test with k = groups, n per
 * group, unrounded): exactly one of n, f, power is left out and solved for.
 */
export function powerAnova(input: AnovaInput): AnovaResult {
  return solveAnova(input, R_NAMES);
}
