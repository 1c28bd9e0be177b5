// Normal-inverse-gamma conjugate posterior of a Normal reward with unknown mean and variance,
// and the Student-t marginal of the mean (Murphy 2007, "Conjugate Bayesian analysis of the
// Gaussian distribution", section 6, equations 85-89 and 95-97).

import { normalDraw } from "../random/rng.js";
import type { Rng } from "../random/rng.js";
import { gammaDraw } from "./sampling.js";
import type { ArmStats, NormalInverseGammaPrior } from "./types.js";

/**
 * The NIG posterior from additive statistics (Murphy 2007, eqs. 86-89):
 * kappa_n = kappa0 + n, mu_n = (kappa0 mu0 + n xbar) / kappa_n, alpha_n = alpha0 + n/2,
 * beta_n = beta0 + (1/2) sum (x_i - xbar)^2 + kappa0 n (xbar - mu0)^2 / (2 kappa_n).
 */
export function nigPosterior(stats: ArmStats, prior: NormalInverseGammaPrior): NormalInverseGammaPrior {
  const n = stats.n;
  if (n <= 0) return { ...prior };
  const xbar = stats.sum / n;
  const ss = Math.max(0, stats.sum_sq - n * xbar * xbar);
  const kappaN = prior.kappa0 + n;
  return {
    mu0: (prior.kappa0 * prior.mu0 + n * xbar) / kappaN,
    kappa0: kappaN,
    alpha0: prior.alpha0 + n / 2,
    beta0: prior.beta0 + 0.5 * ss + (prior.kappa0 * n * (xbar - prior.mu0) ** 2) / (2 * kappaN),
  };
}

/**
 * The marginal posterior of the mean, a Student-t with 2 alpha_n degrees of freedom, location
 * mu_n and squared scale beta_n / (alpha_n kappa_n) (Murphy 2007, eq. 97).
 */
export function nigMarginalMean(post: NormalInverseGammaPrior): { dof: number; location: number; scale: number } {
  return { dof: 2 * post.alpha0, location: post.mu0, scale: Math.sqrt(post.beta0 / (post.alpha0 * post.kappa0)) };
}

/**
 * A draw of the mean from the NIG posterior: sigma^2 ~ IG(alpha_n, beta_n), then
 * mu ~ N(mu_n, sigma^2 / kappa_n); marginally the Student-t of `nigMarginalMean` (Murphy 2007, section 6).
 */
export function nigMeanDraw(post: NormalInverseGammaPrior, rng: Rng): number {
  const sigma2 = post.beta0 / gammaDraw(rng, post.alpha0);
  return post.mu0 + Math.sqrt(sigma2 / post.kappa0) * normalDraw(rng);
}
