// Bayesian-optimisation aggregate: BayesianModel and its sequential OptimizationIterations
// (DATA-MODEL.md). Tables only for now; the routes arrive with the Bayesian optimisation issue.

import { sql } from "drizzle-orm";
import { check, index, integer, real, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import { experiments } from "./experiments.js";

export const MODEL_TYPES = ["GaussianProcess", "BayesianLinear", "DirichletProcess"] as const;
export const ACQUISITION_FUNCTIONS = ["ExpectedImprovement", "UCB", "ProbabilityImprovement"] as const;

export const bayesianModels = sqliteTable(
  "bayesian_models",
  {
    id: text("id").primaryKey(),
    experiment_id: text("experiment_id")
      .notNull()
      .references(() => experiments.id, { onDelete: "cascade" }),
    model_type: text("model_type", { enum: MODEL_TYPES }).notNull(),
    hyperparameters: text("hyperparameters", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    acquisition_function: text("acquisition_function", { enum: ACQUISITION_FUNCTIONS }).notNull(),
    parameter_space: text("parameter_space", { mode: "json" })
      .$type<{ parameters: { name: string; bounds: [number, number]; scale: "linear" | "log" }[] }>()
      .notNull(),
    posterior_state: text("posterior_state", { mode: "json" }).$type<Record<string, unknown>>(),
    next_points: text("next_points", { mode: "json" }).$type<unknown[]>(),
    convergence_metrics: text("convergence_metrics", { mode: "json" }).$type<Record<string, unknown>>(),
    created_at: text("created_at").notNull(),
    updated_at: text("updated_at").notNull(),
  },
  (t) => [
    index("bayesian_models_experiment_idx").on(t.experiment_id),
    check("bayesian_model_type_check", sql`${t.model_type} IN ('GaussianProcess','BayesianLinear','DirichletProcess')`),
    check(
      "bayesian_acquisition_check",
      sql`${t.acquisition_function} IN ('ExpectedImprovement','UCB','ProbabilityImprovement')`,
    ),
  ],
);

export const optimizationIterations = sqliteTable(
  "optimization_iterations",
  {
    id: text("id").primaryKey(),
    model_id: text("model_id")
      .notNull()
      .references(() => bayesianModels.id, { onDelete: "cascade" }),
    /** Sequential from 1 per model; the unique key enforces "posterior updates must be sequential". */
    iteration_number: integer("iteration_number").notNull(),
    suggested_point: text("suggested_point", { mode: "json" }).$type<Record<string, number>>().notNull(),
    observed_value: real("observed_value"),
    acquisition_value: real("acquisition_value"),
    improvement: real("improvement"),
    created_at: text("created_at").notNull(),
  },
  (t) => [
    unique("optimization_iterations_model_number_unique").on(t.model_id, t.iteration_number),
    check("optimization_iteration_number_check", sql`${t.iteration_number} >= 1`),
  ],
);
