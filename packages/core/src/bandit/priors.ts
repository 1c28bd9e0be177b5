// Priors from BanditConfiguration.arm_definitions[].prior: Beta(alpha, beta) for binary rewards,
// Normal-inverse-gamma (mu0, kappa0, alpha0, beta0) for continuous ones, with documented defaults.

import { InvalidArgumentError } from "../errors.js";
import type { ArmDefinition, BetaPrior, NormalInverseGammaPrior } from "./types.js";

/** Default binary prior: the uniform Beta(1, 1) (Thompson 1933; Chapelle & Li 2011). */
export const DEFAULT_BETA_PRIOR: BetaPrior = { alpha: 1, beta: 1 };

/**
 * Default continuous prior NIG(0, 0.01, 1, 1): centred at 0 with the weight of 1/100 of an
 * observation, so the data dominate from the first reward; IG(1, 1) for the variance.
 */
export const DEFAULT_NIG_PRIOR: NormalInverseGammaPrior = { mu0: 0, kappa0: 0.01, alpha0: 1, beta0: 1 };

function positive(value: unknown, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`${path} must be a number > 0, got ${String(value)}`, path);
  return value;
}

/** The Beta prior of arm `index` (`{alpha, beta}`, each defaulting to 1). */
export function betaPriorOf(arm: ArmDefinition | undefined, index = 0): BetaPrior {
  const p = arm?.prior ?? {};
  return {
    alpha: positive(p["alpha"], DEFAULT_BETA_PRIOR.alpha, `arm_definitions.${index}.prior.alpha`),
    beta: positive(p["beta"], DEFAULT_BETA_PRIOR.beta, `arm_definitions.${index}.prior.beta`),
  };
}

/** The Normal-inverse-gamma prior of arm `index` (`{mu0, kappa0, alpha0, beta0}`, defaults above). */
export function nigPriorOf(arm: ArmDefinition | undefined, index = 0): NormalInverseGammaPrior {
  const p = arm?.prior ?? {};
  const mu0 = p["mu0"] ?? DEFAULT_NIG_PRIOR.mu0;
  if (typeof mu0 !== "number" || !Number.isFinite(mu0)) throw new InvalidArgumentError(`arm_definitions.${index}.prior.mu0 must be a finite number`, `arm_definitions.${index}.prior.mu0`);
  return {
    mu0,
    kappa0: positive(p["kappa0"], DEFAULT_NIG_PRIOR.kappa0, `arm_definitions.${index}.prior.kappa0`),
    alpha0: positive(p["alpha0"], DEFAULT_NIG_PRIOR.alpha0, `arm_definitions.${index}.prior.alpha0`),
    beta0: positive(p["beta0"], DEFAULT_NIG_PRIOR.beta0, `arm_definitions.${index}.prior.beta0`),
  };
}
