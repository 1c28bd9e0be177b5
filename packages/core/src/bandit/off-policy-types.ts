// Types and input checks shared by the off-policy arm estimators (ipw.ts, aipw.ts).

import { InvalidArgumentError } from "../errors.js";
import { assertArmCount } from "./validation.js";

/** One logged decision: the arm played, its propensity (the decision's `probability`), the reward. */
export interface LoggedDecision {
  readonly arm_index: number;
  readonly propensity: number;
  readonly reward: number;
}

/** An estimate of an arm's mean reward with its standard error and 95% interval. */
export interface ArmEstimate {
  readonly arm_index: number;
  readonly estimate: number;
  readonly std_error: number;
  readonly ci95: [number, number];
  /** Times the arm was played in the log. */
  readonly n: number;
}

/** z quantile of a two-sided 95% interval (qnorm(0.975) in R). */
export const Z95 = 1.959963984540054;

/** Throws unless the log is non-empty with valid arms, propensities in (0, 1] and finite rewards. */
export function assertLog(logs: readonly LoggedDecision[], k: number): void {
  assertArmCount(k, "k");
  if (logs.length === 0) throw new InvalidArgumentError("the decision log is empty", "logs");
  logs.forEach((l, t) => {
    if (!Number.isInteger(l.arm_index) || l.arm_index < 0 || l.arm_index >= k) throw new InvalidArgumentError(`arm_index must be in [0, ${k - 1}], got ${l.arm_index}`, `logs.${t}.arm_index`);
    if (!(l.propensity > 0 && l.propensity <= 1)) throw new InvalidArgumentError(`propensity must be in (0, 1], got ${l.propensity}`, `logs.${t}.propensity`);
    if (!Number.isFinite(l.reward)) throw new InvalidArgumentError(`reward must be finite, got ${l.reward}`, `logs.${t}.reward`);
  });
}

/** An estimate record with the normal-approximation 95% interval. */
export function armEstimate(arm_index: number, estimate: number, std_error: number, n: number): ArmEstimate {
  return { arm_index, estimate, std_error, ci95: [estimate - Z95 * std_error, estimate + Z95 * std_error], n };
}

/** Mean and standard error (sample sd with T - 1, over sqrt(T)) of a list of terms. */
export function meanAndStdError(terms: readonly number[]): { mean: number; se: number } {
  const n = terms.length;
  let s = 0;
  for (const v of terms) s += v;
  const mean = s / n;
  if (n < 2) return { mean, se: Number.NaN };
  let ss = 0;
  for (const v of terms) ss += (v - mean) ** 2;
  return { mean, se: Math.sqrt(ss / (n - 1) / n) };
}
