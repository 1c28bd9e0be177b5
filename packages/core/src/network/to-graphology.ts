// Conversion of the compact graph to a graphology UndirectedGraph (node keys are the node ids,
// edge attribute `weight`), for graphology's algorithms (Louvain, metrics).

import { UndirectedGraph } from "graphology";
import type { NetworkGraph } from "./types.js";

/** The graph as a graphology UndirectedGraph with a `weight` attribute on every edge. */
export function toGraphology(graph: NetworkGraph): UndirectedGraph {
  const g = new UndirectedGraph({ allowSelfLoops: false, multi: false });
  const { nodeIds, offsets, neighbors, weights } = graph;
  for (let i = 0; i < graph.nodeCount; i++) g.addNode(nodeIds[i]!);
  for (let i = 0; i < graph.nodeCount; i++) {
    const id = nodeIds[i]!;
    for (let p = offsets[i]!; p < offsets[i + 1]!; p++) {
      const j = neighbors[p]!;
      if (j > i) g.addEdge(id, nodeIds[j]!, { weight: weights[p]! });
    }
  }
  return g;
}
