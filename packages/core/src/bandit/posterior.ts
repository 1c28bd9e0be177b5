// Per-arm posteriors of the mean reward from arm statistics and priors: what Thompson sampling
// draws from and what the regret metrics integrate over. Binary -> Beta, continuous -> NIG.

import type { Rng } from "../random/rng.js";
import { betaMean, betaPosterior } from "./beta-bernoulli.js";
import { nigMeanDraw, nigPosterior } from "./normal-inverse-gamma.js";
import { betaPriorOf, nigPriorOf } from "./priors.js";
import { betaDraw } from "./sampling.js";
import type { ArmDefinition, ArmStats, RewardType } from "./types.js";

/** The posterior of one arm's mean reward: its mean and a sampler. */
export interface ArmPosterior {
  readonly arm_id: string;
  readonly mean: number;
  sample(rng: Rng): number;
}

/**
 * Posterior of each arm's mean: Beta-Bernoulli (Gelman et al., BDA3 section 2.4) for binary
 * rewards, Normal-inverse-gamma (Murphy 2007, section 6) for continuous rewards. Priors come from
 * `arm_definitions[i].prior` (matched by position), defaulting as in priors.ts.
 */
export function armPosteriors(stats: readonly ArmStats[], reward_type: RewardType = "binary", arm_definitions?: readonly ArmDefinition[]): ArmPosterior[] {
  return stats.map((s, i) => {
    const def = arm_definitions?.[i];
    if (reward_type === "binary") {
      const post = betaPosterior(s, betaPriorOf(def, i));
      return { arm_id: s.arm_id, mean: betaMean(post), sample: (rng: Rng) => betaDraw(rng, post.alpha, post.beta) };
    }
    const post = nigPosterior(s, nigPriorOf(def, i));
    return { arm_id: s.arm_id, mean: post.mu0, sample: (rng: Rng) => nigMeanDraw(post, rng) };
  });
}
