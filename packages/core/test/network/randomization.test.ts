import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import {
  buildNetworkGraph,
  designNetworkExperiment,
  designNetworkExperimentDetailed,
  plantedPartitionGraph,
  randomizeClusters,
} from "../../src/network/index.js";
import { createRng } from "../../src/random/rng.js";
import { karateInput } from "./fixtures/karate.js";

const counts = (arms: Int32Array, T: number) => {
  const c = new Array<number>(T).fill(0);
  for (const a of arms) c[a]!++;
  return c;
};

describe("randomizeClusters", () => {
  const sizes = [5, 9, 1, 4, 4, 7, 2, 8, 3, 6, 10];

  it("reproduces the assignment from the same seed and changes it with another", () => {
    const a = randomizeClusters(sizes, 2, createRng("s1"));
    expect(Array.from(randomizeClusters(sizes, 2, createRng("s1")))).toEqual(Array.from(a));
    const others = Array.from({ length: 5 }, (_, k) => Array.from(randomizeClusters(sizes, 2, createRng(`s${k + 2}`))).join());
    expect(others.some((o) => o !== Array.from(a).join())).toBe(true);
  });

  it("is balanced: arm sizes in clusters differ by at most one, extras to the first arms", () => {
    for (const T of [2, 3, 4]) {
      for (let s = 0; s < 20; s++) {
        const c = counts(randomizeClusters(sizes, T, createRng(`b${T}-${s}`)), T);
        expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
        expect(c[0]).toBe(Math.ceil(sizes.length / T));
      }
    }
  });

  it("gives every cluster each arm with probability 1/|arms| (complete randomisation)", () => {
    const even = [3, 3, 3, 3, 3, 3, 3, 3];
    const treated = new Array<number>(even.length).fill(0);
    const R = 4000;
    const rng = createRng("marginal");
    for (let r = 0; r < R; r++) randomizeClusters(even, 2, rng).forEach((a, c) => (treated[c]! += a));
    // Binomial(4000, 0.5): sd 31.6; 4.5 sd is 142.
    for (const t of treated) expect(Math.abs(t - R / 2)).toBeLessThan(142);
  });

  it("stratified by size: each block of |arms| clusters in size order holds each arm once", () => {
    for (let s = 0; s < 10; s++) {
      const arms = randomizeClusters(sizes, 2, createRng(`strat${s}`), { stratifyBySize: true });
      const bySize = sizes.map((sz, c) => [sz, c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      for (let b = 0; b + 1 < bySize.length; b += 2) {
        expect(arms[bySize[b]![1]]! + arms[bySize[b + 1]![1]]!).toBe(1);
      }
      const c = counts(arms, 2);
      expect(Math.abs(c[0]! - c[1]!)).toBeLessThanOrEqual(1);
    }
  });

  it("needs at least two arms", () => {
    expect(() => randomizeClusters(sizes, 1, createRng(1))).toThrow(InvalidArgumentError);
  });
});

describe("designNetworkExperiment (API shape)", () => {
  const karate = buildNetworkGraph(karateInput());

  it("returns clusters, node_clusters, modularity and components, reproducibly", () => {
    const a = designNetworkExperiment(karate, { randomization_seed: 42 });
    const b = designNetworkExperiment(karate, { randomization_seed: 42 });
    expect(a.clusters).toEqual(b.clusters);
    expect(a.node_clusters).toEqual(b.node_clusters);
    expect(a.components).toEqual({ count: 1, sizes: [34] });
    expect(a.treatments).toEqual(["control", "treatment"]);
    expect(a.clustering).toEqual({ method: "louvain", resolution: 1 });
    expect(a.randomization).toBe("complete");
    expect(Object.keys(a.node_clusters)).toHaveLength(34);
    expect(a.clusters.reduce((s, c) => s + c.size, 0)).toBe(34);
    for (const c of a.clusters) {
      expect(Object.values(a.node_clusters).filter((id) => id === c.cluster_id)).toHaveLength(c.size);
      expect(["control", "treatment"]).toContain(c.treatment);
    }
    const t = a.clusters.filter((c) => c.treatment === "treatment").length;
    expect(Math.abs(a.clusters.length - 2 * t)).toBeLessThanOrEqual(1);
    // JSON-safe, as stored and returned by the API.
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    const detailed = designNetworkExperimentDetailed(karate, { randomization_seed: 42 });
    expect(detailed.design).toEqual(a);
    detailed.partition.clusterIds.forEach((id, c) => {
      expect(a.clusters.find((x) => x.cluster_id === id)?.treatment).toBe(a.treatments[detailed.clusterArms[c]!]);
    });
  });

  it("supports components, given clusters, several treatments and size strata", () => {
    const input = plantedPartitionGraph({ communities: 12, communitySize: 10, averageDegree: 4, mixing: 0.1, rng: createRng("d") });
    const g = buildNetworkGraph({ nodes: input.nodes.map((n, i) => ({ ...n, attributes: { cluster_id: `g${input.membership[i]}` } })), edges: input.edges });
    const given = designNetworkExperiment(g, {
      randomization_seed: "abc",
      clustering: { method: "given" },
      treatments: ["ctl", "A", "B"],
      stratify_by_size: true,
    });
    expect(given.clusters).toHaveLength(12);
    expect(given.randomization).toBe("stratified_by_size");
    for (const arm of ["ctl", "A", "B"]) expect(given.clusters.filter((c) => c.treatment === arm)).toHaveLength(4);
    expect(given.node_clusters["n0"]).toBe(`g${input.membership[0]}`);
    const comps = designNetworkExperiment(g, { randomization_seed: 1, clustering: { method: "components" } });
    expect(comps.clusters).toHaveLength(comps.components.count);
  });

  it("validates treatments and the seed", () => {
    expect(() => designNetworkExperiment(karate, { randomization_seed: 1, treatments: ["only"] })).toThrow(/at least two/);
    expect(() => designNetworkExperiment(karate, { randomization_seed: 1, treatments: ["a", "a"] })).toThrow(/distinct/);
    expect(() => designNetworkExperiment(karate, { randomization_seed: Number.NaN })).toThrow(/randomization_seed/);
  });
});
