// Posterior summary of one scalar parameter from the kept draws of several MCMC chains: mean,
// sd, equal-tailed credible interval (R's quantile type 7), split R-hat and effective sample
// size (Gelman et al., BDA3 sections 11.4-11.5, mcmc-diagnostics.ts).

import type { PosteriorRow } from "./gibbs-random-intercept.js";
import { effectiveSampleSize, splitRhat } from "./mcmc-diagnostics.js";

function quantile7(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Mean, sd, `level` equal-tailed interval, split R-hat and ESS of draws given per chain. */
export function summarizeDraws(term: string, chains: readonly (readonly number[])[], level: number): PosteriorRow {
  const all = chains.flat().sort((u, v) => u - v);
  const mean = all.reduce((s, v) => s + v, 0) / all.length;
  const sd = Math.sqrt(all.reduce((s, v) => s + (v - mean) ** 2, 0) / (all.length - 1));
  return {
    term,
    mean,
    sd,
    lower: quantile7(all, (1 - level) / 2),
    upper: quantile7(all, (1 + level) / 2),
    rhat: splitRhat(chains),
    ess: effectiveSampleSize(chains),
  };
}
