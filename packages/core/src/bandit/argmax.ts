// Argmax with ties: the set of maximal indices and a uniform random tie-break. Exact ties are
// what make a deterministic policy's propensity 1/|ties| instead of 1.

import type { Rng } from "../random/rng.js";

/**
 * Indices whose value equals the maximum, with a relative tolerance (default 1e-12) so that
 * values equal up to rounding are ties. +Infinity values tie with each other only.
 */
export function argmaxTies(values: readonly number[], relTol = 1e-12): number[] {
  let best = -Infinity;
  for (const v of values) if (v > best) best = v;
  const ties: number[] = [];
  if (best === -Infinity) {
    for (let i = 0; i < values.length; i++) ties.push(i);
    return ties;
  }
  const tol = Number.isFinite(best) ? relTol * Math.max(1, Math.abs(best)) : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === best || best - v <= tol) ties.push(i);
  }
  return ties;
}

/** One of the tied maximal indices, uniformly at random (no draw when there is a single one). */
export function argmaxRandomTie(values: readonly number[], rng: Rng): number {
  const ties = argmaxTies(values);
  if (ties.length === 1) return ties[0]!;
  return ties[Math.min(ties.length - 1, Math.floor(rng() * ties.length))]!;
}

/** A vector of probabilities: 1/|ties| on each maximal index, 0 elsewhere. */
export function tieProbabilities(k: number, ties: readonly number[]): number[] {
  const p = new Array<number>(k).fill(0);
  for (const i of ties) p[i] = 1 / ties.length;
  return p;
}
