import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import {
  buildNetworkGraph,
  clusterGraph,
  clusterRandomizationScheme,
  CONTROL_EXPOSED,
  CONTROL_UNEXPOSED,
  createExposureModel,
  designNetworkExperiment,
  estimateContrast,
  estimateExposureProbabilities,
  estimateSpilloverEffects,
  exposureConditions,
  measureSpillover,
  plantedPartitionGraph,
  randomizeClusters,
  TREATED_EXPOSED,
  TREATED_UNEXPOSED,
  type ContrastEstimate,
} from "../../src/network/index.js";
import { createRng, normalDraw } from "../../src/random/rng.js";
import { karateInput } from "./fixtures/karate.js";

const CONTRASTS = [
  ["direct", TREATED_UNEXPOSED, CONTROL_UNEXPOSED],
  ["indirect", CONTROL_EXPOSED, CONTROL_UNEXPOSED],
  ["total", TREATED_EXPOSED, CONTROL_UNEXPOSED],
] as const;

describe("Horvitz-Thompson and the Aronow-Samii variance, exactly over the design", () => {
  // 6 clusters of 20, 3 treated: the 20 assignments are replayed once each, so every first- and
  // second-order probability is exact; fixed heterogeneous potential outcomes. Every assignment
  // has nodes in all four conditions.
  const input = plantedPartitionGraph({ communities: 6, communitySize: 20, averageDegree: 4, mixing: 0.5, rng: createRng("exact-design") });
  const g = buildNetworkGraph(input);
  const clusterOf = Int32Array.from(input.membership);
  const model = createExposureModel(g, { influence_decay: 0.5, threshold: 0.5 });
  const all: Int32Array[] = [];
  for (let mask = 0; mask < 64; mask++) {
    const arms = Int32Array.from({ length: 6 }, (_, c) => (mask >> c) & 1);
    if (arms.reduce((s, a) => s + a, 0) === 3) all.push(arms);
  }
  let next = 0;
  const probs = estimateExposureProbabilities(model, clusterOf, () => all[next++ % all.length]!, { replays: all.length, rng: createRng(0), recordJoint: true });
  const rng = createRng("potential-outcomes");
  const base = Array.from({ length: g.nodeCount }, () => 5 + 2 * normalDraw(rng));
  const effect = [3, 2, 1, 0]; // by condition code
  const spread = Array.from({ length: g.nodeCount }, () => normalDraw(rng));
  const potential = (i: number, k: number) => base[i]! + effect[k]! * (1 + 0.3 * spread[i]!);

  it("HT is unbiased and the A-S variance estimate is conservative in expectation", () => {
    for (const [name, k, l] of CONTRASTS) {
      const support = Array.from({ length: g.nodeCount }, (_, i) => i).filter((i) => probs.probabilities[k]![i]! > 0 && probs.probabilities[l]![i]! > 0);
      expect(support.length, name).toBeGreaterThan(5);
      const truth = support.reduce((s, i) => s + potential(i, k) - potential(i, l), 0) / support.length;
      const estimates: number[] = [];
      const variances: number[] = [];
      for (const arms of all) {
        const { conditions } = exposureConditions(model, clusterOf, arms);
        const y = Float64Array.from({ length: g.nodeCount }, (_, i) => potential(i, conditions[i]!));
        const r = estimateContrast({ conditions, outcomes: y, probabilities: probs, clusterOf }, k, l, { estimator: "horvitz-thompson", variance: "aronow-samii" });
        estimates.push(r.estimate ?? Number.NaN);
        variances.push(r.std_error! ** 2);
      }
      const mean = estimates.reduce((a, b) => a + b, 0) / estimates.length;
      const trueVar = estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / estimates.length;
      const meanVarHat = variances.reduce((a, b) => a + b, 0) / variances.length;
      expect(mean, name).toBeCloseTo(truth, 10);
      expect(meanVarHat, name).toBeGreaterThanOrEqual(trueVar);
    }
  });
});

interface Simulation {
  graph: ReturnType<typeof buildNetworkGraph>;
  clusterOf: Int32Array;
  sizes: Int32Array;
  model: ReturnType<typeof createExposureModel>;
  probs: ReturnType<typeof estimateExposureProbabilities>;
}

/** Planted partition (40 x 25 nodes, mixing 0.35), Louvain clusters, exposure threshold 0.5. */
function simulationSetup(): Simulation {
  const input = plantedPartitionGraph({ communities: 40, communitySize: 25, averageDegree: 8, mixing: 0.35, rng: createRng("sim") });
  const graph = buildNetworkGraph(input);
  const c = clusterGraph(graph, { method: "louvain", rng: createRng("sim-louvain") });
  const model = createExposureModel(graph, { influence_decay: 0.5, threshold: 0.5 });
  const probs = estimateExposureProbabilities(model, c.clusterOf, clusterRandomizationScheme(c.sizes, 2), {
    replays: 1000,
    rng: createRng("sim-replays"),
    recordJoint: true,
  });
  return { graph, clusterOf: c.clusterOf, sizes: c.sizes, model, probs };
}

/** Outcome = 1 + 2 treated + 1 exposed + N(0, 1): direct 2, indirect 1, total 3. */
function simulate(sim: Simulation, seed: number) {
  const arms = randomizeClusters(sim.sizes, 2, createRng(`assign${seed}`));
  const actual = exposureConditions(sim.model, sim.clusterOf, arms);
  const noise = createRng(`noise${seed}`);
  const y = Float64Array.from(actual.conditions, (cond, i) => 1 + 2 * actual.treated[i]! + (cond === 0 || cond === 2 ? 1 : 0) + normalDraw(noise));
  return { conditions: actual.conditions, outcomes: y, probabilities: sim.probs, clusterOf: sim.clusterOf };
}

const TRUTH = { direct_effect: 2, indirect_effect: 1, total_effect: 3 } as const;
const covers = (e: ContrastEstimate, truth: number) => e.ci_lower !== null && e.ci_lower <= truth && truth <= e.ci_upper!;

describe("spillover estimation on a simulation with known effects", () => {
  const sim = simulationSetup();

  it("has every condition observed and 95% intervals containing the true effects (seed 0)", () => {
    const data = simulate(sim, 0);
    const hajek = estimateSpilloverEffects(data);
    expect(Object.values(hajek.n_by_condition).every((n) => n >= 5)).toBe(true);
    for (const [key, truth] of Object.entries(TRUTH)) {
      const e = hajek[key as keyof typeof TRUTH];
      expect(e.variance_method).toBe("aronow-samii");
      expect(covers(e, truth), `${key}: ${e.estimate} [${e.ci_lower}, ${e.ci_upper}]`).toBe(true);
      expect(e.std_error!).toBeGreaterThan(0);
    }
    // The total effect has full support: every node can be treated-exposed or isolated control.
    expect(hajek.total_effect.n_nodes).toBe(1000);
    expect(hajek.total_effect.estimate!).toBeCloseTo(3, 0);
    // Direct and indirect effects are identified only where a node's exposure can disagree with
    // its own arm (boundary nodes); the rest are excluded with a note.
    expect(hajek.direct_effect.excluded_nodes).toBeGreaterThan(0);
    expect(hajek.notes.some((n) => n.includes("excluded"))).toBe(true);
  });

  it("covers the true effects over seeds (loose bound), reported per estimator and variance", () => {
    const seeds = 10;
    const table: Record<string, Record<string, number>> = {};
    const configs = [
      ["hajek / aronow-samii", { estimator: "hajek" as const, variance: "aronow-samii" as const }],
      ["horvitz-thompson / aronow-samii", { estimator: "horvitz-thompson" as const, variance: "aronow-samii" as const }],
      ["hajek / cluster", { estimator: "hajek" as const, variance: "cluster" as const }],
    ] as const;
    for (const [label] of configs) table[label] = { direct_effect: 0, indirect_effect: 0, total_effect: 0 };
    for (let s = 0; s < seeds; s++) {
      const data = simulate(sim, s);
      for (const [label, options] of configs) {
        const r = estimateSpilloverEffects(data, options);
        for (const [key, truth] of Object.entries(TRUTH)) if (covers(r[key as keyof typeof TRUTH], truth)) table[label]![key]!++;
      }
    }
    console.table(Object.fromEntries(Object.entries(table).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([e, c]) => [e, `${c}/${seeds}`]))])));
    for (const key of Object.keys(TRUTH)) {
      expect(table["hajek / aronow-samii"]![key]!).toBeGreaterThanOrEqual(8);
      expect(table["horvitz-thompson / aronow-samii"]![key]!).toBeGreaterThanOrEqual(8);
      expect(table["hajek / cluster"]![key]!).toBeGreaterThanOrEqual(5);
    }
  });
});

describe("measureSpillover (API shape)", () => {
  const karate = buildNetworkGraph(karateInput());
  const design = designNetworkExperiment(karate, { randomization_seed: 5 });
  const outcomes = karate.nodeIds.map((node_id, i) => ({ node_id, value: 1 + (i % 4) }));
  const request = { graph: karate, design, spillover_model: { influence_decay: 0.5, threshold: 0.3 }, randomization_seed: 5, outcomes, options: { replays: 500 } };

  it("returns the three effects, affected nodes and counts; reproducibly", () => {
    const m = measureSpillover(request);
    for (const key of ["direct_effect", "indirect_effect", "total_effect"] as const) {
      expect(Object.keys(m[key])).toEqual(expect.arrayContaining(["estimate", "std_error", "ci_lower", "ci_upper", "n_nodes"]));
    }
    expect(m.total_effect.estimate).not.toBeNull();
    expect(m.estimator).toBe("hajek");
    expect(m.replays).toBe(500);
    expect(m.exposure).toEqual({ hops: 3, hop_weights: [1, 0.5, 0.25], threshold: 0.3 });
    expect(Object.values(m.n_by_condition).reduce((a, b) => a + b, 0)).toBe(34);
    // affected_nodes: control nodes whose exposure reaches the threshold.
    const control = new Set(design.clusters.filter((c) => c.treatment === "control").map((c) => c.cluster_id));
    for (const id of m.affected_nodes) expect(control.has(design.node_clusters[id]!)).toBe(true);
    expect(m.affected_nodes.length).toBe(m.n_by_condition.control_exposed);
    expect(measureSpillover(request)).toEqual(m);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it("uses only nodes with outcomes and validates them", () => {
    const partial = measureSpillover({ ...request, outcomes: outcomes.slice(0, 20) });
    expect(Object.values(partial.n_by_condition).reduce((a, b) => a + b, 0)).toBe(20);
    const path = (o: unknown) => {
      try {
        measureSpillover({ ...request, outcomes: o as typeof outcomes });
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        return (e as InvalidArgumentError).path;
      }
    };
    expect(path([{ node_id: "nope", value: 1 }])).toBe("outcomes.0.node_id");
    expect(path([{ node_id: "1", value: Number.NaN }])).toBe("outcomes.0.value");
    expect(path([{ node_id: "1", value: 1 }, { node_id: "1", value: 2 }])).toBe("outcomes.1.node_id");
    expect(() => measureSpillover({ ...request, design: { ...design, clusters: design.clusters.slice(1) } })).toThrow(InvalidArgumentError);
    expect(() => measureSpillover({ ...request, options: { estimator: "ols" as never } })).toThrow(/estimator/);
  });
});
