// Traffic floors around a bandit policy: a fixed control holdback (a share of all traffic always
// goes to the control arm) and a minimum share per arm (a uniform floor). Both are mixtures of
// the policy's own distribution, so propensities stay exact: with control share c, floor m and
// K arms, P(arm i) = c * [i = control] + (1 - c) * (m + (1 - K m) * q_i), where q is the policy's
// distribution (the epsilon-mixture construction of Sutton & Barto 2018, section 2.3, generalised).

import { InvalidArgumentError } from "../errors.js";
import { uniformArm } from "./policy-common.js";

export interface HoldbackOptions {
  /** Index of the control arm, or null for none. */
  readonly control_index: number | null;
  /** Share of all traffic held back for the control arm, in [0, 1). */
  readonly control_share: number;
  /** Minimum share of every arm, in [0, 1/K]. */
  readonly min_arm_share: number;
}

/** Checks the floors against the number of arms. */
export function validateHoldback(k: number, o: HoldbackOptions): void {
  if (!(o.control_share >= 0 && o.control_share < 1)) throw new InvalidArgumentError(`control_share must be in [0, 1), got ${o.control_share}`, "control_share");
  if (!(o.min_arm_share >= 0 && o.min_arm_share * k <= 1)) {
    throw new InvalidArgumentError(`min_arm_share must be in [0, 1/${k}] for ${k} arms, got ${o.min_arm_share}`, "min_arm_share");
  }
  if (o.control_index !== null && !(Number.isInteger(o.control_index) && o.control_index >= 0 && o.control_index < k)) {
    throw new InvalidArgumentError(`control arm index ${o.control_index} is not one of the ${k} arms`, "control_arm_id");
  }
}

/** The propensities after the holdback and the floor, from the policy's distribution q. */
export function holdbackProbabilities(q: readonly number[], o: HoldbackOptions): number[] {
  const k = q.length;
  const c = o.control_index === null ? 0 : o.control_share;
  const m = o.min_arm_share;
  return q.map((qi, i) => (i === o.control_index ? c : 0) + (1 - c) * (m + (1 - k * m) * qi));
}

/**
 * The arm actually served: the control arm with probability c, else a uniform arm with
 * probability K m, else the policy's arm. `uControl`, `uFloor` and `uArm` are independent
 * uniforms in [0, 1) (drawn only when the corresponding share is positive, so a policy without
 * floors consumes no extra randomness).
 */
export function holdbackArm(policyArm: number, k: number, o: HoldbackOptions, uControl: number, uFloor: number, uArm: number): number {
  const c = o.control_index === null ? 0 : o.control_share;
  if (uControl < c) return o.control_index!;
  if (uFloor < k * o.min_arm_share) return uniformArm(k, uArm);
  return policyArm;
}
