// Shared types of the bandit maths: arm statistics, priors, the configuration fields core reads,
// and the one interface every policy implements (EpsilonGreedy, ThompsonSampling, UCB,
// Contextual). Types only, no logic.

import type { Rng } from "../random/rng.js";

/** The four algorithms of BanditConfiguration.algorithm (DATA-MODEL.md), spelled exactly. */
export type BanditAlgorithm = "EpsilonGreedy" | "ThompsonSampling" | "UCB" | "Contextual";

/** The list of algorithms, for validation and command lines. */
export const BANDIT_ALGORITHMS: readonly BanditAlgorithm[] = ["EpsilonGreedy", "ThompsonSampling", "UCB", "Contextual"];

/**
 * Sufficient statistics of one arm. Additive (n, sum and sum of squares of the rewards), so the
 * statistics of shards merge by addition. Under exponential discounting n, sum and sum_sq are
 * discounted (non-integer) totals.
 */
export interface ArmStats {
  readonly arm_id: string;
  readonly n: number;
  readonly sum: number;
  readonly sum_sq: number;
}

/** Beta(alpha, beta) prior of a binary (Bernoulli) reward rate. */
export interface BetaPrior {
  readonly alpha: number;
  readonly beta: number;
}

/**
 * Normal-inverse-gamma prior NIG(mu0, kappa0, alpha0, beta0) of a Normal reward with unknown mean
 * and variance: sigma^2 ~ IG(alpha0, beta0), mu | sigma^2 ~ N(mu0, sigma^2 / kappa0)
 * (Murphy 2007, "Conjugate Bayesian analysis of the Gaussian distribution", section 6).
 */
export interface NormalInverseGammaPrior {
  readonly mu0: number;
  readonly kappa0: number;
  readonly alpha0: number;
  readonly beta0: number;
}

export type ArmPrior = BetaPrior | NormalInverseGammaPrior;

/** Binary rewards (0/1, or rates in [0, 1]) or continuous (real-valued) rewards. */
export type RewardType = "binary" | "continuous";

/**
 * A context feature declaration. A bare name is a numeric feature (numbers as is, booleans 0/1).
 * `categorical` is one-hot over a declared vocabulary (an unseen value is all zeros); `hashed`
 * is one-hot over `buckets` MurmurHash3 buckets of "name=value".
 */
export type FeatureSpec =
  | string
  | { readonly name: string; readonly type: "numeric" }
  | { readonly name: string; readonly type: "categorical"; readonly vocabulary: readonly string[] }
  | { readonly name: string; readonly type: "hashed"; readonly buckets: number };

/** BanditConfiguration.context_features. */
export interface ContextFeatures {
  readonly user_features?: readonly FeatureSpec[];
  readonly content_features?: readonly FeatureSpec[];
}

/** One entry of BanditConfiguration.arm_definitions. */
export interface ArmDefinition {
  readonly arm_id: string;
  readonly configuration?: Readonly<Record<string, unknown>>;
  readonly prior?: Readonly<Record<string, unknown>>;
}

/** BanditConfiguration.non_stationary_params. */
export interface NonStationaryParams {
  readonly window_size?: number;
  readonly drift_threshold?: number;
}

/** The fields of a BanditConfiguration (DATA-MODEL.md) that the maths reads. */
export interface BanditConfigurationInput {
  readonly algorithm: BanditAlgorithm;
  readonly exploration_rate: number;
  readonly arm_definitions: readonly ArmDefinition[];
  readonly context_features?: ContextFeatures;
  readonly update_frequency?: number;
  readonly regret_threshold?: number;
  readonly non_stationary_params?: NonStationaryParams;
}

/** The context sent with an assignment (`POST /v1/assign` `context`). */
export interface UnitContext {
  readonly user?: Readonly<Record<string, unknown>>;
  readonly content?: Readonly<Record<string, unknown>>;
}

/** What a policy may read besides the statistics. */
export interface DecisionContext {
  /** 1-based round number, for decaying schedules; defaults to (total pulls + 1). */
  readonly t?: number;
  /** The unit's context (read by Contextual only). */
  readonly context?: UnitContext;
}

/** A decision: the arm and its propensity (the probability the policy had of choosing it). */
export interface BanditDecision {
  readonly arm_index: number;
  readonly arm_id: string;
  /** Propensity of the chosen arm; equals probabilities[arm_index] when probabilities is given. */
  readonly probability: number;
  /** Probability of every arm at this decision (exact or Monte Carlo, per policy). */
  readonly probabilities?: readonly number[];
}

/**
 * One interface for every policy. `S` is the policy's state: arm statistics for the
 * non-contextual policies, per-arm linear models for Contextual. Every method is pure: state in,
 * new state (or a decision) out; randomness only from the `rng` argument.
 */
export interface BanditPolicy<S> {
  readonly algorithm: BanditAlgorithm;
  readonly arm_ids: readonly string[];
  /** State before any reward (priors are read by the policy itself). */
  initialState(): S;
  /** The chosen arm only (cheap: no propensity), as `decide` would choose it with the same rng. */
  choose(state: S, ctx: DecisionContext, rng: Rng): number;
  /** The chosen arm with its propensity. Uses `choose` first, then the rng for Monte Carlo. */
  decide(state: S, ctx: DecisionContext, rng: Rng): BanditDecision;
  /** New state after `reward` was observed for `arm_index` (with the decision's context). */
  update(state: S, arm_index: number, reward: number, ctx?: DecisionContext): S;
  /** Allocation weights (sum 1) for the allocator, for context-free policies. */
  weights?(state: S, rng: Rng): number[];
}

/** A policy over arm statistics (every algorithm but Contextual). */
export interface ArmStatsPolicy extends BanditPolicy<readonly ArmStats[]> {
  readonly algorithm: "EpsilonGreedy" | "ThompsonSampling" | "UCB";
}
