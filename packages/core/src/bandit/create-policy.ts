// The policy of a BanditConfiguration: maps `algorithm` to its factory with the configuration's
// exploration rate, arms (and priors) and context features, plus algorithm-specific options.

import { contextual } from "./contextual.js";
import type { ContextualModel, ContextualPolicy } from "./contextual.js";
import { epsilonGreedy } from "./epsilon-greedy.js";
import type { EpsilonDecay } from "./epsilon-greedy.js";
import { thompsonSampling } from "./thompson-sampling.js";
import { ucb } from "./ucb.js";
import type { UcbVariant } from "./ucb.js";
import { validateBanditConfiguration } from "./validation.js";
import type { ArmStatsPolicy, BanditAlgorithm, BanditConfigurationInput, RewardType } from "./types.js";

/** Algorithm-specific options that are not BanditConfiguration fields (all optional). */
export interface PolicyOptions {
  readonly reward_type?: RewardType;
  readonly propensity_draws?: number;
  readonly epsilon_decay?: EpsilonDecay;
  readonly epsilon_decay_c?: number;
  readonly ucb_variant?: UcbVariant;
  readonly reward_range?: number;
  readonly contextual_model?: ContextualModel;
  readonly exploration_scale?: number;
  readonly ridge_lambda?: number;
}

export type AnyBanditPolicy = ArmStatsPolicy | ContextualPolicy;

/**
 * Default exploration_rate per algorithm (used by the simulator when none is given):
 * EpsilonGreedy 0.1 (epsilon), UCB 1 (the published UCB1 bonus), ThompsonSampling 0 (no uniform
 * floor: plain Thompson sampling), Contextual 1 (LinUCB alpha = 1 with the default scale).
 */
export const DEFAULT_EXPLORATION_RATES: Readonly<Record<BanditAlgorithm, number>> = {
  EpsilonGreedy: 0.1,
  UCB: 1,
  ThompsonSampling: 0,
  Contextual: 1,
};

/** The policy a configuration describes (validated first). */
export function createPolicy(config: BanditConfigurationInput, options: PolicyOptions = {}): AnyBanditPolicy {
  validateBanditConfiguration(config);
  const base = { exploration_rate: config.exploration_rate, arm_definitions: config.arm_definitions };
  switch (config.algorithm) {
    case "EpsilonGreedy":
      return epsilonGreedy({ ...base, decay: options.epsilon_decay, decay_c: options.epsilon_decay_c });
    case "UCB":
      return ucb({ ...base, variant: options.ucb_variant, reward_range: options.reward_range });
    case "ThompsonSampling":
      return thompsonSampling({ ...base, reward_type: options.reward_type, propensity_draws: options.propensity_draws });
    case "Contextual":
      return contextual({
        ...base,
        context_features: config.context_features,
        model: options.contextual_model,
        exploration_scale: options.exploration_scale,
        ridge_lambda: options.ridge_lambda,
        propensity_draws: options.propensity_draws,
      });
  }
}
