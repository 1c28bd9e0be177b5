// zod schemas of the experiment aggregate's values (DATA-MODEL.md, MultivariateExperiment): enums,
// variables, combinations, interaction matrix, design options and the stored power analysis.
// These are the single source of the JSON column types, the route schemas and the OpenAPI document.

import { z } from "@hono/zod-openapi";

export const EXPERIMENT_STATUSES = ["Draft", "Running", "Paused", "Completed", "Archived"] as const;
export const ExperimentStatusSchema = z.enum(EXPERIMENT_STATUSES).openapi("ExperimentStatus");
export type ExperimentStatus = z.infer<typeof ExperimentStatusSchema>;

/** An A/B experiment is the base entity; a multivariate one extends it (DATA-MODEL.md). */
export const EXPERIMENT_KINDS = ["ab", "multivariate"] as const;
export type ExperimentKind = (typeof EXPERIMENT_KINDS)[number];

export const DESIGN_TYPES = ["FullFactorial", "FractionalFactorial", "LatinSquare", "OrthogonalArray"] as const;
export const DesignTypeSchema = z.enum(DESIGN_TYPES).openapi("DesignType");
export type DesignType = z.infer<typeof DesignTypeSchema>;

export const VARIABLE_TYPES = ["categorical", "continuous"] as const;

/** Data-model limits: at most 5 variables with 2 to 4 levels each (checked as 422 rules). */
export const MAX_VARIABLES = 5;
export const MIN_LEVELS = 2;
export const MAX_LEVELS = 4;

/** A level is a scalar: a string, a finite number or a boolean (numbers for continuous variables). */
export const LevelSchema = z.union([z.string().max(200), z.number(), z.boolean()]).openapi("Level");
export type Level = z.infer<typeof LevelSchema>;

export const VariableSchema = z
  .strictObject({
    name: z.string().min(1).max(100),
    levels: z.array(LevelSchema).max(1000).openapi({ description: `${MIN_LEVELS} to ${MAX_LEVELS} distinct levels` }),
    type: z.enum(VARIABLE_TYPES),
  })
  .openapi("Variable");
export type Variable = z.infer<typeof VariableSchema>;

export const VariableValuesSchema = z.record(z.string(), LevelSchema).openapi("VariableValues");
export type VariableValues = z.infer<typeof VariableValuesSchema>;

export const CombinationSchema = z
  .object({
    combination_id: z.string(),
    variable_values: VariableValuesSchema,
    traffic_allocation: z.number(),
  })
  .openapi("Combination");
export type Combination = z.infer<typeof CombinationSchema>;

/** combination_id as accepted from users: short, URL- and log-safe. */
export const CombinationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, "combination_id must be 1-64 characters of letters, digits, _ . : -");

export const CombinationInputSchema = z
  .strictObject({
    combination_id: CombinationIdSchema.optional(),
    variable_values: VariableValuesSchema,
    traffic_allocation: z.number(),
  })
  .openapi("CombinationInput");
export type CombinationInput = z.infer<typeof CombinationInputSchema>;

/** Interaction effects to test: tuples (usually pairs) of declared variable names. */
export const InteractionMatrixSchema = z
  .array(z.array(z.string().min(1)).min(2).max(MAX_VARIABLES * 2))
  .max(100)
  .openapi("InteractionMatrix", { example: [["color", "size"]] });
export type InteractionMatrix = z.infer<typeof InteractionMatrixSchema>;

export const DesignOptionsSchema = z
  .strictObject({
    resolution: z.number().int().min(3).max(8).optional(),
    generators: z.array(z.string().min(1).max(100)).max(20).optional(),
    runs: z.number().int().min(1).max(100_000).optional(),
    seed: z.number().int().optional(),
  })
  .openapi("DesignOptions");
export type DesignOptions = z.infer<typeof DesignOptionsSchema>;

export const POWER_TARGETS = ["main_effects", "interactions"] as const;

export const PowerMetricSchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("binary"), baseline_rate: z.number().gt(0).lt(1) }),
    z.strictObject({ type: z.literal("continuous"), sd: z.number().positive() }),
  ])
  .openapi("PowerMetric");
export type PowerMetric = z.infer<typeof PowerMetricSchema>;

export const PowerAnalysisSchema = z
  .object({
    effect_size: z.number(),
    power: z.number(),
    alpha: z.number(),
    metric: PowerMetricSchema,
    target: z.enum(POWER_TARGETS),
    test: z.enum(["two_proportions", "two_means"]),
    n_per_group: z.number().openapi({ description: "unrounded units per compared group (R's convention)" }),
    required_sample_size: z.number().int().openapi({ description: "total units, rounded up" }),
    per_combination: z.array(
      z.object({ combination_id: z.string(), traffic_allocation: z.number(), sample_size: z.number().int() }),
    ),
    method: z.string(),
    computed_at: z.string(),
  })
  .openapi("PowerAnalysis");
export type PowerAnalysis = z.infer<typeof PowerAnalysisSchema>;
