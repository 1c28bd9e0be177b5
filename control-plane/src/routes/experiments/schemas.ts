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
  DesignOptionsSchema,
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
});
const multivariateSelect = createSelectSchema(multivariateExperiments, {
  design_type: DesignTypeSchema,
  variables: z.array(VariableSchema),
  combinations: z.array(CombinationSchema),
  interaction_matrix: InteractionMatrixSchema,
  // z.union with null rather than .nullable(): the OpenAPI 3.1 generator drops null from a nullable $ref.
  design_options: z.union([DesignOptionsSchema, z.null()]),
  power_analysis: z.union([PowerAnalysisSchema, z.null()]),
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
