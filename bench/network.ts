// Network benchmark: for a 10K-node / 75K-edge and a 100K-node / 1M-edge planted-partition graph
// (uniform random weights, so the storage figure is the lossless float64 worst case), times graph
// building and validation, Louvain, cluster randomisation, exposure probabilities (R replays of
// the design, including the exposure model's set-up), and the spillover estimation, then the same
// through designNetworkExperiment + measureSpillover, and reports the compact storage size. Prints
// console.table tables; asserts nothing about time. BENCH_NETWORK_REPLAYS sets R (default 1000).
import {
  buildNetworkGraph,
  clusterGraph,
  clusterRandomizationScheme,
  createExposureModel,
  designNetworkExperiment,
  measureSpillover,
  encodeNetworkGraph,
  decodeNetworkGraph,
  estimateExposureProbabilities,
  estimateSpilloverEffects,
  exposureConditions,
  modularity,
  plantedPartitionGraph,
  randomizeClusters,
  createRng,
  normalDraw,
} from "@mvx/core";

interface Case {
  label: string;
  communities: number;
  communitySize: number;
  averageDegree: number;
}

const CASES: Case[] = [
  { label: "10K nodes / 75K edges", communities: 100, communitySize: 100, averageDegree: 15 },
  { label: "100K nodes / 1M edges", communities: 1000, communitySize: 100, averageDegree: 20 },
];
const REPLAYS = Number(process.env.BENCH_NETWORK_REPLAYS ?? 1000);

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, performance.now() - t0];
}

export async function runNetworkBench(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  const storage: Record<string, string | number>[] = [];
  for (const c of CASES) {
    const rng = createRng(`bench-network:${c.label}`);
    const [input, genMs] = time(() =>
      plantedPartitionGraph({ communities: c.communities, communitySize: c.communitySize, averageDegree: c.averageDegree, mixing: 0.2, weights: "uniform", rng }),
    );
    const [graph, buildMs] = time(() => buildNetworkGraph(input));
    const [clustering, louvainMs] = time(() => clusterGraph(graph, { method: "louvain", rng: createRng("bench-louvain") }));
    const q = modularity(graph, clustering.clusterOf);
    const [arms, randMs] = time(() => randomizeClusters(clustering.sizes, 2, createRng("bench-assign")));
    const spill = { influence_decay: 0.5, threshold: 0.5 };
    const [probs, probMs] = time(() => {
      const model = createExposureModel(graph, spill);
      const scheme = clusterRandomizationScheme(clustering.sizes, 2);
      return { model, p: estimateExposureProbabilities(model, clustering.clusterOf, scheme, { replays: REPLAYS, rng: createRng("bench-replays") }) };
    });
    const [effects, estMs] = time(() => {
      const actual = exposureConditions(probs.model, clustering.clusterOf, arms);
      const noise = createRng("bench-noise");
      const y = new Float64Array(graph.nodeCount);
      for (let i = 0; i < y.length; i++) {
        const cond = actual.conditions[i]!;
        y[i] = 1 + 2 * actual.treated[i]! + (cond === 0 || cond === 2 ? 1 : 0) + normalDraw(noise);
      }
      return estimateSpilloverEffects({ conditions: actual.conditions, outcomes: y, probabilities: probs.p, clusterOf: clustering.clusterOf });
    });
    const [bytes, encMs] = time(() => encodeNetworkGraph(graph));
    const [, decMs] = time(() => decodeNetworkGraph(bytes));
    const f32 = encodeNetworkGraph(graph, { weights: "f32" }).length;
    const total = buildMs + louvainMs + randMs + probMs + estMs;
    // The same through the API-shaped entry points the control plane calls.
    const [design, designMs] = time(() => designNetworkExperiment(graph, { randomization_seed: 11 }));
    const outcomes = graph.nodeIds.map((node_id, i) => ({ node_id, value: i % 7 }));
    const [, measureMs] = time(() =>
      measureSpillover({ graph, design, spillover_model: spill, randomization_seed: 11, outcomes, options: { replays: REPLAYS } }),
    );
    const fmt = (x: number) => Math.round(x);
    const show = (e: typeof effects.total_effect) =>
      e.estimate === null
        ? "n/a"
        : `${e.estimate.toFixed(2)} ± ${e.std_error === null ? "no SE" : e.std_error.toFixed(2)} (${e.n_nodes} nodes)`;
    rows.push({
      graph: c.label,
      "generate ms": fmt(genMs),
      "build ms": fmt(buildMs),
      "louvain ms": fmt(louvainMs),
      clusters: clustering.clusterIds.length,
      modularity: Number(q.toFixed(4)),
      "randomise ms": Number(randMs.toFixed(2)),
      [`exposure p (R=${REPLAYS}) ms`]: fmt(probMs),
      "estimate ms": fmt(estMs),
      "total ms": fmt(total),
      "API design + measure ms": `${fmt(designMs)} + ${fmt(measureMs)}`,
      target: c.communities === 100 ? "< 1000 ms" : "< 10000 ms",
    });
    storage.push({
      graph: c.label,
      edges: graph.edgeCount,
      "bytes (lossless f64)": bytes.length,
      "MB (lossless)": Number((bytes.length / 1e6).toFixed(3)),
      "bytes (f32)": f32,
      "encode ms": fmt(encMs),
      "decode ms": fmt(decMs),
      "direct (true 2)": show(effects.direct_effect),
      "indirect (true 1)": show(effects.indirect_effect),
      "total (true 3)": show(effects.total_effect),
    });
  }
  console.log("\nnetwork: clustering, randomisation and spillover estimation (planted partition, mixing 0.2, decay 0.5, 3 hops)");
  console.table(rows);
  console.log(
    "network: compact storage (node ids + delta-varint CSR upper triangle + weights); Hájek estimates ± SE (cluster variance)\n" +
      "for outcome = 1 + 2 treated + 1 exposed + N(0, 1); direct and indirect rest on the few boundary nodes",
  );
  console.table(storage);
}
