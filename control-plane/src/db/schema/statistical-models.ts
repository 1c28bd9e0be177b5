// Statistical-model aggregate: StatisticalModel (with its fitting status for asynchronous fits),
// ModelPredictions, and the raw experiment observations the models are fitted to (DATA-MODEL.md,
// API.md "Observations and statistical models"). Tables only for now.

import { sql } from "drizzle-orm";
import { check, index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { experiments } from "./experiments.js";

export const MODEL_CLASSES = ["Hierarchical", "TimeSeries", "MixedEffects", "Causal"] as const;
export const ESTIMATION_METHODS = ["MLE", "Bayesian", "Bootstrap"] as const;
export const FIT_STATUSES = ["queued", "running", "completed", "failed"] as const;

export const statisticalModels = sqliteTable(
  "statistical_models",
  {
    id: text("id").primaryKey(),
    experiment_id: text("experiment_id")
      .notNull()
      .references(() => experiments.id, { onDelete: "cascade" }),
    model_class: text("model_class", { enum: MODEL_CLASSES }).notNull(),
    specification: text("specification", { mode: "json" })
      .$type<{
        formula: string;
        random_effects?: string[];
        fixed_effects?: string[];
        time_structure?: Record<string, unknown>;
      }>()
      .notNull(),
    estimation_method: text("estimation_method", { enum: ESTIMATION_METHODS }).notNull(),
    options: text("options", { mode: "json" }).$type<Record<string, unknown>>(),
    fitted_parameters: text("fitted_parameters", { mode: "json" }).$type<Record<string, unknown>>(),
    model_diagnostics: text("model_diagnostics", { mode: "json" }).$type<Record<string, unknown>>(),
    predictions: text("predictions", { mode: "json" }).$type<unknown[]>(),
    uncertainty_quantification: text("uncertainty_quantification", { mode: "json" }).$type<Record<string, unknown>>(),
    computed_at: text("computed_at"),
    status: text("status", { enum: FIT_STATUSES }).notNull().default("queued"),
    progress: real("progress").notNull().default(0),
    error: text("error"),
    created_at: text("created_at").notNull(),
  },
  (t) => [
    index("statistical_models_experiment_idx").on(t.experiment_id),
    index("statistical_models_status_idx").on(t.status),
    check("statistical_model_class_check", sql`${t.model_class} IN ('Hierarchical','TimeSeries','MixedEffects','Causal')`),
    check("statistical_estimation_check", sql`${t.estimation_method} IN ('MLE','Bayesian','Bootstrap')`),
    check("statistical_status_check", sql`${t.status} IN ('queued','running','completed','failed')`),
    check("statistical_progress_check", sql`${t.progress} >= 0 AND ${t.progress} <= 1`),
  ],
);

export const modelPredictions = sqliteTable(
  "model_predictions",
  {
    id: text("id").primaryKey(),
    model_id: text("model_id")
      .notNull()
      .references(() => statisticalModels.id, { onDelete: "cascade" }),
    prediction: text("prediction", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    created_at: text("created_at").notNull(),
  },
  (t) => [index("model_predictions_model_idx").on(t.model_id)],
);

export const experimentObservations = sqliteTable(
  "experiment_observations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    experiment_id: text("experiment_id")
      .notNull()
      .references(() => experiments.id, { onDelete: "cascade" }),
    row: text("row", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    created_at: text("created_at").notNull(),
  },
  (t) => [index("experiment_observations_experiment_idx").on(t.experiment_id, t.id)],
);
