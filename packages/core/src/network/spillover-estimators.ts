// Horvitz-Thompson and Hájek estimators of contrasts between exposure conditions (Aronow &
// Samii 2017), and the three spillover effects built from them:
//   direct   = mean Y(treated, unexposed) - mean Y(control, unexposed)   (d10 - d00)
//   indirect = mean Y(control, exposed)   - mean Y(control, unexposed)   (d01 - d00)
//   total    = mean Y(treated, exposed)   - mean Y(control, unexposed)   (d11 - d00)
// Each contrast is estimated over the nodes that have an outcome and a positive probability of
// both conditions (at least `minProbability`); the others are excluded and counted in a note,
// since their potential outcome under one condition can never be observed (the estimand becomes
// the average over that subpopulation). Under cluster randomisation with good clusters, most
// nodes' exposure follows their own arm, so direct and indirect effects rest on boundary nodes
// only (see n_nodes and the notes); the total effect has full support.
//
// Standard errors (normal 95% intervals, estimate +- 1.96 SE):
// - "aronow-samii": the conservative estimator of Aronow & Samii (2017) with joint
//   probabilities from the replay bitsets; for Hájek, applied to residuals (linearisation).
//   Conservative, markedly so for contrasts of different own arms (same-cluster pairs never
//   share them, so Young's-inequality terms enter). O(N^2 R / 32): used by "auto" up to
//   maxJointNodes (2000) analysed nodes.
// - "cluster": linearised influence values summed by randomisation cluster (cluster-robust,
//   G / (G - 1)). Scales to any size; ignores dependence between neighbouring clusters and can
//   under-cover when few nodes are observed in a condition (a note flags fewer than 10).

import { InvalidArgumentError } from "../errors.js";
import { aronowSamiiVariance } from "./aronow-samii-variance.js";
import { clusterRobustVariance } from "./cluster-variance.js";
import type { ExposureProbabilities } from "./exposure-probabilities.js";
import {
  CONTROL_EXPOSED,
  CONTROL_UNEXPOSED,
  EXPOSURE_CONDITIONS,
  TREATED_EXPOSED,
  TREATED_UNEXPOSED,
  type EffectEstimate,
  type ExposureCondition,
  type SpilloverEstimator,
  type VarianceMethod,
} from "./types.js";

/** Largest analysis set for an explicitly requested Aronow-Samii variance. */
const MAX_PAIRWISE_NODES = 20_000;

/** Below this many observed nodes in a condition, a contrast carries a reliability note. */
const FEW_OBSERVED = 10;

/** z_{0.975}, for 95% normal intervals. */
export const Z_975 = 1.959963984540054;

export interface ContrastData {
  /** Observed condition code of every node. */
  readonly conditions: Uint8Array;
  /** Outcome of every node, NaN where there is none. */
  readonly outcomes: Float64Array;
  readonly probabilities: ExposureProbabilities;
  /** Randomisation cluster of every node (for the cluster-level variance). */
  readonly clusterOf: Int32Array;
}

export interface ContrastOptions {
  readonly estimator?: SpilloverEstimator;
  /** "auto" (default): Aronow-Samii when bitsets exist and the analysis set has <= maxJointNodes nodes. */
  readonly variance?: "auto" | VarianceMethod;
  /** Nodes whose probability of either condition is below this are excluded (default: only 0 is). */
  readonly minProbability?: number;
  readonly maxJointNodes?: number;
}

export interface ContrastEstimate extends EffectEstimate {
  readonly variance_method: VarianceMethod | null;
  /** Nodes with an outcome left out for lack of positive probability of one of the conditions. */
  readonly excluded_nodes: number;
  readonly notes: string[];
}

function empty(n: number, excluded: number, notes: string[]): ContrastEstimate {
  return { estimate: null, std_error: null, ci_lower: null, ci_upper: null, n_nodes: n, variance_method: null, excluded_nodes: excluded, notes };
}

/**
 * Estimates mean Y(d_k) - mean Y(d_l) by Horvitz-Thompson (sums of Y / pi over N) or Hájek
 * (ratio of sums; Aronow & Samii 2017, sec. 6), with standard error and 95% interval.
 */
export function estimateContrast(data: ContrastData, k: number, l: number, options: ContrastOptions = {}): ContrastEstimate {
  const estimator = options.estimator ?? "hajek";
  if (estimator !== "hajek" && estimator !== "horvitz-thompson") {
    throw new InvalidArgumentError(`estimator must be "hajek" or "horvitz-thompson", got ${String(estimator)}`, "estimator");
  }
  const minP = options.minProbability ?? 0;
  if (!(minP >= 0 && minP < 1)) throw new InvalidArgumentError(`minProbability must be in [0, 1), got ${minP}`, "minProbability");
  const { conditions, outcomes, probabilities: probs, clusterOf } = data;
  const pk = probs.probabilities[k]!;
  const pl = probs.probabilities[l]!;
  const n = conditions.length;
  const label = `${EXPOSURE_CONDITIONS[k]} vs ${EXPOSURE_CONDITIONS[l]}`;

  const members: number[] = [];
  let withOutcome = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(outcomes[i]!)) continue;
    withOutcome++;
    const a = pk[i]!;
    const b = pl[i]!;
    if (a > 0 && b > 0 && a >= minP && b >= minP) members.push(i);
  }
  const nodes = Int32Array.from(members);
  const N = nodes.length;
  const excluded = withOutcome - N;
  const notes: string[] = [];
  if (excluded > 0) {
    notes.push(
      `${label}: ${excluded} of ${withOutcome} nodes with outcomes excluded (estimated probability of one condition is 0` +
        (minP > 0 ? ` or below ${minP}` : "") +
        ` over ${probs.replays} replays)`,
    );
  }
  // Weighted sums per condition.
  let sk = 0, wk = 0, nk = 0, sl = 0, wl = 0, nl = 0;
  for (let a = 0; a < N; a++) {
    const i = nodes[a]!;
    const c = conditions[i];
    if (c === k) {
      sk += outcomes[i]! / pk[i]!;
      wk += 1 / pk[i]!;
      nk++;
    } else if (c === l) {
      sl += outcomes[i]! / pl[i]!;
      wl += 1 / pl[i]!;
      nl++;
    }
  }
  if (nk === 0 || nl === 0) {
    notes.push(`${label}: not estimable, no node observed in ${nk === 0 ? EXPOSURE_CONDITIONS[k] : EXPOSURE_CONDITIONS[l]} among ${N} eligible nodes`);
    return empty(N, excluded, notes);
  }
  for (const [count, cond] of [[nk, k], [nl, l]] as const) {
    if (count < FEW_OBSERVED) {
      notes.push(`${label}: only ${count} node(s) observed in ${EXPOSURE_CONDITIONS[cond]}; the standard error and interval are unreliable`);
    }
  }
  const muK = estimator === "hajek" ? sk / wk : sk / N;
  const muL = estimator === "hajek" ? sl / wl : sl / N;
  const estimate = muK - muL;

  const maxJoint = options.maxJointNodes ?? 2000;
  const requested = options.variance ?? "auto";
  if (requested !== "auto" && requested !== "aronow-samii" && requested !== "cluster") {
    throw new InvalidArgumentError(`variance must be "auto", "aronow-samii" or "cluster", got ${String(requested)}`, "variance");
  }
  let method: VarianceMethod;
  if (requested === "auto") method = probs.indicators && N <= maxJoint ? "aronow-samii" : "cluster";
  else method = requested;
  if (method === "aronow-samii" && !probs.indicators) {
    throw new InvalidArgumentError("the Aronow-Samii variance needs joint probabilities: estimate them with recordJoint: true", "variance");
  }
  if (method === "aronow-samii" && N > MAX_PAIRWISE_NODES) {
    throw new InvalidArgumentError(
      `the Aronow-Samii variance is pairwise (O(N^2)); ${N} nodes exceed ${MAX_PAIRWISE_NODES}: use variance "cluster"`,
      "variance",
    );
  }

  if (estimator === "hajek" && (nk < 2 || nl < 2)) {
    notes.push(`${label}: no standard error (a single node observed in ${nk < 2 ? EXPOSURE_CONDITIONS[k] : EXPOSURE_CONDITIONS[l]}, residual variance not estimable)`);
    return { estimate, std_error: null, ci_lower: null, ci_upper: null, n_nodes: N, variance_method: method, excluded_nodes: excluded, notes };
  }
  // Hájek residuals are scaled by sqrt(n_c / (n_c - 1)) per condition, the usual small-sample
  // correction of a plug-in residual variance (as s^2 divides by n - 1).
  const scaleK = estimator === "hajek" ? Math.sqrt(nk / (nk - 1)) : 1;
  const scaleL = estimator === "hajek" ? Math.sqrt(nl / (nl - 1)) : 1;
  let variance: number;
  if (method === "aronow-samii") {
    // HT: the outcomes; Hájek: residuals from the condition means (linearisation).
    const values = new Float64Array(n);
    for (let a = 0; a < N; a++) {
      const i = nodes[a]!;
      const c = conditions[i];
      if (estimator === "horvitz-thompson") values[i] = outcomes[i]!;
      else if (c === k) values[i] = scaleK * (outcomes[i]! - muK);
      else if (c === l) values[i] = scaleL * (outcomes[i]! - muL);
    }
    variance = aronowSamiiVariance({
      nodes,
      conditions,
      values,
      k,
      l,
      probabilities: probs.probabilities,
      indicators: probs.indicators!,
      words: probs.words,
      replays: probs.replays,
    });
  } else {
    const influence = new Float64Array(n);
    for (let a = 0; a < N; a++) {
      const i = nodes[a]!;
      const c = conditions[i];
      if (estimator === "hajek") {
        if (c === k) influence[i] = (scaleK * (outcomes[i]! - muK)) / (pk[i]! * wk);
        else if (c === l) influence[i] = (-scaleL * (outcomes[i]! - muL)) / (pl[i]! * wl);
      } else {
        if (c === k) influence[i] = outcomes[i]! / (pk[i]! * N);
        else if (c === l) influence[i] = -outcomes[i]! / (pl[i]! * N);
      }
    }
    variance = clusterRobustVariance(nodes, influence, clusterOf);
  }
  if (Number.isNaN(variance)) {
    notes.push(`${label}: no standard error (fewer than two clusters hold eligible nodes)`);
    return { estimate, std_error: null, ci_lower: null, ci_upper: null, n_nodes: N, variance_method: method, excluded_nodes: excluded, notes };
  }
  if (variance < 0) {
    notes.push(`${label}: the variance estimate was negative (${variance.toPrecision(3)}) and is reported as 0`);
    variance = 0;
  }
  const se = Math.sqrt(variance);
  return {
    estimate,
    std_error: se,
    ci_lower: estimate - Z_975 * se,
    ci_upper: estimate + Z_975 * se,
    n_nodes: N,
    variance_method: method,
    excluded_nodes: excluded,
    notes,
  };
}

/** Nodes observed in each exposure condition (with an outcome when outcomes are given). */
export function countByCondition(conditions: Uint8Array, outcomes?: Float64Array): Record<ExposureCondition, number> {
  const c = [0, 0, 0, 0];
  for (let i = 0; i < conditions.length; i++) if (!outcomes || !Number.isNaN(outcomes[i]!)) c[conditions[i]!]!++;
  return { treated_exposed: c[0]!, treated_unexposed: c[1]!, control_exposed: c[2]!, control_unexposed: c[3]! };
}

export interface SpilloverEffects {
  readonly direct_effect: ContrastEstimate;
  readonly indirect_effect: ContrastEstimate;
  readonly total_effect: ContrastEstimate;
  readonly n_by_condition: Record<ExposureCondition, number>;
  readonly notes: string[];
}

/** Direct (d10 - d00), indirect (d01 - d00) and total (d11 - d00) effects. */
export function estimateSpilloverEffects(data: ContrastData, options: ContrastOptions = {}): SpilloverEffects {
  const direct_effect = estimateContrast(data, TREATED_UNEXPOSED, CONTROL_UNEXPOSED, options);
  const indirect_effect = estimateContrast(data, CONTROL_EXPOSED, CONTROL_UNEXPOSED, options);
  const total_effect = estimateContrast(data, TREATED_EXPOSED, CONTROL_UNEXPOSED, options);
  return {
    direct_effect,
    indirect_effect,
    total_effect,
    n_by_condition: countByCondition(data.conditions, data.outcomes),
    notes: [...direct_effect.notes, ...indirect_effect.notes, ...total_effect.notes],
  };
}
