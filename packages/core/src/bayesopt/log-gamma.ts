// log Gamma and digamma for the Student-t predictive of BayesianLinear and the variational
// updates of DirichletProcess.

/** log Gamma(x) for x > 0: the shared implementation of packages/core/src/power/special. */
export { logGamma } from "../power/special/log-gamma.js";

/**
 * Digamma psi(x) = d log Gamma(x) / dx for x > 0: the recurrence psi(x) = psi(x + 1) - 1/x up to
 * x >= 10, then the asymptotic series (Abramowitz & Stegun 6.3.18), absolute error ~1e-14.
 */
export function digamma(x: number): number {
  if (!(x > 0)) return NaN;
  let r = 0;
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  const series = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132)))));
  return r + Math.log(x) - 0.5 / x - series;
}
