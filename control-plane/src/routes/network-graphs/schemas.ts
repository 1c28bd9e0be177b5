// Request and response schemas of the network routes (API.md "Networks"). Shapes are checked here
// (400); the data model's rules — unique non-empty node ids, edges between known nodes, weights in
// [0, 1], a cluster_id on every node for "given" clustering, the spillover model's ranges,
// outcomes for known nodes — by core (InvalidArgumentError -> 422 naming the node or edge path).

import { z } from "@hono/zod-openapi";
import { GRAPH_TYPES } from "../../db/schema/index.js";

export const GraphTypeSchema = z.enum(GRAPH_TYPES).openapi("NetworkGraphType");
export const ClusteringMethodSchema = z.enum(["louvain", "components", "given"]).openapi("NetworkClusteringMethod");

const NodeInputSchema = z.object({
  node_id: z.string().openapi({ description: "unique, non-empty" }),
  attributes: z.record(z.string(), z.unknown()).optional().openapi({
    description: 'node properties; attributes.cluster_id is required on every node with clustering method "given"',
  }),
});

const EdgeInputSchema = z.object({
  source: z.string(),
  target: z.string(),
  weight: z.number().optional().openapi({ description: "in [0, 1] (1 when omitted); the graph is undirected" }),
});

export const SpilloverModelSchema = z
  .object({
    influence_decay: z.number().openapi({ description: "in [0, 1]: weight of each further hop" }),
    threshold: z.number().openapi({ description: "in (0, 1]: exposure at or above it counts as exposed" }),
  })
  .openapi("SpilloverModel");

const ClusteringSchema = z.object({
  method: ClusteringMethodSchema,
  resolution: z.number().optional().openapi({ description: "Louvain resolution (default 1)" }),
});

export const CreateNetworkGraphSchema = z
  .object({
    graph_type: GraphTypeSchema,
    nodes: z.array(NodeInputSchema).min(1),
    edges: z.array(EdgeInputSchema),
    clustering: ClusteringSchema.optional().openapi({ description: 'default {method: "louvain", resolution: 1}' }),
    treatments: z.array(z.string()).optional().openapi({ description: 'default ["control", "treatment"]; the first is the control' }),
    stratify_by_size: z.boolean().optional().openapi({ description: "block the cluster randomisation on cluster size" }),
    design: z.enum(["cluster", "two-stage"]).optional().openapi({
      description:
        'default "cluster" (whole clusters randomised). "two-stage" (Saveski et al. 2017, two treatments only): clusters are ' +
        "split at random in halves, whole clusters are randomised in one half and single nodes in the other, so that " +
        "POST /v1/network-graphs/{id}/interference-test can test for interference",
    }),
    spillover_model: SpilloverModelSchema,
    randomization_seed: z.number().int().optional().openapi({ description: "integer; drawn at random when omitted" }),
  })
  .openapi("CreateNetworkGraph");
export type CreateNetworkGraphBody = z.infer<typeof CreateNetworkGraphSchema>;

const numberParam = (name: string, description: string) =>
  z.coerce
    .number()
    .refine((v) => Number.isFinite(v), "must be a number")
    .openapi({ param: { name, in: "query" }, description });

/** Query of the `text/csv` form (the fields that the JSON body would carry). */
export const CsvQuerySchema = z.object({
  graph_type: GraphTypeSchema.openapi({ param: { name: "graph_type", in: "query" } }),
  clustering: ClusteringMethodSchema.optional().openapi({ param: { name: "clustering", in: "query" } }),
  resolution: numberParam("resolution", "Louvain resolution").optional(),
  randomization_seed: z.coerce.number().int().optional().openapi({ param: { name: "randomization_seed", in: "query" } }),
  influence_decay: numberParam("influence_decay", "spillover_model.influence_decay"),
  threshold: numberParam("threshold", "spillover_model.threshold"),
  treatments: z
    .string()
    .optional()
    .openapi({ param: { name: "treatments", in: "query" }, description: "comma-separated arm labels, the first is the control" }),
});
export type CsvQuery = z.infer<typeof CsvQuerySchema>;
/** The same fields, all optional, as the route declares them (JSON requests ignore them). */
export const CreateQuerySchema = CsvQuerySchema.partial();

export const GraphIncludeQuerySchema = z.object({
  include: z
    .enum(["full", "summary"])
    .default("full")
    .openapi({ param: { name: "include", in: "query" }, description: "summary: without nodes, node_clusters and edges (for big graphs)" }),
});

export const NetworkClusterSchema = z
  .object({ cluster_id: z.string(), size: z.number().int(), treatment: z.string() })
  .openapi("NetworkCluster");

export const NetworkGraphSchema = z
  .object({
    id: z.string(),
    experiment_id: z.string(),
    graph_type: GraphTypeSchema,
    clusters: z.array(NetworkClusterSchema),
    nodes: z
      .array(z.object({ node_id: z.string(), attributes: z.record(z.string(), z.unknown()), cluster_id: z.string() }))
      .optional(),
    node_clusters: z.record(z.string(), z.string()).optional(),
    edges: z.array(z.object({ source: z.string(), target: z.string(), weight: z.number() })).optional(),
    node_count: z.number().int(),
    edge_count: z.number().int(),
    modularity: z.number().nullable(),
    components: z.object({ count: z.number().int(), sizes: z.array(z.number().int()) }),
    clustering: z.object({ method: z.string(), resolution: z.number() }),
    randomization: z.string(),
    spillover_model: SpilloverModelSchema,
    randomization_seed: z.number().int(),
    treatments: z.array(z.string()),
    created_at: z.string(),
    design: z.enum(["cluster", "two-stage"]).optional().openapi({ description: "the randomisation design (absent = cluster)" }),
    two_stage: z
      .object({
        cluster_halves: z.record(z.string(), z.enum(["cluster", "unit"])),
        node_treatments: z.record(z.string(), z.string()).optional(),
      })
      .optional()
      .openapi({ description: 'two-stage graphs: each cluster\'s half and (with nodes) each node\'s treatment; a "unit" cluster\'s `treatment` is not used' }),
    pruned: z.boolean().optional().openapi({
      description:
        "true when retention pruned the graph after its experiment ended: nodes and edges are gone, the summary " +
        "(clusters, modularity, design, spillover model) and spillover measurements stay",
    }),
    pruned_at: z.string().optional().openapi({ description: "when the graph was pruned (with pruned)" }),
  })
  .openapi("NetworkGraph");
export type NetworkGraphView = z.infer<typeof NetworkGraphSchema>;

export const SpilloverRequestSchema = z
  .object({
    outcomes: z.array(z.object({ node_id: z.string(), value: z.number() })).min(1),
    estimator: z.enum(["hajek", "horvitz-thompson"]).default("hajek"),
    replays: z.number().int().min(100).max(20_000).default(1000).openapi({
      description: "replays of the design for the exposure probabilities",
    }),
  })
  .openapi("SpilloverRequest");
export type SpilloverRequestBody = z.infer<typeof SpilloverRequestSchema>;

const EffectSchema = z
  .object({
    estimate: z.number().nullable(),
    std_error: z.number().nullable(),
    ci_lower: z.number().nullable(),
    ci_upper: z.number().nullable(),
    n_nodes: z.number().int(),
    excluded_nodes: z.number().int(),
    variance_method: z.string().nullable(),
    notes: z.array(z.string()),
  })
  .openapi("EffectEstimate");

export const SpilloverMeasurementSchema = z
  .object({
    id: z.string(),
    graph_id: z.string(),
    timestamp: z.string(),
    direct_effect: EffectSchema,
    indirect_effect: EffectSchema,
    total_effect: EffectSchema,
    affected_nodes: z.array(z.string()),
    estimator: z.string(),
    n_by_condition: z.record(z.string(), z.number().int()),
    replays: z.number().int(),
    exposure: z.object({ hops: z.number().int(), hop_weights: z.array(z.number()), threshold: z.number() }),
    outcomes: z.object({ given: z.number().int(), missing: z.number().int() }),
    notes: z.array(z.string()),
  })
  .openapi("SpilloverMeasurement");
export type SpilloverMeasurementView = z.infer<typeof SpilloverMeasurementSchema>;

export const InterferenceTestRequestSchema = z
  .object({
    outcomes: z.array(z.object({ node_id: z.string(), value: z.number() })).min(1),
    alpha: z.number().gt(0).lt(1).default(0.05),
  })
  .openapi("InterferenceTestRequest");
export type InterferenceTestRequestBody = z.infer<typeof InterferenceTestRequestSchema>;

const HalfEstimateSchema = z.object({ estimate: z.number(), std_error: z.number(), n_treated: z.number().int(), n_control: z.number().int() });

export const InterferenceTestResultSchema = z
  .object({
    graph_id: z.string(),
    estimate_cluster: z.number().openapi({ description: "effect estimate of the cluster-randomised half (Horvitz-Thompson on cluster totals)" }),
    estimate_unit: z.number().openapi({ description: "difference in means of the unit-randomised half" }),
    difference: z.number(),
    std_error: z.number(),
    z: z.number(),
    p_value: z.number(),
    alpha: z.number(),
    interference_detected: z.boolean(),
    cluster_randomized: HalfEstimateSchema,
    unit_randomized: HalfEstimateSchema,
    outcomes: z.object({ given: z.number().int(), missing: z.number().int() }),
  })
  .openapi("InterferenceTestResult");
export type InterferenceTestResultView = z.infer<typeof InterferenceTestResultSchema>;
