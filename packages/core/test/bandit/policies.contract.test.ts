// Runs the shared policy contract (policy-contract.case.ts) for every policy and variant.

import { contextual, epsilonGreedy, thompsonSampling, ucb } from "../../src/bandit/index.js";
import type { ArmStats, ContextFeatures, ContextualState } from "../../src/bandit/index.js";
import { bernoulliReward, normalReward, runPolicyContract } from "./policy-contract.case.js";
import type { PolicyCase } from "./policy-contract.case.js";

type StatsCase = PolicyCase<readonly ArmStats[]>;

const statsCases: StatsCase[] = [
  { name: "EpsilonGreedy", exploration_rate: 0.2, ctx: {}, exact: true, reward: bernoulliReward, make: (e, arm_ids) => epsilonGreedy({ exploration_rate: e, arm_ids }) },
  { name: "EpsilonGreedy (inverse-sqrt decay)", exploration_rate: 0.5, ctx: {}, exact: true, reward: bernoulliReward, make: (e, arm_ids) => epsilonGreedy({ exploration_rate: e, arm_ids, decay: "inverse-sqrt" }) },
  { name: "EpsilonGreedy (inverse decay)", exploration_rate: 0.5, ctx: { t: 3 }, exact: true, reward: bernoulliReward, make: (e, arm_ids) => epsilonGreedy({ exploration_rate: e, arm_ids, decay: "inverse", decay_c: 2 }) },
  { name: "UCB (UCB1)", exploration_rate: 1, ctx: {}, exact: true, reward: bernoulliReward, make: (e, arm_ids) => ucb({ exploration_rate: e, arm_ids }) },
  { name: "UCB (UCB1-Tuned)", exploration_rate: 0.7, ctx: {}, exact: true, reward: bernoulliReward, make: (e, arm_ids) => ucb({ exploration_rate: e, arm_ids, variant: "ucb1-tuned" }) },
  { name: "UCB (UCB-V, continuous)", exploration_rate: 1, ctx: {}, exact: true, reward: normalReward, make: (e, arm_ids) => ucb({ exploration_rate: e, arm_ids, variant: "ucb-v", reward_range: 10 }) },
  { name: "ThompsonSampling (Beta-Bernoulli)", exploration_rate: 0, ctx: {}, exact: false, reward: bernoulliReward, make: (e, arm_ids) => thompsonSampling({ exploration_rate: e, arm_ids }) },
  { name: "ThompsonSampling (uniform floor 0.1)", exploration_rate: 0.1, ctx: {}, exact: false, reward: bernoulliReward, make: (e, arm_ids) => thompsonSampling({ exploration_rate: e, arm_ids }) },
  { name: "ThompsonSampling (Normal-inverse-gamma)", exploration_rate: 0, ctx: {}, exact: false, reward: normalReward, make: (e, arm_ids) => thompsonSampling({ exploration_rate: e, arm_ids, reward_type: "continuous" }) },
];

const features: ContextFeatures = {
  user_features: ["age", { name: "country", type: "categorical", vocabulary: ["FR", "US", "JP"] }],
  content_features: [{ name: "tag", type: "hashed", buckets: 4 }],
};
const ctx = { context: { user: { age: 0.3, country: "US" }, content: { tag: "sports" } } };

const contextualCases: PolicyCase<ContextualState>[] = [
  { name: "Contextual (LinUCB)", exploration_rate: 0.5, ctx, exact: true, reward: bernoulliReward, make: (e, arm_ids) => contextual({ exploration_rate: e, arm_ids, context_features: features }) },
  { name: "Contextual (LinUCB, intercept only)", exploration_rate: 1, ctx: {}, exact: true, reward: bernoulliReward, make: (e, arm_ids) => contextual({ exploration_rate: e, arm_ids }) },
  { name: "Contextual (linear Thompson sampling)", exploration_rate: 0.5, ctx, exact: false, reward: bernoulliReward, make: (e, arm_ids) => contextual({ exploration_rate: e, arm_ids, context_features: features, model: "lints" }) },
];

for (const c of statsCases) runPolicyContract(c);
for (const c of contextualCases) runPolicyContract(c);
