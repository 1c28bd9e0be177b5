// Weighted bucketing: the allocator only maps a point of [0, 1) onto arms by their weights.
// Weights are data (a policy computes them); this file does no statistics.

import { InvalidArgumentError } from "../errors.js";

/** Checks that weights are finite, non-negative and sum to 1 within `tol`. */
export function validateWeights(weights: readonly number[], tol = 1e-6): void {
  if (weights.length === 0) throw new InvalidArgumentError("weights must not be empty");
  let sum = 0;
  for (const [i, w] of weights.entries()) {
    if (!Number.isFinite(w) || w < 0) throw new InvalidArgumentError(`weight ${i} must be a finite number >= 0, got ${w}`);
    sum += w;
  }
  if (Math.abs(sum - 1) > tol) throw new InvalidArgumentError(`weights must sum to 1, got ${sum}`);
}

/**
 * Index of the bucket that `u` in [0, 1) falls into when [0, 1) is cut into consecutive
 * intervals of the given weights (normalised by their sum). Zero-weight buckets are never chosen.
 */
export function chooseBucket(u: number, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  if (!(total > 0)) throw new InvalidArgumentError("weights must have a positive sum");
  const target = u * total;
  let cum = 0;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (w <= 0) continue;
    cum += w;
    last = i;
    if (target < cum) return i;
  }
  return last;
}
