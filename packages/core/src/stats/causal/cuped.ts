// CUPED (Deng, Xu, Kohavi & Walker 2013): variance reduction of a two-arm difference in means
// with a pre-period covariate, theta = cov(y, x) / var(x) pooled over both arms.

import { InvalidArgumentError } from "../../errors.js";
import { waldCritical, waldPValue } from "../inference/coefficient-table.js";

export interface CupedResult {
  readonly theta: number;
  readonly effect: number;
  readonly std_error: number;
  readonly statistic: number;
  readonly p_value: number;
  readonly ci_lower: number;
  readonly ci_upper: number;
  readonly unadjusted_effect: number;
  readonly unadjusted_std_error: number;
  /** 1 - var(y_cuped) / var(y): the share of the outcome's variance removed by the covariate. */
  readonly variance_reduction: number;
  readonly control_mean: number;
  readonly treatment_mean: number;
  readonly n_control: number;
  readonly n_treatment: number;
}

function mean(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}
function variance(v: readonly number[]): number {
  const m = mean(v);
  return v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
}

/**
 * CUPED-adjusted treatment effect, y_cv = y - theta (x - mean(x)), with the Welch standard error
 * sqrt(var1/n1 + var0/n0) and a normal interval (R: the call beside r-reference-causal.json's cuped).
 */
export function cupedEstimate(y: readonly number[], x: readonly number[], treated: readonly boolean[], level = 0.95): CupedResult {
  const n = y.length;
  const n1 = treated.filter(Boolean).length;
  const n0 = n - n1;
  if (n1 < 2 || n0 < 2) throw new InvalidArgumentError("CUPED needs at least 2 rows in each arm", "rows");
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  if (!(sxx > 0)) throw new InvalidArgumentError("the covariate is constant, so CUPED cannot use it", "options.covariate");
  const theta = sxy / sxx;
  const ycv = y.map((v, i) => v - theta * (x[i]! - mx));
  const split = (v: readonly number[]): [number[], number[]] => [v.filter((_, i) => treated[i]), v.filter((_, i) => !treated[i])];
  const [a1, a0] = split(ycv);
  const [u1, u0] = split(y);
  const effect = mean(a1) - mean(a0);
  const se = Math.sqrt(variance(a1) / n1 + variance(a0) / n0);
  const ref = { kind: "normal" } as const;
  const crit = waldCritical(level, ref);
  const statistic = effect / se;
  return {
    theta,
    effect,
    std_error: se,
    statistic,
    p_value: waldPValue(statistic, ref),
    ci_lower: effect - crit * se,
    ci_upper: effect + crit * se,
    unadjusted_effect: mean(u1) - mean(u0),
    unadjusted_std_error: Math.sqrt(variance(u1) / n1 + variance(u0) / n0),
    variance_reduction: 1 - variance(ycv) / variance(y),
    control_mean: mean(u0),
    treatment_mean: mean(u1),
    n_control: n0,
    n_treatment: n1,
  };
}
