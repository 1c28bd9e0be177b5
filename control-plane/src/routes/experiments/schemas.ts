// Request and response schemas of the experiment routes. Responses derive from the tables through
// drizzle-zod (JSON columns refined with the domain schemas); requests from the domain schemas.
// Shape errors are 400 here; the data model's rules (counts, uniqueness, traffic sums) are checked
// by services/design.ts and answered 422.

import { z } from "@hono/zod-openapi";
import { createInsertSchema, createSelectSchema } from "drizzle-zod";
import { experimentAssignments, experimentResults, experiments, multivariateExperiments } from "../../db/schema/index.js";
import {
  CombinationInputSchema,
  CombinationSchema,
  ContextSchemaSchema,
  DesignOptionsSchema,
  DesignPropertiesSchema,
  DesignTypeSchema,
  EXPERIMENT_KINDS,
  ExperimentStatusSchema,
  InteractionMatrixSchema,
  POWER_TARGETS,
  PowerAnalysisSchema,
  PowerMetricSchema,
  VariableSchema,
} from "../../domain/experiment.js";

const experimentSelect = createSelectSchema(experiments, {
  status: ExperimentStatusSchema,
  kind: z.enum(EXPERIMENT_KINDS),
  ended_at: z.union([z.string(), z.null()]).openapi({
    description:
      "when the experiment ended (set by the transition to Completed, or Draft -> Archived; never changed afterwards); " +
      "null while it has not ended. Retention of network graphs and model artifacts counts from it",
  }),
});
const multivariateSelect = createSelectSchema(multivariateExperiments, {
  design_type: DesignTypeSchema,
  variables: z.array(VariableSchema),
  combinations: z.array(CombinationSchema),
  interaction_matrix: InteractionMatrixSchema,
  // z.union with null rather than .nullable(): the OpenAPI 3.1 generator drops null from a nullable $ref.
  design_options: z.union([DesignOptionsSchema, z.null()]),
  design_properties: z.union([DesignPropertiesSchema, z.null()]).openapi({
    description: "properties of the generated design (null for experiments created before they were recorded)",
  }),
  power_analysis: z.union([PowerAnalysisSchema, z.null()]),
  context_schema: z.union([ContextSchemaSchema, z.null()]).openapi({
    description: "declared context features that bandit configurations may use (null when none)",
  }),
});

export const ExperimentSchema = experimentSelect
  .extend(multivariateSelect.omit({ experiment_id: true }).shape)
  .openapi("Experiment");

const experimentInsert = createInsertSchema(experiments, {
  name: (s) => s.trim().min(1, "name must not be empty").max(200),
  description: (s) => s.max(10_000),
});

export const CreateExperimentSchema = z
  .strictObject({
    ...experimentInsert.pick({ name: true, description: true }).shape,
    design_type: DesignTypeSchema,
    variables: z.array(VariableSchema).max(100).openapi({ description: "1 to 5 variables" }),
    interaction_matrix: InteractionMatrixSchema.optional(),
    design_options: DesignOptionsSchema.optional(),
    combinations: z
      .array(CombinationInputSchema)
      .max(5000)
      .optional()
      .openapi({ description: "optional custom traffic: every combination of the design once, allocations summing to 1" }),
    context_schema: ContextSchemaSchema.optional(),
  })
  .openapi("CreateExperiment");
export type CreateExperimentBody = z.infer<typeof CreateExperimentSchema>;

export const PatchExperimentSchema = z
  .strictObject({
    name: CreateExperimentSchema.shape.name.optional(),
    description: CreateExperimentSchema.shape.description,
    design_type: DesignTypeSchema.optional(),
    variables: CreateExperimentSchema.shape.variables.optional(),
    interaction_matrix: InteractionMatrixSchema.optional(),
    design_options: z.union([DesignOptionsSchema, z.null()]).optional(),
    combinations: CreateExperimentSchema.shape.combinations.unwrap().nullable().optional(),
    context_schema: z.union([ContextSchemaSchema, z.null()]).optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: "the patch changes nothing" })
  .openapi("PatchExperiment");
export type PatchExperimentBody = z.infer<typeof PatchExperimentSchema>;

export const ListExperimentsQuerySchema = z.object({
  status: ExperimentStatusSchema.optional().openapi({ param: { name: "status", in: "query" } }),
});

export const TransitionSchema = z.strictObject({ status: ExperimentStatusSchema }).openapi("Transition");

export const PowerAnalysisRequestSchema = z
  .strictObject({
    effect_size: z.number().refine((v) => v !== 0, "effect_size must not be 0"),
    power: z.number().gt(0).lt(1).default(0.8),
    alpha: z.number().gt(0).lt(1).default(0.05),
    metric: PowerMetricSchema,
    target: z.enum(POWER_TARGETS).default("main_effects"),
  })
  .openapi("PowerAnalysisRequest");
export type PowerAnalysisRequestBody = z.infer<typeof PowerAnalysisRequestSchema>;

export const SyncStatusSchema = z
  .object({
    experiment_id: z.string(),
    allocation_version: z.number().int(),
    pending: z.number().int().openapi({ description: "allocation pushes not yet acknowledged by the edge" }),
    attempts: z.number().int().openapi({ description: "failed attempts of the oldest pending push" }),
    last_error: z.string().nullable(),
    next_attempt_at: z.string().nullable(),
    delivered_version: z.number().int().nullable(),
    last_delivered_at: z.string().nullable(),
  })
  .openapi("SyncStatus");

export const AssignmentSchema = createSelectSchema(experimentAssignments, {
  variable_values: z.record(z.string(), z.unknown()).nullable(),
  context: z.unknown(),
}).openapi("ExperimentAssignment");

export const ResultSchema = createSelectSchema(experimentResults).openapi("ExperimentResult");

export const SummarySchema = z
  .object({
    experiment_id: z.string(),
    combinations: z.array(
      z.object({
        combination_id: z.string().nullable(),
        variable_values: z.record(z.string(), z.unknown()).nullable(),
        assignments: z.number().int(),
        rewards: z.number().int(),
        reward_sum: z.number(),
        mean: z.number().nullable().openapi({ description: "reward_sum / rewards (null without rewards)" }),
      }),
    ),
  })
  .openapi("ExperimentSummary");

export const EffectsQuerySchema = z.object({
  metric: z
    .string()
    .min(1)
    .max(64)
    .default("reward")
    .openapi({ param: { name: "metric", in: "query" }, description: "the results' metric (default reward)" }),
  confidence: z.coerce
    .number()
    .gt(0)
    .lt(1)
    .default(0.95)
    .openapi({ param: { name: "confidence", in: "query" }, description: "level of the confidence intervals" }),
  coding: z
    .enum(["auto", "polynomial", "helmert"])
    .default("auto")
    .openapi({
      param: { name: "coding", in: "query" },
      description: "contrasts of variables with 3 or 4 levels: auto = orthogonal polynomials for continuous, Helmert for categorical",
    }),
});

const nullableNumber = z.number().nullable();

const EffectsCoefficientSchema = z.object({
  term: z.string().openapi({ example: "color" }),
  estimate: z.number(),
  std_error: z.number(),
  statistic: nullableNumber.openapi({ description: "t value (null when the standard error is 0)" }),
  p_value: nullableNumber,
  ci_lower: z.number(),
  ci_upper: z.number(),
});

const DesignEffectSchema = z
  .object({
    term: z.string().openapi({ description: 'variable names joined by ":" (R\'s term label)', example: "A" }),
    letters: z.string().openapi({ example: "A" }),
    variables: z.array(z.string()),
    df: z.number().int(),
    alias_chain: z.array(z.string()).openapi({
      description: "the term and the two-factor interactions completely aliased with it, in letters (a leading - for opposite sign); the estimate is that of the whole chain",
      example: ["A", "BD", "CE"],
    }),
    alias_chain_terms: z.array(z.string()).openapi({ description: "the chain in variable names", example: ["A", "B:D", "C:E"] }),
    partial_aliases: z.array(z.object({ term: z.string(), name: z.string(), shared_df: z.number() })),
    coefficients: z.array(z.string()).openapi({ description: "names of the term's rows in `coefficients`" }),
    estimate: z.number().optional().openapi({ description: "one-df terms: the coefficient (sum-to-zero coding: half the high - low difference)" }),
    std_error: z.number().optional(),
    statistic: nullableNumber.optional(),
    p_value: nullableNumber.optional(),
    ci_lower: z.number().optional(),
    ci_upper: z.number().optional(),
    difference: z.number().optional().openapi({ description: "terms of two-level variables: 2 * estimate, the high - low difference (second level minus first)" }),
    difference_std_error: z.number().optional(),
    difference_ci_lower: z.number().optional(),
    difference_ci_upper: z.number().optional(),
  })
  .openapi("DesignEffect");

export const EffectsSchema = z
  .object({
    experiment_id: z.string(),
    metric: z.string(),
    design_type: z.string(),
    interaction_matrix: z.array(z.array(z.string())),
    n: z.number().int().openapi({ description: "results used" }),
    excluded_results: z.number().int().openapi({ description: "results of the metric whose combination is not in the design (or unknown)" }),
    parameters: z.number().int(),
    confidence_level: z.number(),
    coding: z.array(z.object({ variable: z.string(), levels: z.number().int(), contrasts: z.enum(["effect", "polynomial", "helmert"]) })),
    cells: z.array(z.object({ combination_id: z.string(), n: z.number().int(), mean: nullableNumber, sd: nullableNumber })),
    coefficients: z.array(EffectsCoefficientSchema),
    effects: z.array(DesignEffectSchema),
    anova: z.array(
      z.object({
        term: z.string(),
        df: z.number().int(),
        sum_sq: z.number(),
        mean_sq: z.number(),
        F: nullableNumber,
        p_value: nullableNumber,
      }),
    ).openapi({ description: "sequential (type I) ANOVA, as R's anova(lm(...)); the last row is the Residual" }),
    residual: z.object({
      df: z.number().int(),
      sum_sq: z.number(),
      mean_sq: z.number(),
      sigma: z.number(),
      pure_error_df: z.number().int(),
      pure_error_sum_sq: z.number(),
      lack_of_fit_df: z.number().int(),
      lack_of_fit_sum_sq: z.number(),
    }),
    r_squared: nullableNumber,
    method: z.string(),
    computed_at: z.string(),
  })
  .openapi("ExperimentEffects");
export type EffectsBody = z.infer<typeof EffectsSchema>;
