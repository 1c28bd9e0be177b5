// The exposure model of spillover_model {influence_decay, threshold}: how much of a node's
// (multi-hop, weighted) neighbourhood is treated, and whether that reaches the threshold.
//
// Definition. Let P be the random-walk transition matrix of the weighted graph,
// P[i][j] = w_ij / s_i (s_i the weighted degree), z_j = 1 when node j is treated (any non-control
// arm), and D_h(i) = (P^h)[i][i] the chance that an h-step walk from i ends back at i. The hop-h
// treated share of node i is the chance that an h-step walk from i ends at a treated node, given
// it does not end at i itself:
//     s_h(i) = ((P^h z)_i - D_h(i) z_i) / (1 - D_h(i))          (s_1(i) = (P z)_i, D_1 = 0)
// (for h = 1 this is the weighted share of treated neighbours). Exposure is the decay-weighted
// mean over hops h = 1..H with weights c_h = influence_decay^(h-1):
//     e_i = sum_h c_h s_h(i) / sum_h c_h                         (in [0, 1]),
// where hops with 1 - D_h(i) = 0 are left out of both sums, and a node without neighbours has
// e_i = 0. H is the largest h <= maxHops (default and limit 3) with c_h >= hopCutoff (default
// 0.01), so influence_decay = 0 means direct neighbours only. A node is exposed when
// e_i >= threshold (up to 1e-12 rounding). The mapping is linear in z, costs H sparse
// matrix-vector products per assignment, and excludes the node's own treatment.

import { InvalidArgumentError } from "../errors.js";
import type { NetworkGraph, SpilloverModel } from "./types.js";

/** Slack for comparing exposure with the threshold, so 0.5 computed as 0.4999999999 counts. */
export const EXPOSURE_TOLERANCE = 1e-12;

export interface ExposureModelOptions {
  /** Largest number of hops, 1 to 3 (default 3). */
  readonly maxHops?: number;
  /** Hops whose weight influence_decay^(h-1) falls below this are dropped (default 0.01). */
  readonly hopCutoff?: number;
}

/** A precomputed exposure mapping for one graph and spillover model. */
export interface ExposureModel {
  readonly graph: NetworkGraph;
  readonly spillover: SpilloverModel;
  /** Hops H in use. */
  readonly hops: number;
  /** c_h = influence_decay^(h-1), h = 1..H. */
  readonly hopWeights: readonly number[];
  /** P per arc (CSR order). */
  readonly transition: Float64Array;
  /** Per hop h, per node: c_h / (norm_i (1 - D_h(i))), 0 for left-out hops. */
  readonly hopCoefficients: readonly Float64Array[];
  /** Per node: sum_h hopCoefficients[h][i] D_h(i), the own-treatment correction. */
  readonly selfCoefficient: Float64Array;
  /** D_h(i) per hop (all zero for h = 1). */
  readonly returnProbabilities: readonly Float64Array[];
}

/** Checks spillover_model: influence_decay in [0, 1], threshold in (0, 1]. */
export function validateSpilloverModel(spillover: SpilloverModel): void {
  if (typeof spillover !== "object" || spillover === null) {
    throw new InvalidArgumentError("spillover_model must be an object {influence_decay, threshold}", "spillover_model");
  }
  const { influence_decay: d, threshold: t } = spillover;
  if (typeof d !== "number" || !Number.isFinite(d) || d < 0 || d > 1) {
    throw new InvalidArgumentError(`influence_decay must be a number in [0, 1], got ${String(d)}`, "spillover_model.influence_decay");
  }
  if (typeof t !== "number" || !Number.isFinite(t) || t <= 0 || t > 1) {
    throw new InvalidArgumentError(
      `threshold must be a number in (0, 1] (exposure is a share in [0, 1]; 0 would expose every node), got ${String(t)}`,
      "spillover_model.threshold",
    );
  }
}

/**
 * Precomputes the exposure mapping defined above (the multi-hop, decayed generalisation of the
 * "fraction of treated neighbours" exposure of Ugander et al. 2013 and Aronow & Samii 2017, sec. 2).
 * Costs O(m) plus, for 3 hops, O(sum of squared degrees) for the return probabilities.
 */
export function createExposureModel(
  graph: NetworkGraph,
  spillover: SpilloverModel,
  options: ExposureModelOptions = {},
): ExposureModel {
  validateSpilloverModel(spillover);
  const maxHops = options.maxHops ?? 3;
  const cutoff = options.hopCutoff ?? 0.01;
  if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > 3) {
    throw new InvalidArgumentError(`maxHops must be 1, 2 or 3, got ${maxHops}`, "maxHops");
  }
  if (!(cutoff >= 0 && cutoff < 1)) throw new InvalidArgumentError(`hopCutoff must be in [0, 1), got ${cutoff}`, "hopCutoff");
  const decay = spillover.influence_decay;
  const hopWeights = [1];
  while (hopWeights.length < maxHops && decay ** hopWeights.length >= cutoff && decay > 0) hopWeights.push(decay ** hopWeights.length);
  const H = hopWeights.length;

  const n = graph.nodeCount;
  const { offsets, neighbors, weights, strength } = graph;
  const transition = new Float64Array(neighbors.length);
  for (let i = 0; i < n; i++) {
    const s = strength[i]!;
    for (let p = offsets[i]!; p < offsets[i + 1]!; p++) transition[p] = weights[p]! / s;
  }
  // Return probabilities D_2 and D_3.
  const ret: Float64Array[] = [new Float64Array(n)];
  if (H >= 2) {
    const d2 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let p = offsets[i]!; p < offsets[i + 1]!; p++) acc += transition[p]! * (weights[p]! / strength[neighbors[p]!]!);
      d2[i] = acc;
    }
    ret.push(d2);
  }
  if (H >= 3) ret.push(threeStepReturns(graph));
  const hopCoefficients = hopWeights.map(() => new Float64Array(n));
  const selfCoefficient = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!(strength[i]! > 0)) continue;
    let norm = 0;
    for (let h = 0; h < H; h++) if (1 - ret[h]![i]! > 1e-12) norm += hopWeights[h]!;
    let self = 0;
    for (let h = 0; h < H; h++) {
      const keep = 1 - ret[h]![i]!;
      if (keep > 1e-12) {
        const a = hopWeights[h]! / (norm * keep);
        hopCoefficients[h]![i] = a;
        self += a * ret[h]![i]!;
      }
    }
    selfCoefficient[i] = self;
  }
  return { graph, spillover, hops: H, hopWeights, transition, hopCoefficients, selfCoefficient, returnProbabilities: ret };
}

/**
 * D_3(i) = (P^3)_ii: a 3-step walk returns only around a triangle {i, j, k}, and with symmetric
 * weights both orientations have probability w_ij w_jk w_ki / (s_i s_j s_k). Triangles are listed
 * once each (i < j < k) by merging sorted neighbour lists (O(m * average degree)).
 */
function threeStepReturns(graph: NetworkGraph): Float64Array {
  const { nodeCount: n, offsets, neighbors, weights, strength } = graph;
  const d3 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const iEnd = offsets[i + 1]!;
    // First neighbour of i above i.
    let iStart = offsets[i]!;
    while (iStart < iEnd && neighbors[iStart]! < i) iStart++;
    for (let a = iStart; a < iEnd; a++) {
      const j = neighbors[a]!;
      const wij = weights[a]!;
      // Intersect N(i) and N(j) above j.
      let p = a + 1;
      const jEnd = offsets[j + 1]!;
      let q = offsets[j]!;
      while (q < jEnd && neighbors[q]! <= j) q++;
      while (p < iEnd && q < jEnd) {
        const x = neighbors[p]!;
        const y = neighbors[q]!;
        if (x < y) p++;
        else if (y < x) q++;
        else {
          const c = (2 * wij * weights[p]! * weights[q]!) / (strength[i]! * strength[j]! * strength[x]!);
          d3[i]! += c;
          d3[j]! += c;
          d3[x]! += c;
          p++;
          q++;
        }
      }
    }
  }
  return d3;
}

/** Reusable buffers for exposureInto (two vectors of the graph's size). */
export interface ExposureWorkspace {
  readonly a: Float64Array;
  readonly b: Float64Array;
}

export function createExposureWorkspace(model: ExposureModel): ExposureWorkspace {
  return { a: new Float64Array(model.graph.nodeCount), b: new Float64Array(model.graph.nodeCount) };
}

/**
 * Exposure of every node for treatment indicators z (1 = treated, 0 = control), written to `out`.
 * H sparse matrix-vector products; allocation-free with a workspace.
 */
export function exposureInto(model: ExposureModel, z: ArrayLike<number>, out: Float64Array, work: ExposureWorkspace): Float64Array {
  const { offsets, neighbors, nodeCount: n } = model.graph;
  const { transition: P, hopCoefficients, selfCoefficient, hops } = model;
  let prev: ArrayLike<number> = z;
  let cur = work.a;
  let other = work.b;
  out.fill(0);
  for (let h = 0; h < hops; h++) {
    const coef = hopCoefficients[h]!;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      const end = offsets[i + 1]!;
      for (let p = offsets[i]!; p < end; p++) acc += P[p]! * prev[neighbors[p]!]!;
      cur[i] = acc;
      out[i]! += coef[i]! * acc;
    }
    prev = cur;
    const t = cur;
    cur = other;
    other = t;
  }
  for (let i = 0; i < n; i++) {
    const e = out[i]! - selfCoefficient[i]! * z[i]!;
    out[i] = e < 0 ? 0 : e > 1 ? 1 : e;
  }
  return out;
}

/** Exposure of every node for treatment indicators z (1 = treated, 0 = control). */
export function computeExposure(model: ExposureModel, z: ArrayLike<number>): Float64Array {
  if (z.length !== model.graph.nodeCount) {
    throw new InvalidArgumentError(`need one treatment indicator per node (${model.graph.nodeCount}), got ${z.length}`, "treated");
  }
  return exposureInto(model, z, new Float64Array(model.graph.nodeCount), createExposureWorkspace(model));
}
