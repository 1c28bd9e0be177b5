// Request and response schemas of the bandit routes (API.md "Bandits"). Shapes are checked here
// (400); the data model's rules (exploration rate in [0, 1], at least 2 arms, unique arm ids,
// declared context features, existing combinations) by services/bandits.ts with core's
// validateBanditConfiguration (422 naming the field).

import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { BANDIT_ALGORITHMS, REWARD_TYPES, banditAllocations, banditConfigurations, banditDriftEvents } from "../../db/schema/index.js";

export const BanditAlgorithmSchema = z.enum(BANDIT_ALGORITHMS).openapi("BanditAlgorithm");

const featureName = z.string().min(1).max(100);
/** A context feature: a bare name (numeric) or a typed declaration (core's FeatureSpec). */
export const FeatureSpecSchema = z
  .union([
    featureName,
    z.strictObject({ name: featureName, type: z.literal("numeric") }),
    z.strictObject({ name: featureName, type: z.literal("categorical"), vocabulary: z.array(z.string().max(200)).max(1000) }),
    z.strictObject({ name: featureName, type: z.literal("hashed"), buckets: z.number().int().max(4096) }),
  ])
  .openapi("FeatureSpec");

export const ContextFeaturesSchema = z
  .strictObject({
    user_features: z.array(FeatureSpecSchema).max(100).optional(),
    content_features: z.array(FeatureSpecSchema).max(100).optional(),
  })
  .openapi("ContextFeatures");

export const ArmDefinitionSchema = z
  .strictObject({
    arm_id: z.string().max(200),
    combination_id: z.string().min(1).max(200).optional().openapi({
      description: "the combination this arm serves (defaults to the combination whose id equals arm_id, if any)",
    }),
    configuration: z.record(z.string(), z.unknown()).optional().openapi({
      description: "what the arm represents (defaults to the combination's variable_values)",
    }),
    prior: z.record(z.string(), z.number()).optional().openapi({
      description: "Beta {alpha, beta} for binary rewards, NIG {mu0, kappa0, alpha0, beta0} for continuous ones",
    }),
  })
  .openapi("ArmDefinition");

export const NonStationaryParamsSchema = z
  .strictObject({
    window_size: z.number().optional(),
    drift_threshold: z.number().optional(),
    detector: z.enum(["page-hinkley", "cusum"]).optional(),
  })
  .openapi("NonStationaryParams");

export const CreateBanditSchema = z
  .strictObject({
    algorithm: BanditAlgorithmSchema,
    exploration_rate: z.number().openapi({ description: "between 0 and 1" }),
    context_features: ContextFeaturesSchema.optional().openapi({
      description: "each feature must be declared in the experiment's context_schema",
    }),
    arm_definitions: z.array(ArmDefinitionSchema).max(1000).optional().openapi({
      description: "at least 2 arms with unique ids; without it, one arm per combination",
    }),
    update_frequency: z.number().int().min(0).openapi({ description: "seconds between weight recomputations at the edge (0 = every reward)" }),
    regret_threshold: z.number().openapi({ description: "a winner is declared when the champion's expected loss falls to this level" }),
    non_stationary_params: z.union([NonStationaryParamsSchema, z.null()]).optional(),
    is_active: z.boolean().default(true),
    reward_type: z.enum(REWARD_TYPES).default("binary"),
    min_arm_share: z.number().min(0).lt(1).default(0.01).openapi({ description: "floor of every arm's share at the edge" }),
    control_arm_id: z.string().min(1).max(200).nullable().optional(),
    control_share: z.number().min(0).lt(1).default(0),
    shards: z.number().int().min(1).max(64).default(1),
  })
  .openapi("CreateBanditConfiguration");
export type CreateBanditBody = z.infer<typeof CreateBanditSchema>;

export const PatchBanditSchema = z
  .strictObject({
    is_active: z.boolean().optional(),
    exploration_rate: z.number().optional(),
    update_frequency: z.number().int().min(0).optional(),
    regret_threshold: z.number().optional(),
    non_stationary_params: z.union([NonStationaryParamsSchema, z.null()]).optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: "the patch changes nothing" })
  .openapi("PatchBanditConfiguration");
export type PatchBanditBody = z.infer<typeof PatchBanditSchema>;

const configSelect = createSelectSchema(banditConfigurations, {
  algorithm: BanditAlgorithmSchema,
  reward_type: z.enum(REWARD_TYPES),
  context_features: z.union([ContextFeaturesSchema, z.null()]),
  arm_definitions: z.array(ArmDefinitionSchema.extend({ combination_id: z.string().nullable().optional() })),
  non_stationary_params: z.union([NonStationaryParamsSchema, z.null()]),
}).omit({ edge_bandit: true });

const nullableNumber = z.number().nullable();
const EstimateSchema = z.object({
  estimate: nullableNumber,
  std_error: nullableNumber,
  ci95: z.tuple([nullableNumber, nullableNumber]),
});

export const ArmStatisticsSchema = z
  .object({
    arm_id: z.string(),
    decisions: z.number().int().openapi({ description: "logged decisions that chose the arm" }),
    n: z.number().int().openapi({ description: "decisions whose reward arrived" }),
    sum: z.number(),
    sum_sq: z.number(),
    mean: nullableNumber,
    posterior_mean: z.number(),
  })
  .openapi("BanditArmStatistics");

export const RegretSnapshotSchema = z
  .object({
    timestamp: z.string(),
    probability_best: z.record(z.string(), z.number()),
    expected_loss: z.record(z.string(), z.number()).openapi({ description: "E[max_j theta_j - theta_a] per arm" }),
    best_arm_id: z.string(),
    champion_expected_loss: z.number(),
    value_remaining: z.object({ mean: z.number(), p95: z.number(), relative: z.boolean() }),
    cumulative_regret: z.number().openapi({ description: "sum over arms of decisions x (best posterior mean - arm's posterior mean)" }),
    draws: z.number().int(),
    seed: z.string(),
    winner_arm_id: z.string().nullable(),
  })
  .openapi("RegretMetrics");

export const ArmEstimatesSchema = z
  .object({
    logged: z.number().int().openapi({ description: "rewarded decisions with a logged propensity used by the estimators" }),
    method: z.string(),
    arms: z.array(z.object({ arm_id: z.string(), n: z.number().int(), ipw: EstimateSchema, hajek: EstimateSchema, aipw: EstimateSchema })),
  })
  .openapi("BanditArmEstimates");

export const DriftEventSchema = createSelectSchema(banditDriftEvents).omit({ event_key: true }).openapi("BanditDriftEvent");

export const BanditConfigurationSchema = configSelect.openapi("BanditConfiguration");

export const BanditDetailSchema = configSelect
  .extend({
    arm_statistics: z.array(ArmStatisticsSchema),
    regret_metrics: RegretSnapshotSchema,
    arm_estimates: ArmEstimatesSchema,
    drift_events: z.array(DriftEventSchema).openapi({ description: "the latest 100 drift events, newest first" }),
  })
  .openapi("BanditConfigurationDetail");

export const BanditAllocationSchema = createSelectSchema(banditAllocations, {
  arm_probabilities: z.record(z.string(), z.number()),
  context: z.unknown(),
}).openapi("BanditAllocation");

export const AllocationsQuerySchema = z.object({
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ param: { name: "since", in: "query" }, description: "ISO time: allocations at or after it" }),
  cursor: z
    .string()
    .max(500)
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "next_cursor of the previous page (takes precedence over since)" }),
  limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ param: { name: "limit", in: "query" } }),
});

export const AllocationsPageSchema = z
  .object({
    items: z.array(BanditAllocationSchema),
    limit: z.number().int(),
    next_since: z.string().nullable().openapi({ description: "timestamp of the last item (null on the last page)" }),
    next_cursor: z.string().nullable().openapi({ description: "opaque cursor of the next page (null on the last page)" }),
  })
  .openapi("BanditAllocationsPage");
