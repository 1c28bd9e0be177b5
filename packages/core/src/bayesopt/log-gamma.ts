// log Gamma and digamma for the Student-t predictive of BayesianLinear and the variational
// updates of DirichletProcess.

// Lanczos approximation, g = 7, n = 9 (coefficients of Godfrey, as in Numerical Recipes 3rd ed.
// §6.1 and Boost's lanczos tables), relative error ~1e-15 for x > 0.
const G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.9189385332046728;

/** log Gamma(x) for x > 0 (Lanczos 1964; Press et al., Numerical Recipes 3rd ed., §6.1). */
export function logGamma(x: number): number {
  if (!(x > 0)) return NaN;
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x); // reflection
  const z = x - 1;
  let s = LANCZOS[0] as number;
  for (let i = 1; i < G + 2; i++) s += (LANCZOS[i] as number) / (z + i);
  const t = z + G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

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
