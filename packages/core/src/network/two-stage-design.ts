// The two-stage design of Saveski et al. (2017) for detecting interference: clusters are first
// split at random into two halves; in one half whole clusters are randomised to treatment or
// control (cluster randomisation), in the other every node is randomised on its own (unit-level
// complete randomisation over the half's nodes). Two treatment arms only: 0 control, 1 treated.

import type { Rng } from "../random/rng.js";
import { randomizeClusters, shuffleInPlace } from "./cluster-randomization.js";
import type { Clustering } from "./types.js";

export interface TwoStageDesign {
  /** Per cluster: 0 = cluster-randomised half, 1 = unit-randomised half. */
  readonly clusterArm: Uint8Array;
  /** Per node: 1 treated, 0 control. */
  readonly treated: Uint8Array;
}

/**
 * Two-stage randomisation (Saveski, Pouget-Abadie, Saint-Jacques, Duan, Ghosh, Xu & Airoldi 2017,
 * "Detecting network effects: randomizing over randomized experiments", KDD, sec. 3): stage 1
 * splits the clusters in halves (complete randomisation, optionally blocked on size); stage 2
 * randomises clusters (first half) or nodes (second half), each half balanced.
 */
export function twoStageRandomization(clustering: Clustering, rng: Rng, options: { stratifyBySize?: boolean } = {}): TwoStageDesign {
  const K = clustering.clusterIds.length;
  const stage1 = randomizeClusters(clustering.sizes, 2, rng, options);
  const clusterArm = Uint8Array.from(stage1);
  const crClusters: number[] = [];
  for (let c = 0; c < K; c++) if (clusterArm[c] === 0) crClusters.push(c);
  const crSizes = crClusters.map((c) => clustering.sizes[c]!);
  const crArms = crClusters.length > 0 ? randomizeClusters(crSizes, 2, rng, options) : new Int32Array(0);
  const clusterTreated = new Uint8Array(K);
  crClusters.forEach((c, k) => (clusterTreated[c] = crArms[k]!));
  const n = clustering.clusterOf.length;
  const treated = new Uint8Array(n);
  const unitNodes: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = clustering.clusterOf[i]!;
    if (clusterArm[c] === 0) treated[i] = clusterTreated[c]!;
    else unitNodes.push(i);
  }
  const order = Int32Array.from(unitNodes);
  shuffleInPlace(order, rng);
  for (let k = 0; k < order.length; k++) treated[order[k]!] = k % 2 === 0 ? 1 : 0;
  return { clusterArm, treated };
}
