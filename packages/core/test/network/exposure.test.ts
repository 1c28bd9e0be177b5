import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import {
  buildNetworkGraph,
  clusterGraph,
  clusterRandomizationScheme,
  computeExposure,
  createExposureModel,
  estimateExposureProbabilities,
  exposureConditions,
  plantedPartitionGraph,
} from "../../src/network/index.js";
import { createRng } from "../../src/random/rng.js";
import { denseTransition, referenceExposure } from "./helpers.js";

const graphOf = (n: number, edges: [number, number, number?][]) =>
  buildNetworkGraph({
    nodes: Array.from({ length: n }, (_, i) => ({ node_id: `v${i}` })),
    edges: edges.map(([a, b, w]) => ({ source: `v${a}`, target: `v${b}`, weight: w ?? 1 })),
  });

describe("exposure model", () => {
  it("with influence_decay 0 is the weighted share of treated neighbours", () => {
    // Star: centre 0 with leaves 1-4 (weights 1, 1, 0.5, 0.5); leaves 1 and 3 treated.
    const g = graphOf(5, [[0, 1, 1], [0, 2, 1], [0, 3, 0.5], [0, 4, 0.5]]);
    const model = createExposureModel(g, { influence_decay: 0, threshold: 0.5 });
    expect(model.hops).toBe(1);
    const e = computeExposure(model, [0, 1, 0, 1, 0]);
    expect(e[0]).toBeCloseTo(1.5 / 3, 15);
    expect(Array.from(e.subarray(1))).toEqual([0, 0, 0, 0]); // leaves see the untreated centre
    expect(Array.from(computeExposure(model, [1, 0, 0, 0, 0]).subarray(1))).toEqual([1, 1, 1, 1]);
  });

  it("matches the definition computed with dense matrix powers (random weighted graphs)", () => {
    for (let s = 0; s < 6; s++) {
      const rng = createRng(`dense${s}`);
      const input = plantedPartitionGraph({ communities: 3, communitySize: 8, averageDegree: 3 + (s % 3), mixing: 0.3, weights: "uniform", rng });
      const g = buildNetworkGraph({ nodes: [...input.nodes, { node_id: "isolated" }], edges: input.edges });
      const z = Array.from({ length: g.nodeCount }, () => (rng() < 0.5 ? 1 : 0));
      for (const decay of [0, 0.3, 1]) {
        for (const maxHops of [1, 2, 3]) {
          const model = createExposureModel(g, { influence_decay: decay, threshold: 0.5 }, { maxHops });
          const ref = referenceExposure(g, z, decay, model.hops);
          const e = computeExposure(model, z);
          for (let i = 0; i < g.nodeCount; i++) expect(e[i]).toBeCloseTo(ref[i]!, 12);
          expect(e[g.nodeCount - 1]).toBe(0);
        }
      }
    }
  });

  it("computes the 3-step return probabilities from triangles as diag(P^3)", () => {
    const input = plantedPartitionGraph({ communities: 2, communitySize: 12, averageDegree: 6, mixing: 0.2, weights: "uniform", rng: createRng("tri") });
    const g = buildNetworkGraph(input);
    const model = createExposureModel(g, { influence_decay: 0.5, threshold: 0.5 });
    const P = denseTransition(g);
    for (let i = 0; i < g.nodeCount; i++) {
      let d2 = 0;
      let d3 = 0;
      for (let j = 0; j < g.nodeCount; j++) {
        d2 += P[i]![j]! * P[j]![i]!;
        for (let k = 0; k < g.nodeCount; k++) d3 += P[i]![j]! * P[j]![k]! * P[k]![i]!;
      }
      expect(model.returnProbabilities[1]![i]).toBeCloseTo(d2, 14);
      expect(model.returnProbabilities[2]![i]).toBeCloseTo(d3, 14);
    }
  });

  it("chooses hops by the decay cutoff and excludes the node's own treatment", () => {
    const g = graphOf(3, [[0, 1], [1, 2]]);
    expect(createExposureModel(g, { influence_decay: 0.05, threshold: 0.5 }).hops).toBe(2);
    expect(createExposureModel(g, { influence_decay: 0.5, threshold: 0.5 }).hopWeights).toEqual([1, 0.5, 0.25]);
    expect(createExposureModel(g, { influence_decay: 0.5, threshold: 0.5 }, { hopCutoff: 0.3 }).hops).toBe(2);
    // A dyad: every 2-step walk returns, so only hop 1 counts; node 0's own treatment never does.
    const dyad = graphOf(2, [[0, 1]]);
    const m = createExposureModel(dyad, { influence_decay: 1, threshold: 0.5 });
    expect(Array.from(computeExposure(m, [1, 0]))).toEqual([0, 1]);
  });

  it("counts exposure exactly at the threshold as exposed", () => {
    const g = graphOf(3, [[0, 1], [0, 2]]);
    const model = createExposureModel(g, { influence_decay: 0, threshold: 0.5 });
    const { conditions, exposure } = exposureConditions(model, Int32Array.from([0, 1, 2]), Int32Array.from([0, 1, 0]));
    expect(exposure[0]).toBe(0.5);
    expect(conditions[0]).toBe(2); // control & exposed
    expect(conditions[1]).toBe(1); // treated, its only neighbour (0) is control
    expect(conditions[2]).toBe(3);
  });

  it("validates the spillover model and options", () => {
    const g = graphOf(2, [[0, 1]]);
    const path = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        return (e as InvalidArgumentError).path;
      }
      return undefined;
    };
    expect(path(() => createExposureModel(g, { influence_decay: 1.5, threshold: 0.5 }))).toBe("spillover_model.influence_decay");
    expect(path(() => createExposureModel(g, { influence_decay: -0.1, threshold: 0.5 }))).toBe("spillover_model.influence_decay");
    expect(path(() => createExposureModel(g, { influence_decay: 0.5, threshold: 0 }))).toBe("spillover_model.threshold");
    expect(path(() => createExposureModel(g, { influence_decay: 0.5, threshold: 1.01 }))).toBe("spillover_model.threshold");
    expect(path(() => createExposureModel(g, { influence_decay: 0.5, threshold: 0.5 }, { maxHops: 4 }))).toBe("maxHops");
    expect(path(() => computeExposure(createExposureModel(g, { influence_decay: 0.5, threshold: 0.5 }), [1]))).toBe("treated");
  });
});

describe("exposure probabilities", () => {
  it("the bounded strategy reproduces the full computation exactly, joint bitsets included", () => {
    for (const [mixing, threshold, decay, maxHops] of [
      [0.2, 0.5, 0.5, 3],
      [0.4, 0.3, 1, 3],
      [0.3, 0.7, 0.5, 2],
      [0.3, 0.5, 0, 1],
      [0.5, 0.9, 0.8, 3],
    ] as const) {
      const input = plantedPartitionGraph({ communities: 12, communitySize: 20, averageDegree: 6, mixing, weights: "uniform", rng: createRng(`bf${mixing}`) });
      const g = buildNetworkGraph({ nodes: [...input.nodes, { node_id: "alone" }], edges: input.edges });
      const c = clusterGraph(g, { method: "louvain", rng: createRng("bf") });
      const model = createExposureModel(g, { influence_decay: decay, threshold }, { maxHops });
      const scheme = clusterRandomizationScheme(c.sizes, 2);
      const run = (strategy: "bounded" | "full") =>
        estimateExposureProbabilities(model, c.clusterOf, scheme, { replays: 77, rng: createRng("bf-r"), recordJoint: true, strategy });
      const a = run("bounded");
      const b = run("full");
      for (let k = 0; k < 4; k++) {
        expect(Array.from(a.probabilities[k]!)).toEqual(Array.from(b.probabilities[k]!));
        expect(Array.from(a.indicators![k]!)).toEqual(Array.from(b.indicators![k]!));
      }
      for (let i = 0; i < g.nodeCount; i++) expect(a.probabilities.reduce((s, p) => s + p[i]!, 0)).toBeCloseTo(1, 12);
    }
  });

  it("agree with exact probabilities from enumerating every assignment", () => {
    // 6 clusters, 3 treated: C(6, 3) = 20 equally likely assignments.
    const input = plantedPartitionGraph({ communities: 6, communitySize: 8, averageDegree: 4, mixing: 0.35, rng: createRng("enum") });
    const g = buildNetworkGraph(input);
    const clusterOf = Int32Array.from(input.membership);
    const model = createExposureModel(g, { influence_decay: 0.5, threshold: 0.4 });
    const all: Int32Array[] = [];
    for (let mask = 0; mask < 64; mask++) {
      const arms = Int32Array.from({ length: 6 }, (_, c) => (mask >> c) & 1);
      if (arms.reduce((s, a) => s + a, 0) === 3) all.push(arms);
    }
    let next = 0;
    const exact = estimateExposureProbabilities(model, clusterOf, () => all[next++ % all.length]!, { replays: all.length, rng: createRng(0) });
    const R = 4000;
    const mc = estimateExposureProbabilities(model, clusterOf, clusterRandomizationScheme([8, 8, 8, 8, 8, 8], 2), { replays: R, rng: createRng("enum-mc") });
    for (let k = 0; k < 4; k++) {
      for (let i = 0; i < g.nodeCount; i++) {
        const p = exact.probabilities[k]![i]!;
        expect(Math.abs(mc.probabilities[k]![i]! - p)).toBeLessThanOrEqual(4.5 * Math.sqrt((p * (1 - p)) / R) + 1e-12);
        if (p === 0) expect(mc.probabilities[k]![i]).toBe(0);
      }
    }
  });

  it("validates its inputs", () => {
    const g = graphOf(3, [[0, 1], [1, 2]]);
    const model = createExposureModel(g, { influence_decay: 0.5, threshold: 0.5 });
    const scheme = clusterRandomizationScheme([2, 1], 2);
    expect(() => estimateExposureProbabilities(model, Int32Array.from([0, 0, 1]), scheme, { replays: 0, rng: createRng(1) })).toThrow(/replays/);
    expect(() => estimateExposureProbabilities(model, Int32Array.from([0, 1]), scheme, { rng: createRng(1) })).toThrow(InvalidArgumentError);
    expect(() => estimateExposureProbabilities(model, Int32Array.from([0, 0, 1]), clusterRandomizationScheme([1, 1, 1], 2), { rng: createRng(1) })).toThrow(/scheme/);
  });
});

