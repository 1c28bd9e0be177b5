// Wald coefficient tables as R's summary() prints them: estimate, standard error, statistic
// (t with residual df for lm, z for glm and for lmer fixed effects), two-sided p-value and
// Wald confidence interval (R: confint.lm for t, confint.default for z).

import { normalUpper, normalUpperQuantile } from "../../power/distributions/normal.js";
import { studentUpper, studentUpperQuantile } from "../../power/distributions/student-t.js";

/** One row of `fitted_parameters.fixed_effects` (API.md); NaN marks an aliased coefficient. */
export interface CoefficientRow {
  readonly term: string;
  readonly estimate: number;
  readonly std_error: number;
  readonly statistic: number;
  readonly p_value: number;
  readonly ci_lower: number;
  readonly ci_upper: number;
}

/** Reference distribution of a Wald statistic: Student t with `df`, or standard normal. */
export type WaldReference = { readonly kind: "t"; readonly df: number } | { readonly kind: "normal" };

/** Two-sided p-value of a Wald statistic (R: 2 * pt(-|t|, df) or 2 * pnorm(-|z|)). */
export function waldPValue(statistic: number, ref: WaldReference): number {
  if (Number.isNaN(statistic)) return NaN;
  const a = Math.abs(statistic);
  return 2 * (ref.kind === "t" ? studentUpper(a, ref.df) : normalUpper(a));
}

/** Critical value for a two-sided interval of level `level` (R: qt((1 + level)/2, df) or qnorm). */
export function waldCritical(level: number, ref: WaldReference): number {
  const tail = (1 - level) / 2;
  return ref.kind === "t" ? studentUpperQuantile(tail, ref.df) : normalUpperQuantile(tail);
}

/** Builds a coefficient table from estimates and standard errors (R: coef(summary(fit)) with confint). */
export function coefficientTable(
  terms: readonly string[],
  estimates: ArrayLike<number>,
  stdErrors: ArrayLike<number>,
  ref: WaldReference,
  level = 0.95,
): CoefficientRow[] {
  const crit = waldCritical(level, ref);
  return terms.map((term, j) => {
    const estimate = estimates[j]!;
    const se = stdErrors[j]!;
    const statistic = estimate / se;
    return {
      term,
      estimate,
      std_error: se,
      statistic,
      p_value: waldPValue(statistic, ref),
      ci_lower: estimate - crit * se,
      ci_upper: estimate + crit * se,
    };
  });
}
