// Compressed-sparse-row assembly of an undirected graph from edge arrays: two stable counting
// sorts (by neighbour, then by row) give rows sorted by neighbour in O(n + m), which makes
// repeated pairs adjacent, so they are found and merged without hashing.

import { InvalidArgumentError } from "../errors.js";
import type { GraphBuildReport, NetworkGraph } from "./types.js";

/** How repeated (u, v) pairs are treated: an error naming both edges, or merged keeping the larger weight. */
export type DuplicateEdgePolicy = "reject" | "max";

/**
 * Assembles a NetworkGraph from validated edge arrays (endpoints are node indices, no
 * self-loops, weights in [0, 1]). Repeated pairs are rejected or merged by `duplicates`;
 * zero-weight edges are dropped after duplicate detection. `edgePath(e)` names edge e in errors.
 */
export function assembleGraph(
  nodeIds: readonly string[],
  nodeIndex: ReadonlyMap<string, number>,
  attributes: readonly (Readonly<Record<string, unknown>> | undefined)[],
  src: Int32Array,
  dst: Int32Array,
  w: Float64Array,
  options: { duplicates: DuplicateEdgePolicy; selfLoopsIgnored?: number; edgePath?: (e: number) => string },
): NetworkGraph {
  const n = nodeIds.length;
  const E = src.length;
  const A = 2 * E;
  // Arc a (< E) is src->dst of edge a; arc a + E is dst->src.
  const rowOf = (a: number) => (a < E ? src[a]! : dst[a - E]!);
  const colOf = (a: number) => (a < E ? dst[a]! : src[a - E]!);

  // Pass 1: stable bucket by column.
  const colStart = new Int32Array(n + 1);
  for (let e = 0; e < E; e++) {
    colStart[dst[e]! + 1]!++;
    colStart[src[e]! + 1]!++;
  }
  for (let i = 0; i < n; i++) colStart[i + 1]! += colStart[i]!;
  const byCol = new Int32Array(A);
  const fill = colStart.slice(0, n);
  for (let a = 0; a < A; a++) byCol[fill[colOf(a)]!++] = a;
  // Pass 2: stable bucket by row (degree counts are the same as column counts).
  const rowStart = colStart; // identical counts: every edge contributes one arc per endpoint as row and as column
  const arcs = new Int32Array(A);
  fill.set(rowStart.subarray(0, n));
  for (let p = 0; p < A; p++) {
    const a = byCol[p]!;
    arcs[fill[rowOf(a)]!++] = a;
  }

  // Scan rows: merge or reject repeated neighbours, drop zero weights.
  const offsets = new Int32Array(n + 1);
  const neighbors = new Int32Array(A);
  const weights = new Float64Array(A);
  let out = 0;
  let merged = 0;
  let zeroArcs = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = out;
    const end = rowStart[i + 1]!;
    let p = rowStart[i]!;
    while (p < end) {
      const a = arcs[p]!;
      const j = colOf(a);
      let weight = a < E ? w[a]! : w[a - E]!;
      let q = p + 1;
      while (q < end && colOf(arcs[q]!) === j) {
        const b = arcs[q]!;
        const eb = b < E ? b : b - E;
        if (options.duplicates === "reject") {
          const ea = a < E ? a : a - E;
          const name = options.edgePath ?? ((e: number) => `edges.${e}`);
          throw new InvalidArgumentError(
            `duplicate edge between '${nodeIds[i]}' and '${nodeIds[j]}' (first given as ${name(Math.min(ea, eb))}); ` +
              `the graph is undirected, so (u, v) and (v, u) are the same edge: merge repeated pairs or pass duplicateEdges: "max"`,
            name(Math.max(ea, eb)),
          );
        }
        if (i < j) merged++;
        weight = Math.max(weight, w[eb]!);
        q++;
      }
      if (weight > 0) {
        neighbors[out] = j;
        weights[out] = weight;
        out++;
      } else if (i < j) zeroArcs++;
      p = q;
    }
  }
  offsets[n] = out;
  const nb = out === A ? neighbors : neighbors.slice(0, out);
  const wt = out === A ? weights : weights.slice(0, out);
  const strength = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = offsets[i]!; p < offsets[i + 1]!; p++) s += wt[p]!;
    strength[i] = s;
    total += s;
  }
  const report: GraphBuildReport = {
    self_loops_ignored: options.selfLoopsIgnored ?? 0,
    duplicate_edges_merged: merged,
    zero_weight_edges_dropped: zeroArcs,
  };
  return {
    nodeCount: n,
    edgeCount: out / 2,
    nodeIds,
    nodeIndex,
    attributes,
    offsets,
    neighbors: nb,
    weights: wt,
    strength,
    totalWeight: total / 2,
    buildReport: report,
  };
}
