// Bayesian-model repository: BayesianModel rows, their OptimizationIterations in order, and the
// two writes of the loop: a posterior update (model row + new iterations in one batch, so the
// unique (model_id, iteration_number) key rejects a concurrent update as a whole) and the
// storing of fresh suggestions only while no newer iteration exists (compare-and-set).

import { and, asc, desc, eq, gt, notExists } from "drizzle-orm";
import type { Db } from "../client.js";
import { bayesianModels, optimizationIterations } from "../schema/index.js";

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
