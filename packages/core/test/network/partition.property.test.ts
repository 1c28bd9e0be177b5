import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assertPartition,
  buildNetworkGraph,
  clusterGraph,
  clusteringFromLabels,
  connectedComponents,
  decodeNetworkGraph,
  encodeNetworkGraph,
  randomizeClusters,
  type NetworkGraph,
} from "../../src/network/index.js";
import { createRng } from "../../src/random/rng.js";

/** A random simple undirected graph: n nodes, edges with weights in (0, 1]. */
const graphArb = fc
  .integer({ min: 1, max: 40 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.uniqueArray(
        fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }), fc.double({ min: 0.01, max: 1, noNaN: true })),
        { maxLength: 3 * n, selector: ([a, b]) => (a < b ? `${a}-${b}` : `${b}-${a}`) },
      ),
      seed: fc.integer(),
    }),
  )
  .map(({ n, edges, seed }) => ({
    seed,
    graph: buildNetworkGraph({
      nodes: Array.from({ length: n }, (_, i) => ({ node_id: `v${i}`, attributes: { cluster_id: `g${(i * 7 + seed) % 5}` } })),
      edges: edges.filter(([a, b]) => a !== b).map(([a, b, w]) => ({ source: `v${a}`, target: `v${b}`, weight: w })),
    }),
  }));

function withinComponents(g: NetworkGraph, clusterOf: Int32Array): boolean {
  const comp = connectedComponents(g).componentOf;
  const seen = new Map<number, number>();
  for (let i = 0; i < g.nodeCount; i++) {
    const c = seen.get(clusterOf[i]!);
    if (c === undefined) seen.set(clusterOf[i]!, comp[i]!);
    else if (c !== comp[i]) return false;
  }
  return true;
}

describe("partition properties", () => {
  it("every clustering method partitions all nodes; Louvain, three-net and components never span components", () => {
    fc.assert(
      fc.property(graphArb, ({ graph, seed }) => {
        for (const method of ["louvain", "components", "given", "three-net"] as const) {
          const c = clusterGraph(graph, { method, rng: createRng(seed) });
          assertPartition(graph, c);
          expect(c.sizes.reduce((a, b) => a + b, 0)).toBe(graph.nodeCount);
          if (method !== "given") expect(withinComponents(graph, c.clusterOf)).toBe(true);
        }
        const g2 = clusterGraph(graph, { method: "louvain", engine: "graphology", rng: createRng(seed) });
        assertPartition(graph, g2);
      }),
      { numRuns: 60 },
    );
  });

  it("clusteringFromLabels puts nodes together exactly when their labels agree", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 50 }), (labels) => {
        const c = clusteringFromLabels(labels);
        for (let i = 0; i < labels.length; i++) {
          for (let j = 0; j < labels.length; j++) expect(c.clusterOf[i] === c.clusterOf[j]).toBe(labels[i] === labels[j]);
        }
        expect(c.clusterOf[0]).toBe(0);
      }),
    );
  });

  it("randomisation deals every cluster one arm with balanced arm counts, plain or stratified", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 2, max: 5 }),
        fc.boolean(),
        fc.integer(),
        (sizes, T, stratifyBySize, seed) => {
          const arms = randomizeClusters(sizes, T, createRng(seed), { stratifyBySize });
          expect(arms).toHaveLength(sizes.length);
          const counts = new Array<number>(T).fill(0);
          for (const a of arms) {
            expect(a >= 0 && a < T).toBe(true);
            counts[a]!++;
          }
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it("the compact encoding round-trips any graph", () => {
    fc.assert(
      fc.property(graphArb, ({ graph }) => {
        const back = decodeNetworkGraph(encodeNetworkGraph(graph));
        expect(back.nodeIds).toEqual(graph.nodeIds);
        expect(Array.from(back.neighbors)).toEqual(Array.from(graph.neighbors));
        expect(Array.from(back.weights)).toEqual(Array.from(graph.weights));
      }),
      { numRuns: 60 },
    );
  });
});
