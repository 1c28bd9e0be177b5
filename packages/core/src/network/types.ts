// Shared types of the network-experiment maths: the compact graph (CSR), clusterings, the
// spillover model and the API-shaped results (see /work/shared/API.md, "Networks").

import type { Rng } from "../random/rng.js";

/** A node as the API receives it: `{node_id, attributes?}`. */
export interface NetworkNodeInput {
  readonly node_id: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** An undirected edge as the API receives it; `weight` in [0, 1], 1 when omitted. */
export interface NetworkEdgeInput {
  readonly source: string;
  readonly target: string;
  readonly weight?: number;
}

/** What graph building did to the input besides validating it. */
export interface GraphBuildReport {
  /** Self-loops dropped (only with `selfLoops: "ignore"`). */
  readonly self_loops_ignored: number;
  /** Repeated (u, v) pairs merged (only with `duplicateEdges: "max"`). */
  readonly duplicate_edges_merged: number;
  /** Edges of weight 0 dropped: they carry no influence and no modularity weight. */
  readonly zero_weight_edges_dropped: number;
}

/**
 * An undirected weighted graph in compressed sparse row form. Node i's neighbours are
 * `neighbors[offsets[i] .. offsets[i+1])`, sorted ascending, with the matching `weights`; every
 * undirected edge appears twice (once per endpoint). No self-loops, no repeated pairs, weights in (0, 1].
 */
export interface NetworkGraph {
  readonly nodeCount: number;
  /** Number of undirected edges (half the number of arcs). */
  readonly edgeCount: number;
  readonly nodeIds: readonly string[];
  readonly nodeIndex: ReadonlyMap<string, number>;
  /** Node attributes as given (not part of the compact encoding). */
  readonly attributes: readonly (Readonly<Record<string, unknown>> | undefined)[];
  readonly offsets: Int32Array;
  readonly neighbors: Int32Array;
  readonly weights: Float64Array;
  /** Weighted degree of each node. */
  readonly strength: Float64Array;
  /** Sum of the undirected edge weights (m in the weighted modularity formula). */
  readonly totalWeight: number;
  readonly buildReport?: GraphBuildReport;
}

/** Connected components: `componentOf[i]` numbered by their smallest node index. */
export interface ComponentSummary {
  readonly count: number;
  /** Sizes, largest first (the API's `components.sizes`). */
  readonly sizes: number[];
  readonly componentOf: Int32Array;
  /** Size of each component by its id. */
  readonly componentSizes: Int32Array;
}

export const CLUSTERING_METHODS = ["louvain", "components", "given", "three-net"] as const;
export type ClusteringMethod = (typeof CLUSTERING_METHODS)[number];

/** A partition of the nodes: `clusterOf[i]` indexes `clusterIds` and `sizes`. */
export interface Clustering {
  readonly clusterOf: Int32Array;
  readonly clusterIds: readonly string[];
  readonly sizes: Int32Array;
}

/** The API's spillover_model: decay per extra hop and the exposure threshold. */
export interface SpilloverModel {
  readonly influence_decay: number;
  readonly threshold: number;
}

/** Draws one assignment of clusters to arms (0 = control); replayed to get exposure probabilities. */
export type ClusterAssignmentScheme = (rng: Rng) => Int32Array;

/** The four exposure conditions of Aronow & Samii's (2017) two-by-two exposure mapping. */
export const EXPOSURE_CONDITIONS = ["treated_exposed", "treated_unexposed", "control_exposed", "control_unexposed"] as const;
export type ExposureCondition = (typeof EXPOSURE_CONDITIONS)[number];
/** Condition codes, the index into EXPOSURE_CONDITIONS. */
export const TREATED_EXPOSED = 0;
export const TREATED_UNEXPOSED = 1;
export const CONTROL_EXPOSED = 2;
export const CONTROL_UNEXPOSED = 3;

/** An effect with its standard error and 95% normal interval; null when not estimable. */
export interface EffectEstimate {
  readonly estimate: number | null;
  readonly std_error: number | null;
  readonly ci_lower: number | null;
  readonly ci_upper: number | null;
  /** Nodes with an outcome and a positive probability of both contrasted conditions. */
  readonly n_nodes: number;
}

export type SpilloverEstimator = "hajek" | "horvitz-thompson";
export type VarianceMethod = "aronow-samii" | "cluster";
