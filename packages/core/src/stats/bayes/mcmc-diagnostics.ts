// Convergence diagnostics of MCMC draws from several chains: split R-hat and the effective
// sample size, as Gelman et al., Bayesian Data Analysis (3rd ed., 2013), sections 11.4-11.5.

import { InvalidArgumentError } from "../../errors.js";

function splitChains(chains: readonly (readonly number[])[]): number[][] {
  const out: number[][] = [];
  for (const c of chains) {
    const h = Math.floor(c.length / 2);
    out.push(c.slice(0, h), c.slice(c.length - h));
  }
  return out;
}

function meanOf(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

/** W, B / n and var+ of (split) chains of equal length (BDA3 eq. 11.2-11.3). */
function varianceParts(chains: readonly (readonly number[])[]): { W: number; varPlus: number; n: number; m: number } {
  const m = chains.length;
  const n = chains[0]!.length;
  const means = chains.map(meanOf);
  const grand = meanOf(means);
  const B = (n / (m - 1)) * means.reduce((a, x) => a + (x - grand) ** 2, 0);
  const W = meanOf(chains.map((c, j) => c.reduce((a, x) => a + (x - means[j]!) ** 2, 0) / (n - 1)));
  return { W, varPlus: ((n - 1) / n) * W + B / n, n, m };
}

/** Split R-hat: each chain halved, sqrt(var+ / W) (BDA3 section 11.4). */
export function splitRhat(chains: readonly (readonly number[])[]): number {
  if (chains.length < 2 || chains.some((c) => c.length < 4)) throw new InvalidArgumentError("R-hat needs at least 2 chains of 4 draws", "options.chains");
  const { W, varPlus } = varianceParts(splitChains(chains));
  return W > 0 ? Math.sqrt(varPlus / W) : NaN;
}

/**
 * Effective sample size m n / (1 + 2 sum rho_t) over the split chains, with
 * rho_t = 1 - V_t / (2 var+) and the sum stopped where rho_{t+1} + rho_{t+2} < 0 (BDA3 section 11.5).
 */
export function effectiveSampleSize(chains: readonly (readonly number[])[]): number {
  const split = splitChains(chains);
  const { varPlus, n, m } = varianceParts(split);
  if (!(varPlus > 0)) return NaN;
  const rho = (t: number): number => {
    let v = 0;
    for (const c of split) for (let i = t; i < n; i++) v += (c[i]! - c[i - t]!) ** 2;
    return 1 - v / (m * (n - t)) / (2 * varPlus);
  };
  let sum = 0;
  for (let t = 1; t < n - 2; t += 2) {
    const a = rho(t);
    const b = rho(t + 1);
    if (a + b < 0) break;
    sum += a + b;
  }
  return (m * n) / (1 + 2 * sum);
}
