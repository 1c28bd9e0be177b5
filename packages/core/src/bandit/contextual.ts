// The Contextual policy: per-arm linear models over the feature vector of context_features
// (feature-vector.ts), choosing by LinUCB (Li et al. 2010, default) or linear Thompson sampling
// (Agrawal & Goyal 2013). exploration_rate is scaled by `exploration_scale` (default 1):
// LinUCB alpha = exploration_rate * scale; LinTS v = exploration_rate * scale. Ridge lambda
// defaults to 1. Propensity: LinUCB is deterministic but for ties (1/|ties|); LinTS by Monte
// Carlo with `propensity_draws` draws (default 1,000), the decision draw counted as one of D + 1.
// With no features declared the vector is the intercept alone (what the simulator uses against
// plain Bernoulli arms).

import type { Rng } from "../random/rng.js";
import { InvalidArgumentError } from "../errors.js";
import { argmaxRandomTie, tieProbabilities } from "./argmax.js";
import { buildFeatureVector, featureDimension } from "./feature-vector.js";
import { linUcbTies } from "./lin-ucb.js";
import { linTsSample, linTsScoreDistributions } from "./linear-thompson.js";
import { applyContextualRewardAt, initialContextualState } from "./linear-model.js";
import type { ContextualState } from "./linear-model.js";
import { DEFAULT_PROPENSITY_DRAWS, monteCarloArgmaxProbabilities } from "./monte-carlo.js";
import { decisionFrom, resolveArmIds, uniformArm } from "./policy-common.js";
import type { PolicyBaseOptions } from "./policy-common.js";
import { assertArmCount, validateContextFeatures } from "./validation.js";
import type { BanditPolicy, ContextFeatures, DecisionContext } from "./types.js";

export type ContextualModel = "linucb" | "lints";

/** The Contextual policy: state is the per-arm linear models. */
export interface ContextualPolicy extends BanditPolicy<ContextualState> {
  readonly algorithm: "Contextual";
  /** Dimension of the feature vector. */
  readonly d: number;
}

export interface ContextualOptions extends PolicyBaseOptions {
  readonly context_features?: ContextFeatures;
  /** "linucb" (default) or "lints". */
  readonly model?: ContextualModel;
  /** alpha (LinUCB) or v (LinTS) = exploration_rate * exploration_scale; default scale 1. */
  readonly exploration_scale?: number;
  /** Ridge penalty lambda of A = lambda I + sum x x^T (default 1). */
  readonly ridge_lambda?: number;
  /** Monte Carlo draws for the LinTS propensity (default 1,000). */
  readonly propensity_draws?: number;
}

/** The Contextual policy over per-arm linear models. */
export function contextual(options: ContextualOptions): ContextualPolicy {
  const arm_ids = resolveArmIds(options);
  validateContextFeatures(options.context_features);
  const model = options.model ?? "linucb";
  const scale = options.exploration_scale ?? 1;
  const lambda = options.ridge_lambda ?? 1;
  const draws = options.propensity_draws ?? DEFAULT_PROPENSITY_DRAWS;
  if (model !== "linucb" && model !== "lints") throw new InvalidArgumentError(`unknown contextual model "${String(model)}"`, "model");
  if (!(Number.isFinite(scale) && scale >= 0)) throw new InvalidArgumentError(`exploration_scale must be >= 0, got ${scale}`, "exploration_scale");
  if (!(Number.isInteger(draws) && draws >= 1)) throw new InvalidArgumentError(`propensity_draws must be an integer >= 1, got ${draws}`, "propensity_draws");
  const d = featureDimension(options.context_features);
  const width = options.exploration_rate * scale;

  const check = (state: ContextualState) => {
    assertArmCount(state.arms.length, "state.arms");
    if (state.arms.length !== arm_ids.length) throw new InvalidArgumentError(`expected models of ${arm_ids.length} arms, got ${state.arms.length}`, "state.arms");
    if (state.d !== d) throw new InvalidArgumentError(`state has dimension ${state.d}, the features give ${d}`, "state.d");
  };
  const features = (ctx: DecisionContext) => buildFeatureVector(options.context_features, ctx.context);

  const choose = (state: ContextualState, ctx: DecisionContext, rng: Rng): number => {
    check(state);
    const x = features(ctx);
    if (model === "linucb") {
      const ties = linUcbTies(state, x, width);
      return ties.length === 1 ? ties[0]! : ties[uniformArm(ties.length, rng())]!;
    }
    return argmaxRandomTie(linTsSample(linTsScoreDistributions(state, x, width), rng), rng);
  };

  return {
    algorithm: "Contextual",
    arm_ids,
    d,
    initialState: () => initialContextualState(arm_ids, d, lambda),
    choose,
    decide(state, ctx, rng) {
      const arm = choose(state, ctx, rng);
      const x = features(ctx);
      const k = state.arms.length;
      if (model === "linucb") return decisionFrom(arm_ids, arm, tieProbabilities(k, linUcbTies(state, x, width)));
      const dists = linTsScoreDistributions(state, x, width);
      const q = monteCarloArgmaxProbabilities(k, draws, (i, r) => {
        const dist = dists[i]!;
        return linTsSample([dist], r)[0]!;
      }, rng);
      return decisionFrom(arm_ids, arm, q.map((p, i) => (p * draws + (i === arm ? 1 : 0)) / (draws + 1)));
    },
    update(state, arm_index, reward, ctx = {}) {
      check(state);
      return applyContextualRewardAt(state, arm_index, features(ctx), reward);
    },
  };
}
