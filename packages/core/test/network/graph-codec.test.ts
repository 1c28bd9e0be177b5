import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import { buildNetworkGraph, decodeNetworkGraph, encodeNetworkGraph, plantedPartitionGraph, type NetworkGraph } from "../../src/network/index.js";
import { createRng } from "../../src/random/rng.js";
import { karateInput } from "./fixtures/karate.js";

function expectSameGraph(a: NetworkGraph, b: NetworkGraph, weightTolerance = 0) {
  expect(b.nodeIds).toEqual(a.nodeIds);
  expect(b.edgeCount).toBe(a.edgeCount);
  expect(Array.from(b.offsets)).toEqual(Array.from(a.offsets));
  expect(Array.from(b.neighbors)).toEqual(Array.from(a.neighbors));
  if (weightTolerance === 0) expect(Array.from(b.weights)).toEqual(Array.from(a.weights));
  else for (let p = 0; p < a.weights.length; p++) expect(Math.abs(b.weights[p]! - a.weights[p]!)).toBeLessThanOrEqual(weightTolerance);
}

describe("graph codec", () => {
  it("round-trips the karate club (unit weights take no weight bytes)", () => {
    const g = buildNetworkGraph(karateInput());
    const bytes = encodeNetworkGraph(g);
    expect(bytes[5]).toBe(0); // weight mode: all ones
    // header 8 + ids (10 x 2 + 24 x 3 bytes) + 34 degree varints + 78 delta varints = 212
    expect(bytes.length).toBe(212);
    expectSameGraph(g, decodeNetworkGraph(bytes));
  });

  it("round-trips ids with any characters and a weight palette", () => {
    const ids = ["α", "b\nc", "🙂", "", "x"].slice(0, 5).map((s, i) => `${s}${i}`);
    const g = buildNetworkGraph({
      nodes: ids.map((node_id) => ({ node_id })),
      edges: [
        { source: ids[0]!, target: ids[1]!, weight: 0.5 },
        { source: ids[2]!, target: ids[1]!, weight: 0.25 },
        { source: ids[4]!, target: ids[0]!, weight: 0.5 },
      ],
    });
    const bytes = encodeNetworkGraph(g);
    expect(bytes[5]).toBe(1); // palette
    const back = decodeNetworkGraph(bytes);
    expectSameGraph(g, back);
    expect(back.nodeIndex.get(ids[2]!)).toBe(2);
  });

  it("is lossless for arbitrary float64 weights and within tolerance for f32 / u16", () => {
    const rng = createRng("codec");
    const input = plantedPartitionGraph({ communities: 10, communitySize: 30, averageDegree: 6, mixing: 0.3, weights: "uniform", rng });
    const g = buildNetworkGraph(input);
    const exact = encodeNetworkGraph(g);
    expect(exact[5]).toBe(3);
    expectSameGraph(g, decodeNetworkGraph(exact));
    expectSameGraph(g, decodeNetworkGraph(encodeNetworkGraph(g, { weights: "f32" })), 1e-7);
    expectSameGraph(g, decodeNetworkGraph(encodeNetworkGraph(g, { weights: "u16" })), 1 / 65535);
  });

  it("stores a 10K-node, 75K-edge graph with float64 weights in under 1 MB", () => {
    const input = plantedPartitionGraph({ communities: 100, communitySize: 100, averageDegree: 15, mixing: 0.2, weights: "uniform", rng: createRng("codec-10k") });
    const g = buildNetworkGraph(input);
    expect(g.edgeCount).toBe(75_000);
    const bytes = encodeNetworkGraph(g);
    expect(bytes.length).toBeLessThan(1_000_000);
    expect(encodeNetworkGraph(g, { weights: "f32" }).length).toBeLessThan(600_000);
    const back = decodeNetworkGraph(bytes);
    expect(back.edgeCount).toBe(75_000);
    expect(back.totalWeight).toBeCloseTo(g.totalWeight, 6);
  });

  it("rejects corrupt input", () => {
    const bytes = encodeNetworkGraph(buildNetworkGraph(karateInput()));
    expect(() => decodeNetworkGraph(bytes.slice(0, 100))).toThrow(InvalidArgumentError);
    const bad = bytes.slice();
    bad[0] = 0;
    expect(() => decodeNetworkGraph(bad)).toThrow(/magic/);
    const trailing = new Uint8Array(bytes.length + 1);
    trailing.set(bytes);
    expect(() => decodeNetworkGraph(trailing)).toThrow(/trailing/);
    expect(() => encodeNetworkGraph(buildNetworkGraph(karateInput()), { weights: "f16" as never })).toThrow(InvalidArgumentError);
  });
});
