// Bandit wiring of the ExperimentState object (docs/sync-protocol.md, "Bandits"): the core policy
// of a pushed bandit configuration, the per-arm records the object stores (statistics, contextual
// model, sliding window, change detector), the reward step and the decision step. Every formula is
// core's (packages/core/src/bandit, including the control holdback and arm floors of
// bandit/holdback.ts); this module only chooses which core function to call.

import {
  InvalidArgumentError,
  holdbackArm,
  holdbackProbabilities,
  applyContextualReward,
  applyReward,
  applyWindowedReward,
  buildFeatureVector,
  createPolicy,
  cusumUpdate,
  featureDimension,
  initialCusum,
  initialLinearArm,
  initialPageHinkley,
  initialSlidingWindow,
  mergeArmStats,
  mergeLinearArms,
  pageHinkleyUpdate,
  windowedStats,
  type AnyBanditPolicy,
  type ArmStats,
  type ContextualState,
  type CusumState,
  type LinearArmState,
  type PageHinkleyState,
  type Rng,
  type SlidingWindowState,
  type UnitContext,
} from "@mvx/core/edge";
import { banditConfigurationOf, type BanditInput } from "../schemas.js";

/** Ridge penalty of the contextual models (core's default). */
const RIDGE_LAMBDA = 1;

/** The JSON `state` column of bandit_arms: whatever the configuration needs beyond n, sum, sum_sq. */
export interface ArmExtraState {
  linear?: LinearArmState;
  window?: SlidingWindowState;
  detector?: { kind: "page-hinkley"; state: PageHinkleyState } | { kind: "cusum"; state: CusumState };
}

/** One arm's bandit statistics (since its last drift reset). */
export interface BanditArmRecord {
  arm_id: string;
  n: number;
  sum: number;
  sum_sq: number;
  state: ArmExtraState;
}

/** A pushed bandit configuration with its policy built (once per allocation). */
export interface LoadedBandit {
  config: BanditInput;
  policy: AnyBanditPolicy;
  armIndex: Map<string, number>;
  winnerIndex: number | null;
  controlIndex: number | null;
  /** Feature dimension (Contextual only). */
  d: number | null;
}

export type PolicyState = readonly ArmStats[] | ContextualState;

/** Builds the policy of a pushed configuration (validated by the schema already). */
export function loadBandit(config: BanditInput): LoadedBandit {
  const policy = createPolicy(banditConfigurationOf(config), { reward_type: config.reward_type });
  const armIndex = new Map(config.arms.map((a, i) => [a.arm_id, i]));
  return {
    config,
    policy,
    armIndex,
    winnerIndex: config.winner_arm_id === null ? null : (armIndex.get(config.winner_arm_id) ?? null),
    controlIndex: config.control_arm_id === null ? null : (armIndex.get(config.control_arm_id) ?? null),
    d: config.algorithm === "Contextual" ? featureDimension(config.context_features) : null,
  };
}

/** The state of an arm with no data under this configuration. */
export function initialArmState(b: LoadedBandit, arm_id: string): ArmExtraState {
  const state: ArmExtraState = {};
  if (b.d !== null) state.linear = initialLinearArm(arm_id, b.d, RIDGE_LAMBDA);
  const ns = b.config.non_stationary_params;
  if (ns?.window_size !== undefined) state.window = initialSlidingWindow(arm_id, ns.window_size);
  if (ns?.drift_threshold !== undefined) {
    state.detector = ns.detector === "cusum" ? { kind: "cusum", state: initialCusum() } : { kind: "page-hinkley", state: initialPageHinkley() };
  }
  return state;
}

/** A stored state made to fit the configuration: parts of another shape start afresh. */
export function fitArmState(b: LoadedBandit, arm_id: string, stored: ArmExtraState): ArmExtraState {
  const fresh = initialArmState(b, arm_id);
  const fits = {
    linear: fresh.linear !== undefined && stored.linear !== undefined && stored.linear.b.length === fresh.linear.b.length,
    window: fresh.window !== undefined && stored.window?.window_size === fresh.window.window_size,
    detector: fresh.detector !== undefined && stored.detector?.kind === fresh.detector.kind,
  };
  return {
    ...(fresh.linear === undefined ? {} : { linear: fits.linear ? stored.linear : fresh.linear }),
    ...(fresh.window === undefined ? {} : { window: fits.window ? stored.window : fresh.window }),
    ...(fresh.detector === undefined ? {} : { detector: fits.detector ? stored.detector : fresh.detector }),
  };
}

/** The state the policy decides with, from the published records (in arm order). */
export function policyStateOf(b: LoadedBandit, published: readonly BanditArmRecord[]): PolicyState {
  if (b.d !== null) {
    return { d: b.d, lambda: RIDGE_LAMBDA, arms: published.map((r) => r.state.linear ?? initialLinearArm(r.arm_id, b.d!, RIDGE_LAMBDA)) };
  }
  return published.map((r) => (r.state.window ? windowedStats(r.state.window) : { arm_id: r.arm_id, n: r.n, sum: r.sum, sum_sq: r.sum_sq }));
}

/** The feature vector of a unit's context (Contextual only; throws InvalidArgumentError naming the field). */
export function contextVector(b: LoadedBandit, context: UnitContext | undefined): number[] | null {
  return b.d === null ? null : buildFeatureVector(b.config.context_features, context);
}

export interface BanditChoice {
  arm_index: number;
  /** Propensity of the chosen arm. */
  probability: number;
  /** Every arm's probability, in arm order. */
  probabilities: number[];
}

/**
 * A decision: the winner with probability 1 when one is declared; otherwise with probability
 * control_share the control arm, else with probability K * min_arm_share a uniform arm, else the
 * policy's arm. Propensities mix accordingly:
 *   p_i = control_share [i = control] + (1 - control_share) (min_arm_share + (1 - K min_arm_share) q_i),
 * q the policy's probabilities. The rng draws are, in order: holdback, floor, uniform arm, policy.
 */
export function decideBandit(b: LoadedBandit, state: PolicyState, context: UnitContext | undefined, rng: Rng): BanditChoice {
  const k = b.config.arms.length;
  if (b.winnerIndex !== null) {
    return { arm_index: b.winnerIndex, probability: 1, probabilities: b.config.arms.map((_, i) => (i === b.winnerIndex ? 1 : 0)) };
  }
  const holdback = { control_index: b.controlIndex, control_share: b.config.control_share, min_arm_share: b.config.min_arm_share };
  const cs = b.controlIndex === null ? 0 : b.config.control_share;
  const m = b.config.min_arm_share;
  const uControl = cs > 0 ? rng() : 1;
  const uFloor = m > 0 ? rng() : 1;
  const uArm = m > 0 ? rng() : 0;
  const decision =
    b.policy.algorithm === "Contextual"
      ? b.policy.decide(state as ContextualState, { context }, rng)
      : b.policy.decide(state as readonly ArmStats[], {}, rng);
  const arm = holdbackArm(decision.arm_index, k, holdback, uControl, uFloor, uArm);
  const q = decision.probabilities ?? b.config.arms.map((_, i) => (i === decision.arm_index ? decision.probability : 0));
  const probabilities = holdbackProbabilities(q, holdback);
  return { arm_index: arm, probability: probabilities[arm]!, probabilities };
}

/** A detected change: the detector and its statistic at the alarm. */
export interface DriftDetection {
  detector: "page-hinkley" | "cusum";
  statistic: number;
}

/**
 * One reward for an arm: n, sum, sum_sq (core applyReward), the contextual model with the
 * decision's x, the sliding window and the change detector. A detected change resets the arm
 * (its statistics, model, window and detector start afresh). Throws InvalidArgumentError for a
 * reward the configuration cannot take (a binary reward outside [0, 1]).
 */
export function applyBanditReward(
  b: LoadedBandit,
  record: BanditArmRecord,
  reward: number,
  x: readonly number[] | null,
): { record: BanditArmRecord; drift: DriftDetection | null } {
  if (b.config.reward_type === "binary" && !(reward >= 0 && reward <= 1)) {
    throw new InvalidArgumentError(`a binary reward must be in [0, 1], got ${reward}`, "reward");
  }
  const stats = applyReward({ arm_id: record.arm_id, n: record.n, sum: record.sum, sum_sq: record.sum_sq }, reward);
  const state: ArmExtraState = { ...record.state };
  if (state.linear !== undefined) {
    if (x === null) throw new InvalidArgumentError("the decision has no feature vector for the contextual model", "decision_id");
    state.linear = applyContextualReward(state.linear, x, reward);
  }
  if (state.window !== undefined) state.window = applyWindowedReward(state.window, reward);
  let drift: DriftDetection | null = null;
  const threshold = b.config.non_stationary_params?.drift_threshold;
  if (state.detector !== undefined && threshold !== undefined) {
    if (state.detector.kind === "page-hinkley") {
      const step = pageHinkleyUpdate(state.detector.state, reward, { threshold });
      state.detector = { kind: "page-hinkley", state: step.state };
      if (step.change) {
        const s = step.state;
        drift = { detector: "page-hinkley", statistic: step.direction === "up" ? s.m_up - s.min_up : s.max_down - s.m_down };
      }
    } else {
      const step = cusumUpdate(state.detector.state, reward, { threshold });
      state.detector = { kind: "cusum", state: step.state };
      if (step.change) drift = { detector: "cusum", statistic: step.direction === "up" ? step.state.s_up : step.state.s_down };
    }
  }
  if (drift !== null) return { record: { arm_id: record.arm_id, n: 0, sum: 0, sum_sq: 0, state: initialArmState(b, record.arm_id) }, drift };
  return { record: { arm_id: record.arm_id, n: stats.n, sum: stats.sum, sum_sq: stats.sum_sq, state }, drift: null };
}

/** One arm's own statistics as a shard shares them with its peers (what its policy would see). */
export interface ShardArmStats {
  stats: ArmStats;
  linear: LinearArmState | null;
}

/** A shard's own bandit statistics, for its peers to merge (docs/sync-protocol.md: shards are additive). */
export interface ShardBanditStats {
  bandit_config_id: string;
  arms: ShardArmStats[];
}

/** The statistics this shard contributes (live, own traffic only: never what it merged from peers). */
export function shardContribution(b: LoadedBandit, live: readonly BanditArmRecord[]): ShardBanditStats {
  return {
    bandit_config_id: b.config.bandit_config_id,
    arms: live.map((r) => ({
      stats: r.state.window ? windowedStats(r.state.window) : { arm_id: r.arm_id, n: r.n, sum: r.sum, sum_sq: r.sum_sq },
      linear: r.state.linear ?? null,
    })),
  };
}

/**
 * The policy state with the peers' statistics merged in, arm by arm (matched by arm_id): arm
 * statistics add (core mergeArmStats), contextual models merge by mergeLinearArms.
 */
export function withPeers(b: LoadedBandit, own: PolicyState, peers: readonly ShardBanditStats[]): PolicyState {
  if (peers.length === 0) return own;
  const find = (peer: ShardBanditStats, armId: string) => peer.arms.find((a) => a.stats.arm_id === armId);
  if (b.d !== null) {
    const state = own as ContextualState;
    return {
      ...state,
      arms: state.arms.map((arm) =>
        peers.reduce((merged, peer) => {
          const other = find(peer, arm.arm_id)?.linear;
          return other && other.b.length === merged.b.length ? mergeLinearArms(merged, other, state.lambda) : merged;
        }, arm),
      ),
    };
  }
  return (own as readonly ArmStats[]).map((stats) =>
    peers.reduce((merged, peer) => {
      const other = find(peer, stats.arm_id)?.stats;
      return other ? mergeArmStats(merged, other) : merged;
    }, stats),
  );
}
