// zod schemas of every body the edge accepts: the single source of the route and RPC input types
// (API.md's edge routes and docs/sync-protocol.md's allocation push).

import { BANDIT_ALGORITHMS, HASH_VERSIONS, InvalidArgumentError, createPolicy, validateWeights } from "@mvx/core/edge";
import { z } from "zod";

export const EXPERIMENT_STATUSES = ["Draft", "Running", "Paused", "Completed", "Archived"] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

const identifier = z.string().min(1).max(256);
const isoTimestamp = z.iso.datetime({ offset: true });
/** A JSON scalar. */
type JsonScalar = string | number | boolean | null;
type Json1 = JsonScalar | JsonScalar[] | { [key: string]: JsonScalar };
type Json2 = JsonScalar | Json1[] | { [key: string]: Json1 };
/**
 * A JSON value, its type written out to a fixed depth: a recursive JSON type is too deep for the
 * Durable Object RPC stub types. Values come from JSON.parse, so only the type is narrowed here.
 */
export type JsonValue = JsonScalar | Json2[] | { [key: string]: Json2 };
const jsonObject = z.record(z.string(), z.custom<JsonValue>((v) => v !== undefined));

export const combinationSchema = z.object({
  combination_id: identifier,
  variable_values: jsonObject,
  traffic_allocation: z.number().min(0).max(1),
});
export type Combination = z.output<typeof combinationSchema>;

/** A context feature declaration (core's FeatureSpec): a bare numeric name, or typed. */
const featureSpecSchema = z.union([
  identifier,
  z.object({ name: identifier, type: z.literal("numeric") }),
  z.object({ name: identifier, type: z.literal("categorical"), vocabulary: z.array(z.string()).min(1).max(1024) }),
  z.object({ name: identifier, type: z.literal("hashed"), buckets: z.number().int().min(1).max(4096) }),
]);

/** One bandit arm of the push: the combination it serves and its prior. */
export const banditArmSchema = z.object({
  arm_id: identifier,
  combination_id: identifier,
  /** What the arm serves; an arm that is no combination may carry its configuration or nothing. */
  variable_values: jsonObject.nullish().transform((v) => v ?? {}),
  prior: z.record(z.string(), z.number()).nullish().transform((v) => v ?? undefined),
});

/** Largest shard count of one experiment. */
export const MAX_SHARDS = 64;

/** The optional `bandit` object of an allocation push (docs/sync-protocol.md, "Bandits"). */
export const banditSchema = z.object({
  bandit_config_id: identifier,
  algorithm: z.enum(BANDIT_ALGORITHMS as unknown as ["EpsilonGreedy", "ThompsonSampling", "UCB", "Contextual"]),
  exploration_rate: z.number().min(0).max(1),
  /** Seconds between recomputations of what the policy sees; 0 = after every reward. */
  update_frequency: z.number().min(0).default(0),
  reward_type: z.enum(["binary", "continuous"]).default("binary"),
  arms: z.array(banditArmSchema).min(2).max(1024),
  context_features: z
    .object({ user_features: z.array(featureSpecSchema).max(256).optional(), content_features: z.array(featureSpecSchema).max(256).optional() })
    .nullish()
    .transform((v) => v ?? undefined),
  non_stationary_params: z
    .object({
      window_size: z.number().int().min(1).max(100_000).nullish().transform((v) => v ?? undefined),
      drift_threshold: z.number().positive().nullish().transform((v) => v ?? undefined),
      detector: z.enum(["page-hinkley", "cusum"]).default("page-hinkley"),
    })
    .nullish()
    .transform((v) => v ?? undefined),
  min_arm_share: z.number().min(0).max(1).default(0),
  control_arm_id: identifier.nullish().transform((v) => v ?? null),
  control_share: z.number().min(0).max(1).default(0),
  winner_arm_id: identifier.nullish().transform((v) => v ?? null),
  shards: z.number().int().min(1).max(MAX_SHARDS).default(1),
});
export type BanditInput = z.output<typeof banditSchema>;

/** Checks the bandit object against core's rules (createPolicy) and its cross-field rules. */
function refineBandit(bandit: BanditInput, ctx: z.RefinementCtx): void {
  const ids = new Set(bandit.arms.map((a) => a.arm_id));
  for (const field of ["winner_arm_id", "control_arm_id"] as const) {
    const id = bandit[field];
    if (id !== null && !ids.has(id)) ctx.addIssue({ code: "custom", path: ["bandit", field], message: `"${id}" is not one of the bandit's arms` });
  }
  if (bandit.control_share >= 1) ctx.addIssue({ code: "custom", path: ["bandit", "control_share"], message: "control_share must be below 1" });
  if (bandit.control_share > 0 && bandit.control_arm_id === null) {
    ctx.addIssue({ code: "custom", path: ["bandit", "control_arm_id"], message: "control_share > 0 needs a control_arm_id" });
  }
  if (bandit.min_arm_share * bandit.arms.length > 1) {
    ctx.addIssue({ code: "custom", path: ["bandit", "min_arm_share"], message: `min_arm_share x ${bandit.arms.length} arms exceeds 1` });
  }
  try {
    createPolicy(banditConfigurationOf(bandit), { reward_type: bandit.reward_type });
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
    ctx.addIssue({ code: "custom", path: ["bandit", ...(err.path ? err.path.split(".") : [])], message: err.message });
  }
}

/** core's BanditConfigurationInput of a pushed bandit object. */
export function banditConfigurationOf(bandit: BanditInput) {
  return {
    algorithm: bandit.algorithm,
    exploration_rate: bandit.exploration_rate,
    arm_definitions: bandit.arms.map((a) => ({ arm_id: a.arm_id, ...(a.prior === undefined ? {} : { prior: a.prior }) })),
    ...(bandit.context_features === undefined ? {} : { context_features: bandit.context_features }),
    update_frequency: bandit.update_frequency,
    ...(bandit.non_stationary_params === undefined
      ? {}
      : { non_stationary_params: { window_size: bandit.non_stationary_params.window_size, drift_threshold: bandit.non_stationary_params.drift_threshold } }),
  };
}

/** Largest node count of a pushed network map. */
export const MAX_NETWORK_NODES = 200_000;

const clusterIdSchema = z.union([z.string().min(1).max(256), z.number()]).transform(String);

/**
 * The optional `network` object of an allocation push (docs/sync-protocol.md, "Networks"): the
 * experiment's most recent graph as cluster -> treatment and node -> cluster, compactly
 * (`nodes` is a list of [node_id, cluster_id] pairs).
 */
export const networkSchema = z.object({
  graph_id: identifier,
  treatments: z.array(z.string().min(1).max(256)).min(1).max(256),
  clusters: z
    .array(z.object({ cluster_id: clusterIdSchema, treatment: z.string().min(1).max(256), size: z.number().int().min(0).optional() }))
    .min(1)
    .max(MAX_NETWORK_NODES),
  /** [node_id, cluster_id] or, when the node is randomised on its own (two-stage designs), [node_id, cluster_id, treatment]. */
  nodes: z
    .array(z.union([z.tuple([z.string().min(1).max(256), clusterIdSchema]), z.tuple([z.string().min(1).max(256), clusterIdSchema, z.string().min(1).max(256)])]))
    .max(MAX_NETWORK_NODES),
  fallback: z.literal("hash").default("hash"),
});
export type NetworkInput = z.output<typeof networkSchema>;

function refineNetwork(network: NetworkInput, ctx: z.RefinementCtx): void {
  const treatments = new Set(network.treatments);
  const clusters = new Set<string>();
  network.clusters.forEach((c, i) => {
    if (!treatments.has(c.treatment)) ctx.addIssue({ code: "custom", path: ["network", "clusters", i, "treatment"], message: `"${c.treatment}" is not one of the treatments` });
    clusters.add(c.cluster_id);
  });
  const seen = new Set<string>();
  for (let i = 0; i < network.nodes.length; i++) {
    const [node, cluster, own] = network.nodes[i]!;
    if (own !== undefined && !treatments.has(own)) {
      ctx.addIssue({ code: "custom", path: ["network", "nodes", i, 2], message: `"${own}" is not one of the treatments` });
      return;
    }
    if (!clusters.has(cluster)) {
      ctx.addIssue({ code: "custom", path: ["network", "nodes", i, 1], message: `cluster "${cluster}" is not one of the clusters` });
      return;
    }
    if (seen.has(node)) {
      ctx.addIssue({ code: "custom", path: ["network", "nodes", i, 0], message: `duplicate node "${node}"` });
      return;
    }
    seen.add(node);
  }
}

/** PUT /internal/experiments/:id/allocation (docs/sync-protocol.md). */
export const allocationSchema = z
  .object({
    experiment_id: identifier,
    version: z.number().int().min(0),
    status: z.enum(EXPERIMENT_STATUSES),
    hash_version: z
      .number()
      .int()
      .refine((v) => (HASH_VERSIONS as readonly number[]).includes(v), { message: `hash_version must be one of ${HASH_VERSIONS.join(", ")}` }),
    salt: z.string().min(1).max(256),
    combinations: z.array(combinationSchema).min(1).max(1024),
    issued_at: isoTimestamp.optional(),
    bandit: banditSchema.nullish().transform((v) => v ?? undefined),
    network: networkSchema.nullish().transform((v) => v ?? undefined),
  })
  .superRefine((allocation, ctx) => {
    if (allocation.bandit !== undefined) refineBandit(allocation.bandit, ctx);
    if (allocation.network !== undefined) refineNetwork(allocation.network, ctx);
    const seen = new Set<string>();
    allocation.combinations.forEach((combination, i) => {
      if (seen.has(combination.combination_id)) {
        ctx.addIssue({ code: "custom", path: ["combinations", i, "combination_id"], message: `duplicate combination_id "${combination.combination_id}"` });
      }
      seen.add(combination.combination_id);
    });
    try {
      validateWeights(allocation.combinations.map((c) => c.traffic_allocation));
    } catch (err) {
      if (!(err instanceof InvalidArgumentError)) throw err;
      ctx.addIssue({ code: "custom", path: ["combinations"], message: `traffic_allocation: ${err.message}` });
    }
  });
export type AllocationInput = z.output<typeof allocationSchema>;

/** POST /v1/assign. */
export const assignSchema = z.object({
  experiment_id: identifier,
  unit_id: z.string().min(1).max(256),
  context: z
    .object({
      user: jsonObject.optional(),
      content: jsonObject.optional(),
    })
    .optional(),
});
export type AssignInput = z.output<typeof assignSchema>;

/** One reward event of POST /v1/rewards; null optional fields count as absent. */
export const rewardEventSchema = z.object({
  event_id: identifier,
  experiment_id: identifier,
  decision_id: identifier.nullish().transform((v) => v ?? undefined),
  unit_id: z
    .string()
    .min(1)
    .max(256)
    .nullish()
    .transform((v) => v ?? undefined),
  reward: z.number(),
  occurred_at: isoTimestamp.nullish().transform((v) => v ?? undefined),
});
export type RewardEventInput = z.output<typeof rewardEventSchema>;

export const MAX_REWARD_EVENTS = 1000;

/** POST /v1/rewards with several events (they may span experiments). */
export const rewardBatchSchema = z.object({
  events: z.array(rewardEventSchema).min(1).max(MAX_REWARD_EVENTS),
});

/** An experiment id in a route path. */
export const experimentIdParam = identifier;
