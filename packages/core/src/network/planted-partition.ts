// A seeded planted-partition (stochastic block) graph generator for tests, simulations and
// benchmarks: equal communities, a target average degree, and a mixing share mu of edges that
// leave their community. Community membership is a random permutation of the node order, so node
// ids carry no hint of the communities.

import { InvalidArgumentError } from "../errors.js";
import type { Rng } from "../random/rng.js";
import type { NetworkEdgeInput, NetworkNodeInput } from "./types.js";

export interface PlantedPartitionOptions {
  readonly communities: number;
  readonly communitySize: number;
  readonly averageDegree: number;
  /** Share of edges between communities, in [0, 1) (the LFR benchmark's mixing parameter mu). */
  readonly mixing: number;
  /** "unit": every weight 1 (default); "uniform": uniform on (0, 1]. */
  readonly weights?: "unit" | "uniform";
  readonly rng: Rng;
}

export interface PlantedPartitionGraph {
  readonly nodes: NetworkNodeInput[];
  readonly edges: NetworkEdgeInput[];
  /** Planted community of each node. */
  readonly membership: Int32Array;
}

/**
 * Planted partition model (Condon & Karp 2001, "Algorithms for graph partitioning on the planted
 * partition model", Random Struct. Alg. 18(2)) with a fixed number of edges: round(n d / 2)
 * distinct edges, each drawn by picking a uniform node u and, with probability 1 - mu, a uniform
 * other node of its community, else a uniform node of another community.
 */
export function plantedPartitionGraph(options: PlantedPartitionOptions): PlantedPartitionGraph {
  const { communities: C, communitySize: s, averageDegree: d, mixing: mu, rng } = options;
  if (!Number.isInteger(C) || C < 1 || !Number.isInteger(s) || s < 2) {
    throw new InvalidArgumentError("need an integer number of communities >= 1 of integer size >= 2", "communities");
  }
  if (!(mu >= 0 && mu < 1) || (C === 1 && mu > 0)) throw new InvalidArgumentError(`mixing must be in [0, 1) (0 with one community), got ${mu}`, "mixing");
  const n = C * s;
  const m = Math.round((n * d) / 2);
  if (!(d > 0) || (1 - mu) * m > 0.5 * C * ((s * (s - 1)) / 2)) {
    throw new InvalidArgumentError("average degree too large for the community size", "averageDegree");
  }
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  // Slot k of community c holds node perm[c * s + k].
  const membership = new Int32Array(n);
  for (let q = 0; q < n; q++) membership[perm[q]!] = Math.floor(q / s);
  const seen = new Set<number>();
  const edges: NetworkEdgeInput[] = [];
  const ids = Array.from({ length: n }, (_, i) => `n${i}`);
  const unit = (options.weights ?? "unit") === "unit";
  while (edges.length < m) {
    const u = Math.floor(rng() * n);
    const cu = membership[u]!;
    let v: number;
    if (rng() < mu) {
      let c = Math.floor(rng() * (C - 1));
      if (c >= cu) c++;
      v = perm[c * s + Math.floor(rng() * s)]!;
    } else {
      v = perm[cu * s + Math.floor(rng() * s)]!;
      if (v === u) continue;
    }
    const key = u < v ? u * n + v : v * n + u;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ source: ids[u]!, target: ids[v]!, weight: unit ? 1 : 1 - rng() });
  }
  return { nodes: ids.map((node_id) => ({ node_id })), edges, membership };
}
