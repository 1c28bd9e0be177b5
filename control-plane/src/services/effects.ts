// Factorial effects of an experiment (GET /v1/experiments/:id/effects): the results of one metric,
// summarised per combination in SQL (count, sum, sum of squares and the centred sum of squares),
// go to core's analyseEffects, which fits the design's effect coding by weighted least squares on
// the combinations' means (equal to OLS on the raw results) and returns the estimates, the
// sequential ANOVA and the alias chains. Results of combinations that are not in the design are
// left out and counted; too few results, or a combination without results that a term needs, is a
// 422 naming the reason (from core's InvalidArgumentError).

import { analyseEffects } from "@mvx/core";
import { resultCellStatistics } from "../db/repositories/events.js";
import type { EffectsBody } from "../routes/experiments/schemas.js";
import { getExperiment, type ServiceContext } from "./experiments.js";

export interface EffectsQuery {
  metric: string;
  confidence: number;
  coding: "auto" | "polynomial" | "helmert";
}

/** The effects analysis of an experiment's results. */
export async function experimentEffects(ctx: ServiceContext, id: string, query: EffectsQuery): Promise<EffectsBody> {
  const experiment = await getExperiment(ctx, id);
  const rows = await resultCellStatistics(ctx.db, id, query.metric);
  const known = new Set(experiment.combinations.map((c) => c.combination_id));
  const used = rows.filter((r): r is typeof r & { combination_id: string } => r.combination_id !== null && known.has(r.combination_id));
  const excluded = rows.reduce((s, r) => s + (r.combination_id !== null && known.has(r.combination_id) ? 0 : r.n), 0);
  const analysis = analyseEffects(
    { variables: experiment.variables, combinations: experiment.combinations, interaction_matrix: experiment.interaction_matrix },
    used.map((r) => ({ combination_id: r.combination_id, n: r.n, sum: r.sum, sum_sq: r.sum_sq, ss: r.ss })),
    { confidence: query.confidence, coding: query.coding },
  );
  return {
    experiment_id: id,
    metric: query.metric,
    design_type: experiment.design_type,
    interaction_matrix: experiment.interaction_matrix,
    excluded_results: excluded,
    ...analysis,
    computed_at: new Date(ctx.clock()).toISOString(),
  };
}
