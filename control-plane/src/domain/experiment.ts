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

export const ROMAN_RESOLUTIONS = ["III", "IV", "V", "VI", "VII", "VIII"] as const;

/** A variable name or its letter (A, B, ...), as core's design module resolves them. */
const FactorNameSchema = z.string().min(1).max(100);

export const DesignOptionsSchema = z
  .strictObject({
    resolution: z
      .union([z.number().int().min(3).max(8), z.enum(ROMAN_RESOLUTIONS)])
      .optional()
      .openapi({ description: "minimum resolution of a fraction: 3..8 or III..VIII" }),
    generators: z
      .union([
        z.record(FactorNameSchema, z.string().min(1).max(100)).openapi({ example: { D: "AB", E: "AC" } }),
        z.array(z.string().min(1).max(100)).max(20).openapi({ example: ["D = AB", "E = AC"] }),
      ])
      .optional()
      .openapi({ description: 'generators of a regular two-level fraction: {"D": "AB", "E": "-AC"} or ["D = AB", "E = -AC"]' }),
    runs: z.number().int().min(1).max(100_000).optional(),
    seed: z
      .union([z.number().int(), z.string().min(1).max(200)])
      .optional()
      .openapi({ description: "seed of a randomised design (LatinSquare); picked and stored at creation when absent" }),
    treatment: z
      .union([FactorNameSchema, z.array(FactorNameSchema).min(1).max(3)])
      .optional()
      .openapi({ description: "LatinSquare: the treatment variable(s); by default the last ones" }),
    array: z
      .string()
      .min(1)
      .max(40)
      .optional()
      .openapi({ description: 'OrthogonalArray / FractionalFactorial: a catalogue array, "L9" or "L8(2^7)"' }),
  })
  .openapi("DesignOptions");
export type DesignOptions = z.infer<typeof DesignOptionsSchema>;

/**
 * Properties of the generated design (core's DesignProperties): resolution, defining relation,
 * word-length patterns and alias chains of fractions, the catalogue array and column assignment
 * of orthogonal arrays, the squares of Latin-square designs. Fields appear where they are defined.
 */
export const DesignPropertiesSchema = z
  .object({
    design_type: DesignTypeSchema,
    runs: z.number().int(),
    factor_letters: z.record(z.string(), z.string()).openapi({ description: "letter of each variable in words and aliases", example: { A: "color", B: "size" } }),
    levels: z.array(z.number().int()),
    interactions: z.array(z.array(z.string())).openapi({ description: "requested interactions kept clear" }),
    resolution: z.number().int().optional(),
    generators: z.record(z.string(), z.string()).optional(),
    defining_relation: z.array(z.string()).optional().openapi({ description: 'words of I = ..., without "I"', example: ["ABD", "ACE", "BCDE"] }),
    word_length_pattern: z.array(z.number()).optional(),
    generalized_word_length_pattern: z.array(z.number()),
    aliases: z
      .object({
        main_effects: z.record(z.string(), z.array(z.string())),
        two_factor_interactions: z.record(z.string(), z.array(z.string())),
      })
      .optional(),
    array: z.string().optional(),
    column_assignment: z.record(z.string(), z.number().int()).optional(),
    interaction_columns: z.record(z.string(), z.array(z.number().int())).optional(),
    square_type: z.enum(["Latin", "Graeco-Latin", "hyper-Graeco-Latin"]).optional(),
    row_variable: z.string().optional(),
    column_variable: z.string().optional(),
    treatment_variables: z.array(z.string()).optional(),
    squares: z.record(z.string(), z.array(z.array(z.number().int()))).optional(),
    randomised_over: z.number().optional(),
    seed: z.union([z.number(), z.string()]).optional(),
    notes: z.array(z.string()).optional(),
  })
  .openapi("DesignProperties");
export type DesignProperties = z.infer<typeof DesignPropertiesSchema>;

export const POWER_TARGETS = ["main_effects", "interactions"] as const;

export const PowerMetricSchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("binary"), baseline_rate: z.number().gt(0).lt(1) }),
    z.strictObject({ type: z.literal("continuous"), sd: z.number().positive() }),
  ])
  .openapi("PowerMetric");
export type PowerMetric = z.infer<typeof PowerMetricSchema>;

/** One model term's F test at the required sample size (core's factorialPower). */
export const PowerTermSchema = z
  .object({
    term: z.string().openapi({ example: "color:size" }),
    df_num: z.number().int(),
    df_den: z.number(),
    ncp: z.number().openapi({ description: "noncentrality λ = f² N" }),
    power: z.number(),
    f: z.number().openapi({ description: "Cohen's f of the term" }),
    tested: z.boolean().openapi({ description: "whether the term counts towards the target" }),
  })
  .openapi("PowerTerm");

/**
 * The stored power analysis. Analyses made before the factorial F test (test "two_proportions" /
 * "two_means") lack the factorial fields; every analysis has effect_size, power, alpha, metric,
 * target, test, n_per_group, required_sample_size, per_combination and method.
 */
export const PowerAnalysisSchema = z
  .object({
    effect_size: z.number(),
    power: z.number(),
    alpha: z.number(),
    metric: PowerMetricSchema,
    target: z.enum(POWER_TARGETS),
    test: z
      .enum(["factorial_f", "two_proportions", "two_means"])
      .openapi({ description: "factorial_f: noncentral F tests of the design's terms; two_proportions / two_means: analyses stored before it" }),
    n_per_group: z.number().openapi({ description: "unrounded units per compared group: per level of a tested main effect, per level pair of a tested interaction (the least-served group)" }),
    n_per_cell: z.number().optional().openapi({ description: "unrounded units per combination with equal traffic: required_total_n / cells" }),
    required_total_n: z.number().optional().openapi({ description: "unrounded total units" }),
    required_sample_size: z.number().int().openapi({ description: "total units, rounded up" }),
    cells: z.number().int().optional().openapi({ description: "distinct combinations of the design" }),
    parameters: z.number().int().optional().openapi({ description: "parameters of the factorial model (denominator df = N - parameters)" }),
    interactions: z.array(z.array(z.string())).optional().openapi({ description: "two-factor interactions in the power model" }),
    effects: z.array(PowerTermSchema).optional(),
    per_combination: z.array(
      z.object({ combination_id: z.string(), traffic_allocation: z.number(), sample_size: z.number().int() }),
    ),
    method: z.string(),
    computed_at: z.string(),
  })
  .openapi("PowerAnalysis");
export type PowerAnalysis = z.infer<typeof PowerAnalysisSchema>;

/**
 * The context features an experiment declares (the "data model" that BanditConfiguration's
 * context_features must name): per side, feature name -> numeric or categorical.
 */
export const CONTEXT_FEATURE_TYPES = ["numeric", "categorical"] as const;
const ContextSideSchema = z.record(z.string().min(1).max(100), z.enum(CONTEXT_FEATURE_TYPES));
export const ContextSchemaSchema = z
  .strictObject({ user: ContextSideSchema.optional(), content: ContextSideSchema.optional() })
  .openapi("ContextSchema", { example: { user: { country: "categorical", age: "numeric" }, content: { category: "categorical" } } });
export type ContextSchema = z.infer<typeof ContextSchemaSchema>;
