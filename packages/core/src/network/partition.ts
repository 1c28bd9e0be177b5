// Clusterings as partitions of the nodes: construction from per-node labels (clusters numbered
// by first appearance, so results do not depend on a library's label values) and the check that
// a clustering partitions every node exactly once (data-model rule "clusters partition all nodes").

import { InvalidArgumentError } from "../errors.js";
import type { Clustering, NetworkGraph } from "./types.js";

/**
 * A clustering from one label per node. Clusters are numbered in order of first appearance;
 * ids are the labels themselves when `useLabelsAsIds`, otherwise `c0`, `c1`, ...
 */
export function clusteringFromLabels(labels: ArrayLike<number | string>, useLabelsAsIds = false): Clustering {
  const n = labels.length;
  const clusterOf = new Int32Array(n);
  const ids: string[] = [];
  const seen = new Map<number | string, number>();
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    let c = seen.get(label);
    if (c === undefined) {
      c = ids.length;
      seen.set(label, c);
      ids.push(useLabelsAsIds ? String(label) : `c${c}`);
      sizes.push(0);
    }
    clusterOf[i] = c;
    sizes[c]!++;
  }
  if (useLabelsAsIds && new Set(ids).size !== ids.length) {
    throw new InvalidArgumentError("cluster labels must stay distinct as strings (e.g. 1 and \"1\" collide)", "clusters");
  }
  return { clusterOf, clusterIds: ids, sizes: Int32Array.from(sizes) };
}

/**
 * Asserts that `clustering` partitions the graph's nodes: one cluster per node, every cluster
 * non-empty, sizes matching, ids distinct. Throws InvalidArgumentError naming the violation.
 */
export function assertPartition(graph: NetworkGraph, clustering: Clustering): void {
  const { clusterOf, clusterIds, sizes } = clustering;
  const K = clusterIds.length;
  if (clusterOf.length !== graph.nodeCount) {
    throw new InvalidArgumentError(`clustering covers ${clusterOf.length} nodes, the graph has ${graph.nodeCount}`, "clusters");
  }
  if (sizes.length !== K) throw new InvalidArgumentError("clustering has mismatched ids and sizes", "clusters");
  if (new Set(clusterIds).size !== K) throw new InvalidArgumentError("cluster ids must be distinct", "clusters");
  const count = new Int32Array(K);
  for (let i = 0; i < clusterOf.length; i++) {
    const c = clusterOf[i]!;
    if (!(c >= 0 && c < K)) {
      throw new InvalidArgumentError(`node '${graph.nodeIds[i]}' is in no cluster`, `nodes.${i}`);
    }
    count[c]!++;
  }
  for (let c = 0; c < K; c++) {
    if (count[c] === 0) throw new InvalidArgumentError(`cluster '${clusterIds[c]}' is empty`, "clusters");
    if (count[c] !== sizes[c]) {
      throw new InvalidArgumentError(`cluster '${clusterIds[c]}' reports size ${sizes[c]} but holds ${count[c]} nodes`, "clusters");
    }
  }
}
