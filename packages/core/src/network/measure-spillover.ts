// The spillover measurement as the API returns it (POST /v1/network-graphs/:id/spillover): from
// the stored graph and design and the nodes' outcomes, the exposure conditions under the actual
// assignment, their probabilities by seeded replays of the same randomisation scheme, and the
// Hájek (default) or Horvitz-Thompson direct, indirect and total effects with standard errors and
// 95% intervals. `affected_nodes` are the control nodes whose exposure reaches the threshold
// under the actual assignment (the nodes showing spillover; treated nodes are affected directly).

import { InvalidArgumentError } from "../errors.js";
import { clusterRandomizationScheme } from "./cluster-randomization.js";
import { networkRng, validateTreatments, type NetworkDesign } from "./design-network-experiment.js";
import { exposureConditions } from "./exposure-conditions.js";
import { createExposureModel } from "./exposure-model.js";
import { estimateExposureProbabilities } from "./exposure-probabilities.js";
import { givenClustering } from "./given-clustering.js";
import { estimateSpilloverEffects, type ContrastEstimate } from "./spillover-estimators.js";
import {
  CONTROL_EXPOSED,
  type ExposureCondition,
  type NetworkGraph,
  type SpilloverEstimator,
  type SpilloverModel,
  type VarianceMethod,
} from "./types.js";

export interface SpilloverOptions {
  readonly estimator?: SpilloverEstimator;
  readonly variance?: "auto" | VarianceMethod;
  /** Replays of the design for the exposure probabilities (default 1000). */
  readonly replays?: number;
  readonly max_hops?: number;
  readonly hop_cutoff?: number;
  readonly min_probability?: number;
  /** Largest analysis set for the pairwise Aronow-Samii variance under "auto" (default 2000). */
  readonly max_joint_nodes?: number;
}

export interface SpilloverMeasurementRequest {
  readonly graph: NetworkGraph;
  readonly design: Pick<NetworkDesign, "clusters" | "node_clusters" | "treatments" | "randomization">;
  readonly spillover_model: SpilloverModel;
  readonly randomization_seed: number | string;
  readonly outcomes: readonly { readonly node_id: string; readonly value: number }[];
  readonly options?: SpilloverOptions;
}

/** A SpilloverMeasurement: the three effects, the affected nodes and how they were obtained. */
export interface SpilloverMeasurement {
  readonly direct_effect: ContrastEstimate;
  readonly indirect_effect: ContrastEstimate;
  readonly total_effect: ContrastEstimate;
  readonly affected_nodes: string[];
  readonly estimator: SpilloverEstimator;
  readonly n_by_condition: Record<ExposureCondition, number>;
  readonly replays: number;
  readonly exposure: { readonly hops: number; readonly hop_weights: number[]; readonly threshold: number };
  readonly notes: string[];
}

/** Outcomes as a graph-sized vector (NaN where none), validating ids and values. */
export function outcomeVector(graph: NetworkGraph, outcomes: readonly { readonly node_id: string; readonly value: number }[]): Float64Array {
  if (!Array.isArray(outcomes)) throw new InvalidArgumentError("outcomes must be an array of {node_id, value}", "outcomes");
  const y = new Float64Array(graph.nodeCount).fill(Number.NaN);
  outcomes.forEach((o, k) => {
    const i = typeof o?.node_id === "string" ? graph.nodeIndex.get(o.node_id) : undefined;
    if (i === undefined) throw new InvalidArgumentError(`outcome for unknown node '${String(o?.node_id)}'`, `outcomes.${k}.node_id`);
    if (typeof o.value !== "number" || !Number.isFinite(o.value)) {
      throw new InvalidArgumentError(`outcome of node '${o.node_id}' must be a finite number`, `outcomes.${k}.value`);
    }
    if (!Number.isNaN(y[i]!)) throw new InvalidArgumentError(`duplicate outcome for node '${o.node_id}'`, `outcomes.${k}.node_id`);
    y[i] = o.value;
  });
  return y;
}

/**
 * Measures direct, indirect and total effects under the stored cluster design (Aronow & Samii
 * 2017 exposure-mapping estimators; probabilities by replaying the design with the seed's
 * "exposure-replays" stream). Nodes without an outcome still count in others' exposure.
 */
export function measureSpillover(request: SpilloverMeasurementRequest): SpilloverMeasurement {
  const { graph, design, spillover_model, randomization_seed: seed } = request;
  const options = request.options ?? {};
  const treatments = validateTreatments(design.treatments);
  const clustering = givenClustering(graph, design.node_clusters);
  const armOf = new Map(treatments.map((t, a) => [t, a]));
  const byId = new Map<string, number>();
  design.clusters.forEach((c, k) => {
    const arm = armOf.get(c.treatment);
    if (arm === undefined) throw new InvalidArgumentError(`cluster '${c.cluster_id}' has unknown treatment '${c.treatment}'`, `design.clusters.${k}.treatment`);
    byId.set(String(c.cluster_id), arm);
  });
  const clusterArms = new Int32Array(clustering.clusterIds.length);
  clustering.clusterIds.forEach((id, c) => {
    const arm = byId.get(id);
    if (arm === undefined) throw new InvalidArgumentError(`cluster '${id}' of node_clusters is not in clusters`, "design.clusters");
    clusterArms[c] = arm;
  });
  if (byId.size !== clustering.clusterIds.length) {
    throw new InvalidArgumentError("clusters lists clusters that hold no node", "design.clusters");
  }
  const y = outcomeVector(graph, request.outcomes);
  const model = createExposureModel(graph, spillover_model, {
    ...(options.max_hops !== undefined ? { maxHops: options.max_hops } : {}),
    ...(options.hop_cutoff !== undefined ? { hopCutoff: options.hop_cutoff } : {}),
  });
  const actual = exposureConditions(model, clustering.clusterOf, clusterArms);
  const scheme = clusterRandomizationScheme(clustering.sizes, treatments.length, {
    stratifyBySize: design.randomization === "stratified_by_size",
  });
  let withOutcome = 0;
  for (let i = 0; i < y.length; i++) if (!Number.isNaN(y[i]!)) withOutcome++;
  const variance = options.variance ?? "auto";
  const maxJoint = options.max_joint_nodes ?? 2000;
  const recordJoint = variance === "aronow-samii" || (variance === "auto" && withOutcome <= maxJoint);
  const probabilities = estimateExposureProbabilities(model, clustering.clusterOf, scheme, {
    replays: options.replays ?? 1000,
    rng: networkRng(seed, "exposure-replays"),
    recordJoint,
  });
  const estimator = options.estimator ?? "hajek";
  const effects = estimateSpilloverEffects(
    { conditions: actual.conditions, outcomes: y, probabilities, clusterOf: clustering.clusterOf },
    {
      estimator,
      variance,
      maxJointNodes: maxJoint,
      ...(options.min_probability !== undefined ? { minProbability: options.min_probability } : {}),
    },
  );
  const affected_nodes: string[] = [];
  for (let i = 0; i < graph.nodeCount; i++) if (actual.conditions[i] === CONTROL_EXPOSED) affected_nodes.push(graph.nodeIds[i]!);
  return {
    direct_effect: effects.direct_effect,
    indirect_effect: effects.indirect_effect,
    total_effect: effects.total_effect,
    affected_nodes,
    estimator,
    n_by_condition: effects.n_by_condition,
    replays: probabilities.replays,
    exposure: { hops: model.hops, hop_weights: [...model.hopWeights], threshold: spillover_model.threshold },
    notes: effects.notes,
  };
}
