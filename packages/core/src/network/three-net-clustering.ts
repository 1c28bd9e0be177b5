// 3-net clustering of Ugander, Karrer, Backstrom & Kleinberg (2013): a maximal set of centres at
// pairwise hop distance >= 3, chosen greedily in a seeded random order, and the Voronoi cells of
// those centres (every node joins its nearest centre; ties go to the centre reached first by a
// multi-source breadth-first search seeded in selection order). On graphs of restricted growth
// each node's neighbourhood then meets few clusters, which bounds the variance of exposure-based
// estimators. Edge weights are ignored (hop distance).

import type { Rng } from "../random/rng.js";
import { clusteringFromLabels } from "./partition.js";
import type { Clustering, NetworkGraph } from "./types.js";

/**
 * 3-net clustering (Ugander et al. 2013, "Graph cluster randomization: network exposure to
 * multiple universes", KDD, section 4.2). Every node is within 2 hops of its cluster's centre.
 */
export function threeNetClustering(graph: NetworkGraph, rng: Rng): Clustering {
  const n = graph.nodeCount;
  const { offsets, neighbors } = graph;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  // blocked[v]: v is within distance 2 of a chosen centre, so cannot become one.
  const blocked = new Uint8Array(n);
  const centres: number[] = [];
  for (let k = 0; k < n; k++) {
    const s = order[k]!;
    if (blocked[s]) continue;
    centres.push(s);
    blocked[s] = 1;
    for (let p = offsets[s]!; p < offsets[s + 1]!; p++) {
      const v = neighbors[p]!;
      blocked[v] = 1;
      for (let q = offsets[v]!; q < offsets[v + 1]!; q++) blocked[neighbors[q]!] = 1;
    }
  }
  // Voronoi cells by multi-source BFS from the centres in selection order.
  const cell = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let c = 0; c < centres.length; c++) {
    cell[centres[c]!] = c;
    queue[tail++] = centres[c]!;
  }
  for (let head = 0; head < tail; head++) {
    const u = queue[head]!;
    for (let p = offsets[u]!; p < offsets[u + 1]!; p++) {
      const v = neighbors[p]!;
      if (cell[v] === -1) {
        cell[v] = cell[u]!;
        queue[tail++] = v;
      }
    }
  }
  return clusteringFromLabels(cell);
}
