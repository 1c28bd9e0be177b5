import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import {
  buildNetworkGraph,
  clusterGraph,
  computeExposure,
  createExposureModel,
  interferenceTest,
  plantedPartitionGraph,
  twoStageRandomization,
} from "../../src/network/index.js";
import { createRng, normalDraw } from "../../src/random/rng.js";

// 120 communities of 20 with few edges between them; Louvain clusters.
const input = plantedPartitionGraph({ communities: 120, communitySize: 20, averageDegree: 8, mixing: 0.1, rng: createRng("ist") });
const graph = buildNetworkGraph(input);
const clustering = clusterGraph(graph, { method: "louvain", rng: createRng("ist-louvain") });
const neighbourShare = createExposureModel(graph, { influence_decay: 0, threshold: 0.5 });

/** Y = 1 + 1 * treated + gamma * (share of treated neighbours) + N(0, 1). */
function outcomes(treated: Uint8Array, gamma: number, seed: number): Float64Array {
  const share = computeExposure(neighbourShare, treated);
  const rng = createRng(`ist-noise${seed}`);
  return Float64Array.from(treated, (t, i) => 1 + t + gamma * share[i]! + normalDraw(rng));
}

describe("two-stage randomisation (Saveski et al. 2017)", () => {
  it("splits clusters in halves and balances treatment within each half, reproducibly", () => {
    const d = twoStageRandomization(clustering, createRng("ts"));
    const K = clustering.clusterIds.length;
    const unitClusters = d.clusterArm.reduce((s, a) => s + a, 0);
    expect(Math.abs(K - 2 * unitClusters)).toBeLessThanOrEqual(1);
    const crTreated = new Map<number, number>();
    let unitT = 0;
    let unitN = 0;
    for (let i = 0; i < graph.nodeCount; i++) {
      const c = clustering.clusterOf[i]!;
      if (d.clusterArm[c] === 0) {
        if (crTreated.has(c)) expect(crTreated.get(c)).toBe(d.treated[i]); // whole clusters
        crTreated.set(c, d.treated[i]!);
      } else {
        unitN++;
        unitT += d.treated[i]!;
      }
    }
    const t = [...crTreated.values()].reduce((a, b) => a + b, 0);
    expect(Math.abs(crTreated.size - 2 * t)).toBeLessThanOrEqual(1);
    expect(Math.abs(unitN - 2 * unitT)).toBeLessThanOrEqual(1);
    expect(Array.from(twoStageRandomization(clustering, createRng("ts")).treated)).toEqual(Array.from(d.treated));
  });
});

describe("interference test", () => {
  it("detects a spillover of the size of the direct effect", () => {
    const d = twoStageRandomization(clustering, createRng("detect"));
    const r = interferenceTest(clustering.clusterOf, d, outcomes(d.treated, 1.5, 1));
    // Cluster half: about the total effect 1 + 1.5 x (share of treated neighbours ~ 0.9); unit half:
    // about the direct effect 1 (neighbours' treatment is independent of one's own there).
    expect(r.cluster_randomized.estimate).toBeGreaterThan(r.unit_randomized.estimate);
    expect(r.interference_detected).toBe(true);
    expect(r.p_value).toBeLessThan(0.05);
    expect(r.statistic).toBeCloseTo(r.difference / r.std_error, 12);
  });

  it("holds its level without interference (rejections over seeds, loose bound)", () => {
    let rejections = 0;
    const seeds = 30;
    for (let s = 0; s < seeds; s++) {
      const d = twoStageRandomization(clustering, createRng(`null${s}`));
      const r = interferenceTest(clustering.clusterOf, d, outcomes(d.treated, 0, 100 + s));
      if (r.interference_detected) rejections++;
      expect(r.p_value).toBeGreaterThanOrEqual(0);
      expect(r.p_value).toBeLessThanOrEqual(1);
    }
    // Expected about 5% (the test is conservative); allow sampling noise.
    expect(rejections).toBeLessThanOrEqual(5);
  });

  it("ignores missing outcomes and rejects designs too small to test", () => {
    const d = twoStageRandomization(clustering, createRng("missing"));
    const y = outcomes(d.treated, 0, 7);
    for (let i = 0; i < y.length; i += 3) y[i] = Number.NaN;
    expect(interferenceTest(clustering.clusterOf, d, y).p_value).toBeGreaterThan(0);
    const tiny = clusterGraph(buildNetworkGraph({ nodes: [{ node_id: "a" }, { node_id: "b" }], edges: [] }), { method: "components" });
    const td = twoStageRandomization(tiny, createRng(1));
    expect(() => interferenceTest(tiny.clusterOf, td, Float64Array.from([1, 2]))).toThrow(InvalidArgumentError);
  });
});
