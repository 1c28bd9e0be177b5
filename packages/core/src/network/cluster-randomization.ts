// Cluster randomisation: whole clusters are assigned to treatment arms by complete
// randomisation (shuffle the clusters, deal them to the arms round-robin, so arm sizes in
// clusters differ by at most one), optionally blocked on cluster size (sort by size, cut into
// blocks of |arms| clusters, permute the arms within each block). Arm 0 is the control.

import { InvalidArgumentError } from "../errors.js";
import type { Rng } from "../random/rng.js";
import type { ClusterAssignmentScheme } from "./types.js";

export interface ClusterRandomizationOptions {
  /** Block on cluster size (pairs of similar sizes for two arms); default false. */
  readonly stratifyBySize?: boolean;
}

/** In-place Fisher-Yates shuffle (Knuth, TAOCP vol. 2, Algorithm 3.4.2P) of a[0..len). */
export function shuffleInPlace(a: Int32Array, rng: Rng, len = a.length): void {
  for (let i = len - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/**
 * Assigns each of the clusters (given by their sizes) to one of `armCount` arms; returns the arm
 * index per cluster. Complete randomisation: arm a receives ceil or floor(K / armCount) clusters,
 * with the extra clusters going to the lowest arms. Stratified by size (a randomised block design,
 * blocks of similar size as in Ugander et al. 2013's stratified variant): each block of
 * `armCount` consecutive clusters in size order holds each arm once, the last partial block a
 * random subset of arms. The same rng state gives the same assignment.
 */
export function randomizeClusters(
  sizes: ArrayLike<number>,
  armCount: number,
  rng: Rng,
  options: ClusterRandomizationOptions = {},
): Int32Array {
  if (!Number.isInteger(armCount) || armCount < 2) {
    throw new InvalidArgumentError(`at least two treatment arms are needed, got ${armCount}`, "treatments");
  }
  const K = sizes.length;
  const arms = new Int32Array(K);
  if (!options.stratifyBySize) {
    const perm = new Int32Array(K);
    for (let c = 0; c < K; c++) perm[c] = c;
    shuffleInPlace(perm, rng);
    for (let p = 0; p < K; p++) arms[perm[p]!] = p % armCount;
    return arms;
  }
  const bySize = Int32Array.from({ length: K }, (_, c) => c).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  const armPerm = new Int32Array(armCount);
  for (let start = 0; start < K; start += armCount) {
    for (let a = 0; a < armCount; a++) armPerm[a] = a;
    shuffleInPlace(armPerm, rng);
    const end = Math.min(K, start + armCount);
    for (let p = start; p < end; p++) arms[bySize[p]!] = armPerm[p - start]!;
  }
  return arms;
}

/** The randomisation scheme as a replayable function (for exposure probabilities). */
export function clusterRandomizationScheme(
  sizes: ArrayLike<number>,
  armCount: number,
  options: ClusterRandomizationOptions = {},
): ClusterAssignmentScheme {
  const frozen = Int32Array.from(sizes as ArrayLike<number>);
  return (rng) => randomizeClusters(frozen, armCount, rng, options);
}
