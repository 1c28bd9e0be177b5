// Bayesian-model repository: BayesianModel rows, their OptimizationIterations in order, and the
// two writes of the loop: a posterior update (model row + new iterations in one batch, so the
// unique (model_id, iteration_number) key rejects a concurrent update as a whole) and the
// storing of fresh suggestions only while no newer iteration exists (compare-and-set).

import { and, asc, desc, eq, gt, ne, notExists, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { bayesianModels, experimentAssignments, experimentResults, experiments, optimizationIterations } from "../schema/index.js";

export type BayesianModelRow = typeof bayesianModels.$inferSelect;
export type BayesianModelInsert = typeof bayesianModels.$inferInsert;
export type IterationRow = typeof optimizationIterations.$inferSelect;
export type IterationInsert = typeof optimizationIterations.$inferInsert;

export async function findBayesianModel(db: Db, id: string): Promise<BayesianModelRow | undefined> {
  const rows = await db.select().from(bayesianModels).where(eq(bayesianModels.id, id)).limit(1);
  return rows[0];
}

/** The models of an experiment, newest first. */
export async function listBayesianModels(db: Db, experimentId: string): Promise<BayesianModelRow[]> {
  return db
    .select()
    .from(bayesianModels)
    .where(eq(bayesianModels.experiment_id, experimentId))
    .orderBy(desc(bayesianModels.created_at), asc(bayesianModels.id));
}

export async function insertBayesianModel(db: Db, row: BayesianModelInsert): Promise<void> {
  await db.insert(bayesianModels).values(row);
}

/** A model's iterations by iteration_number. */
export async function listIterations(db: Db, modelId: string): Promise<IterationRow[]> {
  return db
    .select()
    .from(optimizationIterations)
    .where(eq(optimizationIterations.model_id, modelId))
    .orderBy(asc(optimizationIterations.iteration_number));
}

/**
 * Stores a posterior update: the model's new state and its new iterations, atomically. Throws the
 * database's unique-constraint error when another update took one of these iteration numbers.
 */
export async function commitPosteriorUpdate(
  db: Db,
  id: string,
  changes: Pick<BayesianModelInsert, "posterior_state" | "next_points" | "convergence_metrics" | "updated_at">,
  iterations: IterationInsert[],
): Promise<void> {
  const update = db.update(bayesianModels).set(changes).where(eq(bayesianModels.id, id));
  if (iterations.length === 0) {
    await update;
    return;
  }
  await db.batch([update, ...iterations.map((it) => db.insert(optimizationIterations).values(it))]);
}

/**
 * Stores suggestions computed from the posterior after `observed` iterations, unless a newer
 * iteration has been stored since; true when stored.
 */
export async function storeSuggestions(
  db: Db,
  id: string,
  observed: number,
  changes: Pick<BayesianModelInsert, "next_points" | "convergence_metrics">,
): Promise<boolean> {
  const newer = db
    .select({ id: optimizationIterations.id })
    .from(optimizationIterations)
    .where(and(eq(optimizationIterations.model_id, id), gt(optimizationIterations.iteration_number, observed)));
  const res = await db.update(bayesianModels).set(changes).where(and(eq(bayesianModels.id, id), notExists(newer)));
  return res.rowsAffected > 0;
}

// ---------------------------------------------------------------------------------------------
// The BO loop (services/bo-loop.ts): the active flag lives in hyperparameters.acquisition_settings
// (`active: true`), the rounds in convergence_metrics.bo_loop; no column of their own.
// ---------------------------------------------------------------------------------------------

const ACTIVE = sql`json_extract(${bayesianModels.hyperparameters}, '$.acquisition_settings.active') = 1`;

/** Active models whose experiment is Running, oldest first. */
export async function activeModelsOfRunningExperiments(db: Db): Promise<BayesianModelRow[]> {
  return db
    .select()
    .from(bayesianModels)
    .where(and(ACTIVE, sql`EXISTS (SELECT 1 FROM ${experiments} e WHERE e.id = ${bayesianModels.experiment_id} AND e.status = 'Running')`))
    .orderBy(asc(bayesianModels.created_at), asc(bayesianModels.id));
}

/** The active model of an experiment other than `exceptId`, if any. */
export async function findOtherActiveModel(db: Db, experimentId: string, exceptId: string): Promise<BayesianModelRow | undefined> {
  const rows = await db
    .select()
    .from(bayesianModels)
    .where(and(eq(bayesianModels.experiment_id, experimentId), ne(bayesianModels.id, exceptId), ACTIVE))
    .limit(1);
  return rows[0];
}

/**
 * The UPDATE (to be batched) of a model's hyperparameters and convergence metrics when its active
 * flag changes; an activation applies only while no other model of the experiment is active.
 */
export function setActiveStatement(
  db: Db,
  row: Pick<BayesianModelRow, "id" | "experiment_id">,
  activate: boolean,
  changes: Pick<BayesianModelInsert, "hyperparameters" | "convergence_metrics" | "updated_at">,
) {
  const others = sql`NOT EXISTS (SELECT 1 FROM bayesian_models other WHERE other.experiment_id = ${row.experiment_id}
    AND other.id <> ${row.id} AND json_extract(other.hyperparameters, '$.acquisition_settings.active') = 1)`;
  const where = activate ? and(eq(bayesianModels.id, row.id), others) : eq(bayesianModels.id, row.id);
  return db.update(bayesianModels).set(changes).where(where);
}

/** The UPDATE (to be batched) of a posterior update's model fields, only while no newer iteration exists. */
export function posteriorUpdateStatement(
  db: Db,
  id: string,
  changes: Pick<BayesianModelInsert, "posterior_state" | "next_points" | "convergence_metrics" | "updated_at">,
) {
  return db.update(bayesianModels).set(changes).where(eq(bayesianModels.id, id));
}

/** The INSERT (to be batched) of one iteration. */
export function insertIterationStatement(db: Db, it: IterationInsert) {
  return db.insert(optimizationIterations).values(it);
}

export interface PointStatistics {
  combination_id: string;
  n: number;
  mean: number;
  /** Σ (value - mean)², two-pass. */
  ss: number;
}

/**
 * Per combination among `combinationIds`: count, mean and centred sum of squares of the
 * experiment's results of `metric`. A result belongs to its decision's combination (joined on
 * decision_id), else to the combination logged with it (as resultCellStatistics does).
 */
export async function combinationStatistics(db: Db, experimentId: string, metric: string, combinationIds: string[]): Promise<PointStatistics[]> {
  if (combinationIds.length === 0) return [];
  const rows = await db.all<{ combination_id: string; n: number; mean: number; ss: number }>(sql`
    WITH rows AS (
      SELECT coalesce(a.combination_id, r.combination_id) AS combination_id, r.value AS value
      FROM ${experimentResults} r
      LEFT JOIN ${experimentAssignments} a ON a.decision_id = r.decision_id AND a.experiment_id = r.experiment_id
      WHERE r.experiment_id = ${experimentId} AND r.metric = ${metric}
    ),
    picked AS (SELECT * FROM rows WHERE combination_id IN (${sql.join(
      combinationIds.map((c) => sql`${c}`),
      sql`, `,
    )})),
    means AS (SELECT combination_id, avg(value) AS mean FROM picked GROUP BY combination_id)
    SELECT picked.combination_id AS combination_id, count(*) AS n, means.mean AS mean,
      total((picked.value - means.mean) * (picked.value - means.mean)) AS ss
    FROM picked JOIN means ON means.combination_id = picked.combination_id
    GROUP BY picked.combination_id
    ORDER BY picked.combination_id`);
  return rows.map((r) => ({ combination_id: r.combination_id, n: Number(r.n), mean: Number(r.mean), ss: Number(r.ss) }));
}
