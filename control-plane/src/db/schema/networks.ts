// Network aggregate: NetworkGraph (nodes, edges, clusters, spillover model) and its
// SpilloverMeasurements (DATA-MODEL.md). Tables only for now; routes arrive with the networks issue.

import { sql } from "drizzle-orm";
import { check, index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { experiments } from "./experiments.js";

export const GRAPH_TYPES = ["Social", "Geographic", "Behavioral"] as const;

export const networkGraphs = sqliteTable(
  "network_graphs",
  {
    id: text("id").primaryKey(),
    experiment_id: text("experiment_id")
      .notNull()
      .references(() => experiments.id, { onDelete: "cascade" }),
    graph_type: text("graph_type", { enum: GRAPH_TYPES }).notNull(),
    nodes: text("nodes", { mode: "json" })
      // `treatment`: the node's own treatment, set for two-stage designs only (services/network-graphs.ts).
      .$type<{ node_id: string; attributes?: Record<string, unknown>; cluster_id?: string; treatment?: string }[]>()
      .notNull(),
    edges: text("edges", { mode: "json" }).$type<{ source: string; target: string; weight: number }[]>().notNull(),
    clusters: text("clusters", { mode: "json" })
      .$type<{ cluster_id: string; size: number; treatment: string }[]>()
      .notNull(),
    spillover_model: text("spillover_model", { mode: "json" })
      .$type<{ influence_decay: number; threshold: number }>()
      .notNull(),
    randomization_seed: integer("randomization_seed").notNull(),
    modularity: real("modularity"),
    created_at: text("created_at").notNull(),
  },
  (t) => [
    index("network_graphs_experiment_idx").on(t.experiment_id),
    check("network_graph_type_check", sql`${t.graph_type} IN ('Social','Geographic','Behavioral')`),
  ],
);

export const spilloverMeasurements = sqliteTable(
  "spillover_measurements",
  {
    id: text("id").primaryKey(),
    graph_id: text("graph_id")
      .notNull()
      .references(() => networkGraphs.id, { onDelete: "cascade" }),
    timestamp: text("timestamp").notNull(),
    direct_effect: real("direct_effect").notNull(),
    indirect_effect: real("indirect_effect").notNull(),
    total_effect: real("total_effect").notNull(),
    affected_nodes: text("affected_nodes", { mode: "json" }).$type<string[]>().notNull(),
    /** Standard errors and 95% intervals of the three effects. */
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [index("spillover_measurements_graph_time_idx").on(t.graph_id, t.timestamp)],
);
