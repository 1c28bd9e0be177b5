// Independent reference implementations used only by the tests (not by core).

/** ln Gamma(x), x > 0: Lanczos approximation, g = 7, n = 9 (Numerical Recipes 3rd ed., 6.1; |error| < 1e-13). */
export function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = c[0]!;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln B(a, b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * P(p_B > p_A) for p_A ~ Beta(aA, bA), p_B ~ Beta(aB, bB), aB an integer: Evan Miller,
 * "Formulas for Bayesian A/B testing" (2015), sum_{i=0}^{aB-1} B(aA+i, bA+bB) / ((bB+i) B(1+i, bB) B(aA, bA)).
 */
export function evanMillerProbBBeatsA(aA: number, bA: number, aB: number, bB: number): number {
  let total = 0;
  for (let i = 0; i < aB; i++) total += Math.exp(logBeta(aA + i, bA + bB) - Math.log(bB + i) - logBeta(1 + i, bB) - logBeta(aA, bA));
  return total;
}

/** Inverse by LU decomposition with partial pivoting, column by column (Golub & Van Loan 3.2-3.4). */
export function luInverse(m: readonly (readonly number[])[]): number[][] {
  const n = m.length;
  const a = m.map((r) => [...r]);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i]![k]!) > Math.abs(a[p]![k]!)) p = i;
    [a[k], a[p]] = [a[p]!, a[k]!];
    [perm[k], perm[p]] = [perm[p]!, perm[k]!];
    for (let i = k + 1; i < n; i++) {
      a[i]![k]! /= a[k]![k]!;
      for (let j = k + 1; j < n; j++) a[i]![j]! -= a[i]![k]! * a[k]![j]!;
    }
  }
  const inv = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let col = 0; col < n; col++) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = perm[i] === col ? 1 : 0;
      for (let j = 0; j < i; j++) s -= a[i]![j]! * y[j]!;
      y[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let j = i + 1; j < n; j++) s -= a[i]![j]! * inv[j]![col]!;
      inv[i]![col] = s / a[i]![i]!;
    }
  }
  return inv;
}
