// StatisticalModel repository: one row per fit request, carrying its status (queued, running,
// completed, failed), progress and error for background fits, and the results once completed.

import { asc, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../client.js";
import { FIT_STATUSES, statisticalModels } from "../schema/index.js";

export type StatisticalModelRow = typeof statisticalModels.$inferSelect;
export type StatisticalModelInsert = typeof statisticalModels.$inferInsert;
export type FitStatus = (typeof FIT_STATUSES)[number];

export async function insertStatisticalModel(db: Db, row: StatisticalModelInsert): Promise<void> {
  await db.insert(statisticalModels).values(row);
}

export async function findStatisticalModel(db: Db, id: string): Promise<StatisticalModelRow | undefined> {
  const rows = await db.select().from(statisticalModels).where(eq(statisticalModels.id, id)).limit(1);
  return rows[0];
}

export async function updateStatisticalModel(db: Db, id: string, changes: Partial<StatisticalModelInsert>): Promise<void> {
  await db.update(statisticalModels).set(changes).where(eq(statisticalModels.id, id));
}

/** Models of an experiment, newest first. */
export async function listStatisticalModels(db: Db, experimentId: string): Promise<StatisticalModelRow[]> {
  return db
    .select()
    .from(statisticalModels)
    .where(eq(statisticalModels.experiment_id, experimentId))
    .orderBy(desc(statisticalModels.created_at), asc(statisticalModels.id));
}

/** Ids and statuses of models in the given statuses, oldest first (start-up recovery). */
export async function findModelsByStatus(db: Db, statuses: readonly FitStatus[]): Promise<{ id: string; status: FitStatus }[]> {
  return db
    .select({ id: statisticalModels.id, status: statisticalModels.status })
    .from(statisticalModels)
    .where(inArray(statisticalModels.status, [...statuses]))
    .orderBy(asc(statisticalModels.created_at));
}
