// Per-arm ridge-regression state of the contextual bandit, stored as plain arrays so the Durable
// Object can persist it: A = lambda I + sum x x^T, b = sum r x, and A^-1 kept up to date by
// Sherman-Morrison rank-one updates (O(d^2) per reward instead of O(d^3)).

import { InvalidArgumentError } from "../errors.js";
import { assertArmIndex, assertReward } from "./validation.js";
import { invertMatrix, matVec, scaledIdentity } from "./linear-algebra.js";

/** One arm's linear model (disjoint model of Li et al. 2010). */
export interface LinearArmState {
  readonly arm_id: string;
  /** Rewards applied. */
  readonly n: number;
  /** A = lambda I + sum x x^T (d x d). */
  readonly a: number[][];
  /** A^-1 (d x d), maintained by Sherman-Morrison. */
  readonly a_inv: number[][];
  /** b = sum reward * x (d). */
  readonly b: number[];
}

/** The Contextual policy's state: dimension, ridge lambda, one linear model per arm. */
export interface ContextualState {
  readonly d: number;
  readonly lambda: number;
  readonly arms: LinearArmState[];
}

/** A model with no data: A = lambda I, A^-1 = I / lambda, b = 0. */
export function initialLinearArm(arm_id: string, d: number, lambda = 1): LinearArmState {
  if (!(Number.isInteger(d) && d >= 1)) throw new InvalidArgumentError(`dimension must be an integer >= 1, got ${d}`, "d");
  if (!(Number.isFinite(lambda) && lambda > 0)) throw new InvalidArgumentError(`ridge lambda must be > 0, got ${lambda}`, "lambda");
  return { arm_id, n: 0, a: scaledIdentity(d, lambda), a_inv: scaledIdentity(d, 1 / lambda), b: new Array<number>(d).fill(0) };
}

/** The initial contextual state of the given arms. */
export function initialContextualState(arm_ids: readonly string[], d: number, lambda = 1): ContextualState {
  return { d, lambda, arms: arm_ids.map((id) => initialLinearArm(id, d, lambda)) };
}

/**
 * (A + x x^T)^-1 from A^-1 = A^-1 - (A^-1 x)(A^-1 x)^T / (1 + x^T A^-1 x), using the symmetry of
 * A^-1. Reference: Sherman & Morrison (1950), Ann. Math. Statist. 21; Golub & Van Loan, section 2.1.4.
 */
export function shermanMorrisonUpdate(aInv: readonly (readonly number[])[], x: readonly number[]): number[][] {
  const u = matVec(aInv, x);
  let denom = 1;
  for (let i = 0; i < x.length; i++) denom += x[i]! * u[i]!;
  return aInv.map((row, i) => row.map((v, j) => v - (u[i]! * u[j]!) / denom));
}

/** Ridge estimate theta = A^-1 b. */
export function linearEstimate(arm: LinearArmState): number[] {
  return matVec(arm.a_inv, arm.b);
}

/** New arm model after observing `reward` with feature vector `x` (A += x x^T, b += r x). */
export function applyContextualReward(arm: LinearArmState, x: readonly number[], reward: number): LinearArmState {
  assertReward(reward);
  const d = arm.b.length;
  if (x.length !== d) throw new InvalidArgumentError(`feature vector has length ${x.length}, the model expects ${d}`, "x");
  for (const [i, v] of x.entries()) if (!Number.isFinite(v)) throw new InvalidArgumentError(`feature ${i} is not finite`, `x.${i}`);
  return {
    arm_id: arm.arm_id,
    n: arm.n + 1,
    a: arm.a.map((row, i) => row.map((v, j) => v + x[i]! * x[j]!)),
    a_inv: shermanMorrisonUpdate(arm.a_inv, x),
    b: arm.b.map((v, i) => v + reward * x[i]!),
  };
}

/** New contextual state with a reward applied to arm `arm_index`. */
export function applyContextualRewardAt(state: ContextualState, arm_index: number, x: readonly number[], reward: number): ContextualState {
  assertArmIndex(arm_index, state.arms.length);
  return { ...state, arms: state.arms.map((a, i) => (i === arm_index ? applyContextualReward(a, x, reward) : a)) };
}

/**
 * Merges two shards' models of the same arm that both started from lambda I:
 * A = A1 + A2 - lambda I, b = b1 + b2, A^-1 recomputed directly (the sufficient statistics add).
 */
export function mergeLinearArms(a: LinearArmState, b: LinearArmState, lambda: number): LinearArmState {
  if (a.arm_id !== b.arm_id) throw new InvalidArgumentError(`cannot merge models of arms "${a.arm_id}" and "${b.arm_id}"`, "arm_id");
  if (a.b.length !== b.b.length) throw new InvalidArgumentError("cannot merge models of different dimensions", "d");
  const A = a.a.map((row, i) => row.map((v, j) => v + b.a[i]![j]! - (i === j ? lambda : 0)));
  return { arm_id: a.arm_id, n: a.n + b.n, a: A, a_inv: invertMatrix(A), b: a.b.map((v, i) => v + b.b[i]!) };
}

/** Recomputes A^-1 from A directly (to wash out rounding after very many rank-one updates). */
export function refreshInverse(arm: LinearArmState): LinearArmState {
  return { ...arm, a_inv: invertMatrix(arm.a) };
}
