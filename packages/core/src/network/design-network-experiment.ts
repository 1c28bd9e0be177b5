// The network-graph design as the API returns it (POST /v1/experiments/:id/network-graphs):
// cluster the graph, randomise whole clusters to the treatments with the experiment's seed, and
// report clusters [{cluster_id, size, treatment}], each node's cluster, modularity (weighted,
// resolution 1) and the connected components. Pure: the same request and seed give the same design.

import { InvalidArgumentError } from "../errors.js";
import { createRng, type Rng } from "../random/rng.js";
import { clusterGraph } from "./cluster-graph.js";
import { randomizeClusters } from "./cluster-randomization.js";
import { connectedComponents } from "./connected-components.js";
import { modularity } from "./modularity.js";
import type { Clustering, ClusteringMethod, NetworkGraph } from "./types.js";

export const DEFAULT_TREATMENTS: readonly string[] = ["control", "treatment"];

export interface NetworkDesignOptions {
  /** Default {method: "louvain", resolution: 1}. */
  readonly clustering?: { readonly method: ClusteringMethod; readonly resolution?: number };
  /** Arm labels, the first is the control (default ["control", "treatment"]). */
  readonly treatments?: readonly string[];
  readonly randomization_seed: number | string;
  /** Block the cluster randomisation on cluster size (default false). */
  readonly stratify_by_size?: boolean;
  /** For method "given": {node_id: cluster_id}; without it, nodes' attributes.cluster_id. */
  readonly node_clusters?: Readonly<Record<string, string | number>>;
}

export interface NetworkCluster {
  readonly cluster_id: string;
  readonly size: number;
  readonly treatment: string;
}

/** The design result in the API's shape (plus what is needed to analyse it later). */
export interface NetworkDesign {
  readonly clusters: NetworkCluster[];
  readonly node_clusters: Record<string, string>;
  readonly modularity: number;
  readonly components: { readonly count: number; readonly sizes: number[] };
  readonly treatments: string[];
  readonly clustering: { readonly method: ClusteringMethod; readonly resolution: number };
  readonly randomization: "complete" | "stratified_by_size";
}

/**
 * The rng of one purpose ("louvain", "assignment", "exposure-replays", ...) derived from the
 * experiment's randomization_seed, so that each stage is reproducible on its own.
 */
export function networkRng(seed: number | string, purpose: string): Rng {
  if (!((typeof seed === "number" && Number.isFinite(seed)) || (typeof seed === "string" && seed.length > 0))) {
    throw new InvalidArgumentError(`randomization_seed must be a finite number or a non-empty string, got ${String(seed)}`, "randomization_seed");
  }
  return createRng(`${seed}:network:${purpose}`);
}

/** Checks the treatment labels: at least two, distinct, non-empty strings. */
export function validateTreatments(treatments: readonly string[]): string[] {
  if (!Array.isArray(treatments) || treatments.length < 2) {
    throw new InvalidArgumentError("treatments must list at least two arms (the first is the control)", "treatments");
  }
  treatments.forEach((t, i) => {
    if (typeof t !== "string" || t.length === 0) throw new InvalidArgumentError("a treatment must be a non-empty string", `treatments.${i}`);
  });
  if (new Set(treatments).size !== treatments.length) throw new InvalidArgumentError("treatments must be distinct", "treatments");
  return [...treatments];
}

/** The design with the in-process structures behind it (not JSON: typed arrays). */
export interface DetailedNetworkDesign {
  readonly design: NetworkDesign;
  readonly partition: Clustering;
  /** Arm index (into treatments) of each cluster of `partition`. */
  readonly clusterArms: Int32Array;
}

/**
 * Clusters the graph and randomises clusters to treatments (complete randomisation of clusters,
 * Ugander et al. 2013; optionally blocked on size), keeping the partition and arms as typed
 * arrays. Modularity is the weighted modularity of the clustering at resolution 1, whatever
 * resolution Louvain used.
 */
export function designNetworkExperimentDetailed(graph: NetworkGraph, options: NetworkDesignOptions): DetailedNetworkDesign {
  const treatments = validateTreatments(options.treatments ?? DEFAULT_TREATMENTS);
  const method = options.clustering?.method ?? "louvain";
  const resolution = options.clustering?.resolution ?? 1;
  const seed = options.randomization_seed;
  const partition = clusterGraph(graph, {
    method,
    resolution,
    rng: networkRng(seed, method),
    ...(options.node_clusters ? { assignment: options.node_clusters } : {}),
  });
  const stratify = options.stratify_by_size ?? false;
  const clusterArms = randomizeClusters(partition.sizes, treatments.length, networkRng(seed, "assignment"), { stratifyBySize: stratify });
  const comps = connectedComponents(graph);
  const clusters = partition.clusterIds.map((cluster_id, c) => ({
    cluster_id,
    size: partition.sizes[c]!,
    treatment: treatments[clusterArms[c]!]!,
  }));
  const node_clusters = Object.fromEntries(graph.nodeIds.map((id, i) => [id, partition.clusterIds[partition.clusterOf[i]!]!]));
  const design: NetworkDesign = {
    clusters,
    node_clusters,
    modularity: modularity(graph, partition.clusterOf, 1),
    components: { count: comps.count, sizes: comps.sizes },
    treatments,
    clustering: { method, resolution },
    randomization: stratify ? "stratified_by_size" : "complete",
  };
  return { design, partition, clusterArms };
}

/**
 * The network-graph design in the API's shape (JSON-safe): clusters [{cluster_id, size,
 * treatment}], node_clusters, modularity, components, and what measureSpillover needs later.
 */
export function designNetworkExperiment(graph: NetworkGraph, options: NetworkDesignOptions): NetworkDesign {
  return designNetworkExperimentDetailed(graph, options).design;
}
