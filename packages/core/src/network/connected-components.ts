// Connected components of the compact graph by breadth-first search over the CSR rows, O(n + m).
// The data model asks that a graph be connected or have its components identified: this is the
// identification, reported as {count, sizes} and usable as a clustering.

import type { ComponentSummary, NetworkGraph } from "./types.js";

/**
 * Connected components (breadth-first search; Cormen et al., Introduction to Algorithms, 22.2).
 * Component ids follow the smallest node index they contain; `sizes` is sorted largest first.
 */
export function connectedComponents(graph: NetworkGraph): ComponentSummary {
  const n = graph.nodeCount;
  const { offsets, neighbors } = graph;
  const componentOf = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  const sizeList: number[] = [];
  let count = 0;
  for (let start = 0; start < n; start++) {
    if (componentOf[start] !== -1) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    componentOf[start] = count;
    while (head < tail) {
      const u = queue[head++]!;
      for (let p = offsets[u]!; p < offsets[u + 1]!; p++) {
        const v = neighbors[p]!;
        if (componentOf[v] === -1) {
          componentOf[v] = count;
          queue[tail++] = v;
        }
      }
    }
    sizeList.push(tail);
    count++;
  }
  const componentSizes = Int32Array.from(sizeList);
  return { count, sizes: sizeList.slice().sort((a, b) => b - a), componentOf, componentSizes };
}
