// The retention job: enforces DATA-MODEL.md's "Retention Policies" on a schedule. Started by
// main.ts next to the outbox dispatcher (start() / stop()); tests call runOnce(now).
//
// DATA-MODEL.md retention, and what this job does about each:
//   - Experiments: indefinite. Nothing is deleted (experiments, their assignments and results).
//   - Bandit allocations: 90-day rolling window. ENFORCED: bandit_allocations whose timestamp is
//     more than 90 days before now are deleted; the edge's drift events, which describe the same
//     decision stream, follow the same window. Configurations and RegretMetrics snapshots stay
//     (they belong to the experiment).
//   - Optimisation iterations: indefinite. Nothing is deleted.
//   - Network graphs: duration of the experiment. ENFORCED: once an experiment has ended
//     (experiments.ended_at, set by the transition to Completed or Draft -> Archived), its graphs'
//     bulky payload (`nodes`, `edges`: plain lists or the compact base64 form) is replaced by
//     empty lists and the graph is marked `retained: "summary"` (plus `pruned_at`) inside
//     spillover_model.design. The row keeps clusters, modularity, the spillover model, the
//     randomisation seed and node/edge counts, and every spillover measurement stays, so results
//     remain reportable. GET /v1/network-graphs/{id} answers the summary with `pruned: true`;
//     POST .../spillover answers 409 graph_pruned (services/network-graphs.ts).
//   - Model artifacts: 1 year after the experiment ends. ENFORCED for experiments whose ended_at
//     is more than MODEL_ARTIFACT_RETENTION_DAYS (365) days before now. "Artifacts" are the
//     per-row outputs and training data: model_predictions rows (deleted),
//     statistical_models.predictions and .uncertainty_quantification (set to null), and
//     bayesian_models.posterior_state (set to null: it is the surrogate's training data and the
//     factors derived from it). Kept: the model rows themselves with specification,
//     fitted_parameters, model_diagnostics, status, hyperparameters, parameter_space,
//     next_points, convergence_metrics, and optimisation iterations (indefinite).

import type { Db } from "../db/client.js";
import { deleteAllocationsBefore, deleteDriftEventsBefore } from "../db/repositories/bandits.js";
import { clearModelArtifactsEndedBefore, pruneEndedExperimentGraphs } from "../db/repositories/retention.js";

export const BANDIT_ALLOCATION_RETENTION_DAYS = 90;
export const MODEL_ARTIFACT_RETENTION_DAYS = 365;
export const DEFAULT_RETENTION_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionReport {
  /** The bandit cutoff used (ISO): allocations and drift events older than it were deleted. */
  cutoff: string;
  bandit_allocations: number;
  bandit_drift_events: number;
  /** Network graphs pruned to their summary this pass (their experiment has ended). */
  network_graphs_pruned: number;
  /** The model-artifact cutoff (ISO): artifacts of experiments that ended before it were cleared. */
  model_artifact_cutoff: string;
  /** model_predictions rows deleted. */
  model_predictions: number;
  /** Statistical models whose predictions / uncertainty_quantification were cleared. */
  statistical_model_predictions: number;
  /** Bayesian models whose posterior_state was cleared. */
  bayesian_posterior_states: number;
}

export interface RetentionJob {
  /** Runs once now and then every intervalMs. */
  start(): void;
  /** Stops the schedule and waits for a run in flight. */
  stop(): Promise<void>;
  /** One pass with `now` (ms since the epoch; the clock by default). */
  runOnce(now?: number): Promise<RetentionReport>;
}

export interface RetentionOptions {
  db: Db;
  clock?: () => number;
  intervalMs?: number;
  logger?: { error(message: string): void };
}

export function createRetentionJob(opts: RetentionOptions): RetentionJob {
  const clock = opts.clock ?? Date.now;
  const intervalMs = opts.intervalMs ?? DEFAULT_RETENTION_INTERVAL_MS;
  const logger = opts.logger ?? { error: (m: string) => console.error(m) };
  let timer: ReturnType<typeof setInterval> | undefined;
  let inflight: Promise<unknown> | null = null;

  async function runOnce(now = clock()): Promise<RetentionReport> {
    const cutoff = new Date(now - BANDIT_ALLOCATION_RETENTION_DAYS * DAY_MS).toISOString();
    const bandit_allocations = await deleteAllocationsBefore(opts.db, cutoff);
    const bandit_drift_events = await deleteDriftEventsBefore(opts.db, cutoff);
    const network_graphs_pruned = await pruneEndedExperimentGraphs(opts.db, new Date(now).toISOString());
    const model_artifact_cutoff = new Date(now - MODEL_ARTIFACT_RETENTION_DAYS * DAY_MS).toISOString();
    const artifacts = await clearModelArtifactsEndedBefore(opts.db, model_artifact_cutoff);
    return { cutoff, bandit_allocations, bandit_drift_events, network_graphs_pruned, model_artifact_cutoff, ...artifacts };
  }

  function background(): void {
    if (inflight) return;
    inflight = runOnce()
      .catch((e: unknown) => logger.error(`mvx retention: pass failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        inflight = null;
      });
  }

  return {
    start() {
      if (timer) return;
      timer = setInterval(background, intervalMs);
      timer.unref?.();
      background();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await inflight;
    },
    runOnce,
  };
}
