// Experiment aggregate: the A/B base `experiments` (DATA-MODEL.md "MultivariateExperiment extends
// Experiment") and `multivariate_experiments`, which extends it one-to-one with the design, the
// generated combinations and their design properties, the stored power analysis and the
// allocation version pushed to the edge.

import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type {
  Combination,
  ContextSchema,
  DesignOptions,
  DesignProperties,
  InteractionMatrix,
  PowerAnalysis,
  Variable,
} from "../../domain/experiment.js";

const STATUSES = ["Draft", "Running", "Paused", "Completed", "Archived"] as const;
const KINDS = ["ab", "multivariate"] as const;
const DESIGN_TYPES = ["FullFactorial", "FractionalFactorial", "LatinSquare", "OrthogonalArray"] as const;

export const experiments = sqliteTable(
  "experiments",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description"),
    status: text("status", { enum: STATUSES }).notNull().default("Draft"),
    kind: text("kind", { enum: KINDS }).notNull(),
    created_at: text("created_at").notNull(),
    updated_at: text("updated_at").notNull(),
    /**
     * When the experiment ended (ISO): set in the same write as the transition to Completed, or
     * Draft -> Archived (a never-run experiment ends there); never changed afterwards. Null while
     * it has not ended. Retention (services/retention.ts) counts from it.
     */
    ended_at: text("ended_at"),
  },
  (t) => [
    index("experiments_status_created_idx").on(t.status, t.created_at),
    index("experiments_created_idx").on(t.created_at),
    check("experiments_status_check", sql`${t.status} IN ('Draft','Running','Paused','Completed','Archived')`),
    check("experiments_kind_check", sql`${t.kind} IN ('ab','multivariate')`),
  ],
);

export const multivariateExperiments = sqliteTable(
  "multivariate_experiments",
  {
    experiment_id: text("experiment_id")
      .primaryKey()
      .references(() => experiments.id, { onDelete: "cascade" }),
    design_type: text("design_type", { enum: DESIGN_TYPES }).notNull(),
    variables: text("variables", { mode: "json" }).$type<Variable[]>().notNull(),
    combinations: text("combinations", { mode: "json" }).$type<Combination[]>().notNull(),
    interaction_matrix: text("interaction_matrix", { mode: "json" }).$type<InteractionMatrix>().notNull(),
    design_options: text("design_options", { mode: "json" }).$type<DesignOptions>(),
    /** Properties of the generated design (resolution, defining relation, aliases, array, ...). */
    design_properties: text("design_properties", { mode: "json" }).$type<DesignProperties>(),
    power_analysis: text("power_analysis", { mode: "json" }).$type<PowerAnalysis>(),
    /** Strictly increases with every allocation pushed to the edge (docs/sync-protocol.md). */
    allocation_version: integer("allocation_version").notNull().default(0),
    /** Seed of the versioned assignment hash; the experiment id unless re-salted. */
    hash_salt: text("hash_salt").notNull(),
    /** Declared context features (`{user: {name: type}, content: {...}}`) that bandits may use. */
    context_schema: text("context_schema", { mode: "json" }).$type<ContextSchema>(),
  },
  (t) => [
    check(
      "multivariate_design_type_check",
      sql`${t.design_type} IN ('FullFactorial','FractionalFactorial','LatinSquare','OrthogonalArray')`,
    ),
    check("multivariate_allocation_version_check", sql`${t.allocation_version} >= 0`),
  ],
);
