// Retention repository: the writes of services/retention.ts that key on when an experiment ended
// (experiments.ended_at). Each is one statement (atomic on its own) and idempotent: a second pass
// finds nothing left to do and reports 0.

import { sql } from "drizzle-orm";
import type { Db } from "../client.js";

/** The marker a pruned graph carries in spillover_model.design.retained. */
export const GRAPH_RETAINED_SUMMARY = "summary";

/**
 * Prunes the network graphs of experiments that ended at or before `now`: `nodes` and `edges`
 * (the bulky payload, plain lists or the compact base64 form) become empty lists, and
 * spillover_model.design gets `retained: "summary"` and `pruned_at`. Clusters, modularity, the
 * spillover model, the randomisation seed, node/edge counts and all spillover measurements stay.
 * Returns the number of graphs pruned.
 */
export async function pruneEndedExperimentGraphs(db: Db, now: string): Promise<number> {
  const res = await db.run(sql`UPDATE network_graphs
    SET nodes = '[]', edges = '[]',
      spillover_model = json_set(spillover_model, '$.design.retained', ${GRAPH_RETAINED_SUMMARY}, '$.design.pruned_at', ${now})
    WHERE experiment_id IN (SELECT id FROM experiments WHERE ended_at IS NOT NULL AND ended_at <= ${now})
      AND json_extract(spillover_model, '$.design.retained') IS NULL`);
  return res.rowsAffected;
}

export interface ModelArtifactCounts {
  /** model_predictions rows deleted. */
  model_predictions: number;
  /** statistical_models whose predictions / uncertainty_quantification were cleared. */
  statistical_model_predictions: number;
  /** bayesian_models whose posterior_state (the surrogate's training data) was cleared. */
  bayesian_posterior_states: number;
}

/**
 * Clears the model artifacts of experiments that ended before `cutoff` (see services/retention.ts
 * for what counts as an artifact): deletes their model_predictions rows, nulls
 * statistical_models.predictions and .uncertainty_quantification, and nulls
 * bayesian_models.posterior_state. One transaction.
 */
export async function clearModelArtifactsEndedBefore(db: Db, cutoff: string): Promise<ModelArtifactCounts> {
  const ended = sql`SELECT id FROM experiments WHERE ended_at IS NOT NULL AND ended_at < ${cutoff}`;
  const [preds, stats, bayes] = await db.batch([
    db.run(sql`DELETE FROM model_predictions
      WHERE model_id IN (SELECT id FROM statistical_models WHERE experiment_id IN (${ended}))`),
    db.run(sql`UPDATE statistical_models SET predictions = NULL, uncertainty_quantification = NULL
      WHERE experiment_id IN (${ended}) AND (predictions IS NOT NULL OR uncertainty_quantification IS NOT NULL)`),
    db.run(sql`UPDATE bayesian_models SET posterior_state = NULL
      WHERE experiment_id IN (${ended}) AND posterior_state IS NOT NULL`),
  ]);
  return {
    model_predictions: preds.rowsAffected,
    statistical_model_predictions: stats.rowsAffected,
    bayesian_posterior_states: bayes.rowsAffected,
  };
}
