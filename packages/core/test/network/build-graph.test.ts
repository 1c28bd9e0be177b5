import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import { buildNetworkGraph, connectedComponents, type NetworkEdgeInput } from "../../src/network/index.js";
import { karateInput, KARATE_EDGES } from "./fixtures/karate.js";

const nodes = (ids: string[]) => ids.map((node_id) => ({ node_id }));

function errorOf(f: () => unknown): InvalidArgumentError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return e as InvalidArgumentError;
  }
  throw new Error("expected an InvalidArgumentError");
}

describe("buildNetworkGraph", () => {
  it("builds Zachary's karate club: 34 nodes, 78 edges, symmetric sorted CSR", () => {
    const g = buildNetworkGraph(karateInput());
    expect(g.nodeCount).toBe(34);
    expect(g.edgeCount).toBe(78);
    expect(g.totalWeight).toBe(78);
    // Degrees of the two leaders (networkx: G.degree(0) == 16, G.degree(33) == 17).
    expect(g.offsets[1]! - g.offsets[0]!).toBe(16);
    expect(g.offsets[34]! - g.offsets[33]!).toBe(17);
    for (let i = 0; i < g.nodeCount; i++) {
      for (let p = g.offsets[i]!; p < g.offsets[i + 1]!; p++) {
        const j = g.neighbors[p]!;
        if (p > g.offsets[i]!) expect(g.neighbors[p - 1]!).toBeLessThan(j);
        const row = Array.from(g.neighbors.subarray(g.offsets[j]!, g.offsets[j + 1]!));
        expect(row).toContain(i);
      }
    }
    expect(g.attributes[0]).toEqual({ club: "Mr. Hi" });
    expect(g.buildReport).toEqual({ self_loops_ignored: 0, duplicate_edges_merged: 0, zero_weight_edges_dropped: 0 });
  });

  it("treats a missing weight as 1 and keeps strengths", () => {
    const g = buildNetworkGraph({ nodes: nodes(["a", "b", "c"]), edges: [{ source: "a", target: "b" }, { source: "b", target: "c", weight: 0.25 }] });
    expect(Array.from(g.strength)).toEqual([1, 1.25, 0.25]);
    expect(g.totalWeight).toBe(1.25);
  });

  it("rejects malformed nodes with their path", () => {
    expect(errorOf(() => buildNetworkGraph({ nodes: [], edges: [] })).path).toBe("nodes");
    expect(errorOf(() => buildNetworkGraph({ nodes: "x" as never, edges: [] })).path).toBe("nodes");
    expect(errorOf(() => buildNetworkGraph({ nodes: nodes(["a", "b"]), edges: {} as never })).path).toBe("edges");
    const bad = [{ node_id: "a" }, { node_id: "b" }, { node_id: "c" }, { node_id: "" }];
    expect(errorOf(() => buildNetworkGraph({ nodes: bad, edges: [] })).path).toBe("nodes.3.node_id");
    expect(errorOf(() => buildNetworkGraph({ nodes: [{ node_id: 7 as never }], edges: [] })).path).toBe("nodes.0.node_id");
    expect(errorOf(() => buildNetworkGraph({ nodes: [null as never], edges: [] })).path).toBe("nodes.0");
    const dup = errorOf(() => buildNetworkGraph({ nodes: nodes(["a", "b", "a"]), edges: [] }));
    expect(dup.path).toBe("nodes.2.node_id");
    expect(dup.message).toContain("'a'");
    expect(dup.message).toContain("nodes.0");
    expect(errorOf(() => buildNetworkGraph({ nodes: [{ node_id: "a", attributes: [1] as never }], edges: [] })).path).toBe("nodes.0.attributes");
  });

  it("rejects edges to unknown nodes, weights outside [0, 1] and non-objects, naming the edge", () => {
    const ns = nodes(["a", "b", "c"]);
    const e = (extra: NetworkEdgeInput): NetworkEdgeInput[] => [{ source: "a", target: "b", weight: 1 }, extra];
    const unknownSource = errorOf(() => buildNetworkGraph({ nodes: ns, edges: e({ source: "zz", target: "b", weight: 1 }) }));
    expect(unknownSource.path).toBe("edges.1.source");
    expect(unknownSource.message).toContain("'zz'");
    expect(errorOf(() => buildNetworkGraph({ nodes: ns, edges: e({ source: "a", target: "q", weight: 1 }) })).path).toBe("edges.1.target");
    for (const weight of [-0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "0.5" as never, null as never]) {
      expect(errorOf(() => buildNetworkGraph({ nodes: ns, edges: e({ source: "b", target: "c", weight }) })).path).toBe("edges.1.weight");
    }
    expect(errorOf(() => buildNetworkGraph({ nodes: ns, edges: [{ source: "a", target: "b" }, 3 as never] })).path).toBe("edges.1");
  });

  it("self-loops: rejected by default, dropped and counted with selfLoops: 'ignore'", () => {
    const input = { nodes: nodes(["a", "b"]), edges: [{ source: "a", target: "b", weight: 1 }, { source: "b", target: "b", weight: 0.5 }] };
    const err = errorOf(() => buildNetworkGraph(input));
    expect(err.path).toBe("edges.1");
    expect(err.message).toContain("self-loop");
    const g = buildNetworkGraph(input, { selfLoops: "ignore" });
    expect(g.edgeCount).toBe(1);
    expect(g.buildReport?.self_loops_ignored).toBe(1);
  });

  it("duplicate edges (either direction): rejected naming both, or merged keeping the larger weight", () => {
    const input = {
      nodes: nodes(["a", "b", "c"]),
      edges: [
        { source: "a", target: "b", weight: 0.2 },
        { source: "b", target: "c", weight: 1 },
        { source: "b", target: "a", weight: 0.7 },
      ],
    };
    const err = errorOf(() => buildNetworkGraph(input));
    expect(err.path).toBe("edges.2");
    expect(err.message).toContain("edges.0");
    const g = buildNetworkGraph(input, { duplicateEdges: "max" });
    expect(g.edgeCount).toBe(2);
    expect(g.buildReport?.duplicate_edges_merged).toBe(1);
    expect(g.weights[g.offsets[0]!]).toBe(0.7);
    // Paths stay those of the input when self-loops were dropped before.
    const shifted = { nodes: input.nodes, edges: [{ source: "c", target: "c", weight: 1 }, ...input.edges] };
    expect(errorOf(() => buildNetworkGraph(shifted, { selfLoops: "ignore" })).path).toBe("edges.3");
  });

  it("drops zero-weight edges (no influence) and counts them", () => {
    const g = buildNetworkGraph({ nodes: nodes(["a", "b", "c"]), edges: [{ source: "a", target: "b", weight: 0 }, { source: "b", target: "c", weight: 1 }] });
    expect(g.edgeCount).toBe(1);
    expect(g.buildReport?.zero_weight_edges_dropped).toBe(1);
    expect(g.strength[0]).toBe(0);
  });
});

describe("connectedComponents", () => {
  it("identifies components and reports {count, sizes} largest first", () => {
    const g = buildNetworkGraph({
      nodes: nodes(["a", "b", "c", "d", "e", "f", "g"]),
      edges: [
        { source: "a", target: "b", weight: 1 },
        { source: "d", target: "e", weight: 1 },
        { source: "e", target: "f", weight: 0.5 },
        { source: "c", target: "g", weight: 0 }, // dropped: c and g stay apart
      ],
    });
    const comps = connectedComponents(g);
    expect(comps.count).toBe(4);
    expect(comps.sizes).toEqual([3, 2, 1, 1]);
    expect(Array.from(comps.componentOf)).toEqual([0, 0, 1, 2, 2, 2, 3]);
    expect(Array.from(comps.componentSizes)).toEqual([2, 1, 3, 1]);
  });

  it("finds the karate club connected", () => {
    const comps = connectedComponents(buildNetworkGraph(karateInput()));
    expect(comps).toMatchObject({ count: 1, sizes: [34] });
    expect(KARATE_EDGES.length).toBe(78);
  });
});
