// Monte Carlo regret simulation of a policy against Bernoulli arms: the same core policies the
// edge uses, run `runs` times for `horizon` rounds from a seed. Pure: the seed is the only source
// of randomness (one rng stream for the policy and one for the rewards of each run).
// Pseudo-regret of a run = sum_a (mu* - mu_a) * pulls_a; the result averages it over runs with a
// normal-approximation 95% interval (mean +- 1.96 sd / sqrt(runs)). Contextual runs with no
// declared features, i.e. a feature vector of the intercept alone.

import { InvalidArgumentError } from "../errors.js";
import { createRng } from "../random/rng.js";
import type { Rng } from "../random/rng.js";
import { createPolicy, DEFAULT_EXPLORATION_RATES } from "./create-policy.js";
import type { AnyBanditPolicy, PolicyOptions } from "./create-policy.js";
import { Z95 } from "./off-policy-types.js";
import { assertExplorationRate } from "./validation.js";
import type { BanditAlgorithm, BanditPolicy } from "./types.js";

/** The policy to simulate: algorithm, exploration rate (default DEFAULT_EXPLORATION_RATES) and options. */
export interface SimulationPolicyConfig {
  readonly algorithm: BanditAlgorithm;
  readonly exploration_rate?: number;
  readonly options?: PolicyOptions;
}

export interface SimulateBernoulliInput {
  readonly policy: SimulationPolicyConfig;
  /** Success probability of each arm (at least 2, each in [0, 1]). */
  readonly arms: readonly number[];
  readonly horizon: number;
  readonly runs: number;
  readonly seed: number | string;
  /** Checkpoints of the regret curve per decade of t (default 10). */
  readonly checkpoints_per_decade?: number;
}

export interface SimulationResult {
  readonly algorithm: BanditAlgorithm;
  readonly exploration_rate: number;
  readonly horizon: number;
  readonly runs: number;
  /** Pseudo-regret at the horizon averaged over runs. */
  readonly mean_regret: number;
  readonly ci95: [number, number];
  /** Share of all pulls each arm received over the horizon, averaged over runs. */
  readonly final_arm_shares: number[];
  /** Rounds at which the curve is recorded (log-spaced, ending at the horizon). */
  readonly checkpoints: number[];
  /** Mean cumulative pseudo-regret at each checkpoint. */
  readonly regret_curve: number[];
}

/** Log-spaced rounds 1..horizon (`perDecade` per factor 10, rounded, deduplicated, horizon last). */
export function logCheckpoints(horizon: number, perDecade = 10): number[] {
  const out = new Set<number>();
  const steps = Math.ceil(Math.log10(Math.max(1, horizon)) * perDecade);
  for (let s = 0; s <= steps; s++) {
    const t = Math.round(10 ** (s / perDecade));
    if (t <= horizon) out.add(t);
  }
  out.add(horizon);
  return [...out].sort((a, b) => a - b);
}

function runOnce<S>(policy: BanditPolicy<S>, arms: readonly number[], horizon: number, checkpoints: readonly number[], policyRng: Rng, envRng: Rng) {
  const best = Math.max(...arms);
  const gaps = arms.map((m) => best - m);
  const pulls = new Array<number>(arms.length).fill(0);
  const curve: number[] = [];
  let state = policy.initialState();
  let regret = 0;
  let next = 0;
  for (let t = 1; t <= horizon; t++) {
    const arm = policy.choose(state, { t }, policyRng);
    const reward = envRng() < arms[arm]! ? 1 : 0;
    state = policy.update(state, arm, reward, {});
    pulls[arm]! += 1;
    regret += gaps[arm]!;
    if (t === checkpoints[next]) {
      curve.push(regret);
      next++;
    }
  }
  return { regret, pulls, curve };
}

/**
 * Simulates a policy on Bernoulli arms and reports the mean pseudo-regret with its 95% interval,
 * the arms' shares of pulls and the regret curve. Reference for pseudo-regret: Bubeck &
 * Cesa-Bianchi (2012), "Regret analysis of stochastic and nonstochastic multi-armed bandit
 * problems", section 1 (pseudo-regret = sum_a Delta_a E[T_a(n)]).
 */
export function simulateBernoulli(input: SimulateBernoulliInput): SimulationResult {
  const { arms, horizon, runs, seed } = input;
  if (!Array.isArray(arms) || arms.length < 2) throw new InvalidArgumentError(`at least 2 arms are needed, got ${arms?.length ?? 0}`, "arms");
  arms.forEach((m, i) => {
    if (!(typeof m === "number" && m >= 0 && m <= 1)) throw new InvalidArgumentError(`arm mean must be in [0, 1], got ${m}`, `arms.${i}`);
  });
  if (!(Number.isInteger(horizon) && horizon >= 1)) throw new InvalidArgumentError(`horizon must be an integer >= 1, got ${horizon}`, "horizon");
  if (!(Number.isInteger(runs) && runs >= 1)) throw new InvalidArgumentError(`runs must be an integer >= 1, got ${runs}`, "runs");
  const algorithm = input.policy.algorithm;
  const exploration_rate = input.policy.exploration_rate ?? DEFAULT_EXPLORATION_RATES[algorithm];
  if (exploration_rate === undefined) throw new InvalidArgumentError(`unknown algorithm "${String(algorithm)}"`, "algorithm");
  assertExplorationRate(exploration_rate);
  const policy: AnyBanditPolicy = createPolicy(
    { algorithm, exploration_rate, arm_definitions: arms.map((_, i) => ({ arm_id: `arm-${i}` })) },
    input.policy.options,
  );
  const checkpoints = logCheckpoints(horizon, input.checkpoints_per_decade ?? 10);
  const regrets: number[] = [];
  const shares = new Array<number>(arms.length).fill(0);
  const curve = new Array<number>(checkpoints.length).fill(0);
  for (let r = 0; r < runs; r++) {
    const policyRng = createRng(`${seed}/run-${r}/policy`);
    const envRng = createRng(`${seed}/run-${r}/rewards`);
    const res = policy.algorithm === "Contextual"
      ? runOnce(policy, arms, horizon, checkpoints, policyRng, envRng)
      : runOnce(policy, arms, horizon, checkpoints, policyRng, envRng);
    regrets.push(res.regret);
    res.pulls.forEach((p, i) => (shares[i]! += p / horizon / runs));
    res.curve.forEach((c, i) => (curve[i]! += c / runs));
  }
  const mean = regrets.reduce((a, b) => a + b, 0) / runs;
  const sd = runs > 1 ? Math.sqrt(regrets.reduce((a, b) => a + (b - mean) ** 2, 0) / (runs - 1)) : 0;
  const half = (Z95 * sd) / Math.sqrt(runs);
  return { algorithm, exploration_rate, horizon, runs, mean_regret: mean, ci95: [mean - half, mean + half], final_arm_shares: shares, checkpoints, regret_curve: curve };
}
