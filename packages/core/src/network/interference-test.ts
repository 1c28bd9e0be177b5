// The interference test of Saveski et al. (2017): under no interference the difference-in-means
// estimate from the cluster-randomised half and from the unit-randomised half estimate the same
// average treatment effect; with spillover the cluster half sees (close to) the total effect and
// the unit half (close to) the direct effect. The test statistic is their difference over its
// standard error, referred to the standard normal (conservative under the null, as both variance
// estimators are Neyman-type upper bounds).

import { normalCdf } from "../bayesopt/normal.js";
import { InvalidArgumentError } from "../errors.js";
import type { TwoStageDesign } from "./two-stage-design.js";

export interface ArmEstimate {
  readonly estimate: number;
  readonly std_error: number;
  /** Units behind the estimate: clusters (cluster half) or nodes (unit half), treated / control. */
  readonly n_treated: number;
  readonly n_control: number;
}

export interface InterferenceTestResult {
  readonly cluster_randomized: ArmEstimate;
  readonly unit_randomized: ArmEstimate;
  readonly difference: number;
  readonly std_error: number;
  readonly statistic: number;
  readonly p_value: number;
  readonly alpha: number;
  readonly interference_detected: boolean;
}

function meanVar(xs: number[]): [number, number] {
  const n = xs.length;
  let m = 0;
  for (const x of xs) m += x;
  m /= n;
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return [m, n > 1 ? s / (n - 1) : Number.NaN];
}

/**
 * Saveski et al. (2017, sec. 3.2-3.3) test. Cluster half: the cluster-level Horvitz-Thompson
 * difference (M / N)(mean treated cluster total - mean control cluster total) with variance
 * (M / N)^2 (S_t^2 / M_t + S_c^2 / M_c); unit half: difference in means with the Neyman variance
 * S_t^2 / n_t + S_c^2 / n_c. Statistic (tau_cr - tau_br) / sqrt(var_cr + var_br), two-sided
 * normal p-value. Outcomes NaN are missing (left out, and their cluster totals without them).
 */
export function interferenceTest(
  clusterOf: Int32Array,
  design: TwoStageDesign,
  outcomes: Float64Array,
  options: { alpha?: number } = {},
): InterferenceTestResult {
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new InvalidArgumentError(`alpha must be in (0, 1), got ${alpha}`, "alpha");
  const n = clusterOf.length;
  if (outcomes.length !== n || design.treated.length !== n) {
    throw new InvalidArgumentError("need one outcome and one treatment per node", "outcomes");
  }
  const K = design.clusterArm.length;
  const totals = new Float64Array(K);
  const counted = new Int32Array(K);
  const clusterTreated = new Int8Array(K).fill(-1);
  const unitT: number[] = [];
  const unitC: number[] = [];
  let nCr = 0;
  for (let i = 0; i < n; i++) {
    const c = clusterOf[i]!;
    if (design.clusterArm[c] === 0) clusterTreated[c] = design.treated[i]!;
    const y = outcomes[i]!;
    if (Number.isNaN(y)) continue;
    if (design.clusterArm[c] === 0) {
      totals[c]! += y;
      counted[c]!++;
      nCr++;
    } else (design.treated[i] ? unitT : unitC).push(y);
  }
  const crT: number[] = [];
  const crC: number[] = [];
  for (let c = 0; c < K; c++) {
    if (design.clusterArm[c] !== 0 || counted[c] === 0) continue;
    (clusterTreated[c] === 1 ? crT : crC).push(totals[c]!);
  }
  if (crT.length < 2 || crC.length < 2 || unitT.length < 2 || unitC.length < 2) {
    throw new InvalidArgumentError(
      "the interference test needs at least two treated and two control clusters in the cluster half and two treated and two control nodes with outcomes in the unit half",
      "outcomes",
    );
  }
  const M = crT.length + crC.length;
  const scale = M / nCr;
  const [mt, vt] = meanVar(crT);
  const [mc, vc] = meanVar(crC);
  const tauCr = scale * (mt - mc);
  const varCr = scale * scale * (vt / crT.length + vc / crC.length);
  const [ut, uvt] = meanVar(unitT);
  const [uc, uvc] = meanVar(unitC);
  const tauBr = ut - uc;
  const varBr = uvt / unitT.length + uvc / unitC.length;
  const se = Math.sqrt(varCr + varBr);
  const difference = tauCr - tauBr;
  const statistic = se > 0 ? difference / se : difference === 0 ? 0 : Math.sign(difference) * Infinity;
  const p_value = Math.min(1, 2 * normalCdf(-Math.abs(statistic)));
  return {
    cluster_randomized: { estimate: tauCr, std_error: Math.sqrt(varCr), n_treated: crT.length, n_control: crC.length },
    unit_randomized: { estimate: tauBr, std_error: Math.sqrt(varBr), n_treated: unitT.length, n_control: unitC.length },
    difference,
    std_error: se,
    statistic,
    p_value,
    alpha,
    interference_detected: p_value < alpha,
  };
}
