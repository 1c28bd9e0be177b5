// Request and response schemas of the Bayesian-optimisation routes (API.md "Bayesian
// optimisation"). Shapes are checked here (400); the data model's rules (valid bounds, log scale
// with min > 0, acquisition matching the model type, known kernel, points inside the bounds,
// sequential iterations) by services/bayesian-models.ts with core's bayesopt (422 / 409 naming the path).

import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { ACQUISITION_FUNCTIONS, MODEL_TYPES, optimizationIterations } from "../../db/schema/index.js";

export const ModelTypeSchema = z.enum(MODEL_TYPES).openapi("BayesianModelType");
export const AcquisitionFunctionSchema = z.enum(ACQUISITION_FUNCTIONS).openapi("AcquisitionFunction");
export const GoalSchema = z.enum(["maximize", "minimize"]).openapi("OptimizationGoal");

const ParameterValueSchema = z.union([z.number(), z.string().max(200)]);

export const ParameterSchema = z
  .strictObject({
    name: z.string().min(1).max(100),
    bounds: z.tuple([z.number(), z.number()]).optional().openapi({ description: "[min, max] with min < max (min > 0 on log scale); required unless type is choice" }),
    scale: z.enum(["linear", "log"]).default("linear"),
    type: z.enum(["continuous", "integer", "choice"]).default("continuous"),
    choices: z.array(ParameterValueSchema).max(1000).optional().openapi({ description: "the values of a choice parameter (at least 2, distinct)" }),
  })
  .openapi("BayesOptParameter");

export const ParameterSpaceSchema = z
  .strictObject({ parameters: z.array(ParameterSchema).min(1).max(50) })
  .openapi("BayesOptParameterSpace");

export const HyperparametersSchema = z
  .object({
    kernel: z.string().max(50).optional().openapi({ description: "GaussianProcess: RBF, Matern32 or Matern52 (default)" }),
    length_scale: z
      .union([z.number(), z.array(z.number()).max(50)])
      .optional()
      .openapi({ description: "one shared or one per parameter, in the parameter's own units (log units for scale log)" }),
    signal_variance: z.number().optional(),
    noise_variance: z.number().optional(),
    optimize: z.boolean().optional().openapi({ description: "false keeps the given (or default) values fixed; default true" }),
    mean_function: z.enum(["zero", "constant"]).optional(),
  })
  .catchall(z.unknown())
  .openapi("BayesOptHyperparameters", {
    description: "GaussianProcess options (also ard, bounds, restarts, max_iterations); BayesianLinear: basis, features, prior_precision, a0, b0; DirichletProcess: truncation, concentration",
  });

export const BayesOptOptionsSchema = z
  .strictObject({
    xi: z.number().min(0).optional().openapi({ description: "improvement margin of EI and PI, in the objective's units (default 0)" }),
    beta: z.number().min(0).optional().openapi({ description: "UCB: mean + sqrt(beta) std (default 4)" }),
    seed: z.union([z.string().max(200), z.number().int()]).optional().openapi({ description: "seed base of the model's random streams (default: the model id)" }),
    initial_points: z.number().int().min(1).max(20).optional().openapi({ description: "space-filling suggestions at creation (default 5)" }),
    batch_size: z.number().int().min(1).max(20).optional().openapi({ description: "suggestions refreshed after each posterior update (default 1)" }),
    batch_strategy: z
      .enum(["kriging_believer", "local_penalization"])
      .optional()
      .openapi({ description: "how batches of more than one point are built: kriging believer (default) or local penalisation (González et al. 2016)" }),
    raw_samples: z.number().int().min(1).max(2048).optional(),
    restarts: z.number().int().min(1).max(20).optional(),
    max_iterations: z.number().int().min(1).max(500).optional(),
    min_rewards_per_point: z
      .number()
      .int()
      .min(2)
      .max(1_000_000)
      .optional()
      .openapi({ description: "BO loop: rewards each served point needs before its round closes (default 30)" }),
    max_round_seconds: z
      .number()
      .positive()
      .optional()
      .openapi({ description: "BO loop: a round older than this closes with the points that have at least 2 rewards" }),
    metric: z.string().min(1).max(64).optional().openapi({ description: "BO loop: the experiment_results metric observed (default reward)" }),
  })
  .openapi("BayesOptOptions");
export type BayesOptOptions = z.infer<typeof BayesOptOptionsSchema>;

export const CreateBayesianModelSchema = z
  .strictObject({
    model_type: ModelTypeSchema,
    hyperparameters: HyperparametersSchema.optional(),
    acquisition_function: AcquisitionFunctionSchema,
    parameter_space: ParameterSpaceSchema,
    goal: GoalSchema.default("maximize"),
    options: BayesOptOptionsSchema.optional(),
  })
  .openapi("CreateBayesianModel");
export type CreateBayesianModelBody = z.infer<typeof CreateBayesianModelSchema>;

const PointSchema = z.record(z.string(), ParameterValueSchema).openapi("BayesOptPoint");

export const ObservationSchema = z
  .strictObject({
    point: PointSchema,
    value: z.number(),
    noise_variance: z.number().min(0).optional().openapi({ description: "variance of this observation, on top of the model's noise" }),
    iteration_number: z.number().int().min(1).optional().openapi({ description: "when given, must be the next iteration number (else 409)" }),
  })
  .openapi("BayesOptObservation");

export const ObservationsBodySchema = z
  .strictObject({ observations: z.array(ObservationSchema).min(1).max(1000) })
  .openapi("BayesOptObservations");
export type ObservationsBody = z.infer<typeof ObservationsBodySchema>;

export const SuggestBodySchema = z.strictObject({ count: z.number().int().min(1).max(20).default(1) }).openapi("BayesOptSuggestRequest");

export const PredictBodySchema = z.strictObject({ points: z.array(PointSchema).min(1).max(1000) }).openapi("BayesOptPredictRequest");

export const PatchBayesianModelSchema = z
  .strictObject({
    active: z.boolean().openapi({
      description:
        "true: the model's next_points are served at the edge as combinations bo-<round>-<k> while the experiment runs, " +
        "and the BO loop feeds their rewards back as observations; at most one active model per experiment (409)",
    }),
  })
  .openapi("PatchBayesianModel");
export type PatchBayesianModelBody = z.infer<typeof PatchBayesianModelSchema>;

export const SuggestedPointSchema = z
  .object({ point: PointSchema, acquisition_value: z.number().nullable() })
  .openapi("BayesOptSuggestedPoint");

export const SuggestResponseSchema = z.object({ next_points: z.array(SuggestedPointSchema) }).openapi("BayesOptSuggestions");

export const PredictResponseSchema = z
  .object({
    predictions: z.array(
      z.object({
        mean: z.number().openapi({ description: "latent mean" }),
        std: z.number().openapi({ description: "latent std" }),
        std_with_noise: z.number().openapi({ description: "std of a new noisy observation" }),
      }),
    ),
  })
  .openapi("BayesOptPredictions");

export const IterationSchema = createSelectSchema(optimizationIterations, {
  suggested_point: PointSchema,
}).openapi("OptimizationIteration");

const PosteriorStateSchema = z
  .record(z.string(), z.unknown())
  .openapi("BayesOptPosteriorState", {
    description:
      "GaussianProcess: kernel, length_scale (number or one per parameter, model-space units), signal_variance, noise_variance, mean, " +
      "log_marginal_likelihood, training_data; other models their own state",
  });

const ConvergenceSchema = z.record(z.string(), z.unknown()).openapi("BayesOptConvergenceMetrics");

const modelFields = {
  id: z.string(),
  experiment_id: z.string(),
  model_type: ModelTypeSchema,
  hyperparameters: z.record(z.string(), z.unknown()),
  acquisition_function: AcquisitionFunctionSchema,
  parameter_space: z.record(z.string(), z.unknown()),
  goal: GoalSchema,
  options: z.record(z.string(), z.unknown()),
  active: z.boolean().openapi({ description: "served at the edge by the BO loop (PATCH {active})" }),
  posterior_state: z.union([PosteriorStateSchema, z.null()]),
  next_points: z.array(SuggestedPointSchema),
  convergence_metrics: z.union([ConvergenceSchema, z.null()]),
  created_at: z.string(),
  updated_at: z.string(),
};

export const BayesianModelSchema = z
  .object({ ...modelFields, iterations: z.array(IterationSchema).openapi({ description: "every iteration, in order" }) })
  .openapi("BayesianModel");

export const BayesianModelListSchema = z
  .object({ items: z.array(z.object(modelFields)) })
  .openapi("BayesianModelList");

export const ObservationsResponseSchema = z
  .object({ ...modelFields, iterations: z.array(IterationSchema).openapi({ description: "the iterations this request added" }) })
  .openapi("BayesOptPosteriorUpdate");
