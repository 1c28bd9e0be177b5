// Bandit repository: configurations (at most one active per experiment), their allocation log
// (per-arm sufficient statistics, the rewarded log for off-policy estimates, keyset pages),
// regret-metric snapshots, drift events, and the retention delete of old allocations. Writes
// that announce a change to the edge are composed with services/bandits.ts into one batch.

import { and, asc, desc, eq, gt, gte, isNotNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { banditAllocations, banditConfigurations, banditDriftEvents, regretMetrics } from "../schema/index.js";

export type BanditConfigRow = typeof banditConfigurations.$inferSelect;
export type BanditConfigInsert = typeof banditConfigurations.$inferInsert;
export type BanditAllocationRow = typeof banditAllocations.$inferSelect;
export type RegretMetricsRow = typeof regretMetrics.$inferSelect;
export type DriftEventRow = typeof banditDriftEvents.$inferSelect;

export async function findBanditConfig(db: Db, id: string): Promise<BanditConfigRow | undefined> {
  const rows = await db.select().from(banditConfigurations).where(eq(banditConfigurations.id, id)).limit(1);
  return rows[0];
}

/** The active configuration of an experiment, if any. */
export async function findActiveBanditConfig(db: Db, experimentId: string): Promise<BanditConfigRow | undefined> {
  const rows = await db
    .select()
    .from(banditConfigurations)
    .where(and(eq(banditConfigurations.experiment_id, experimentId), eq(banditConfigurations.is_active, true)))
    .limit(1);
  return rows[0];
}

/** The INSERT of a configuration (to be batched). */
export function insertBanditConfigStatement(db: Db, row: BanditConfigInsert) {
  return db.insert(banditConfigurations).values(row);
}

/** The UPDATE of a configuration (to be batched). */
export function updateBanditConfigStatement(db: Db, id: string, changes: Partial<BanditConfigInsert>) {
  return db.update(banditConfigurations).set(changes).where(eq(banditConfigurations.id, id));
}

export interface ArmTotals {
  arm_id: string;
  decisions: number;
  n: number;
  sum: number;
  sum_sq: number;
}

/** Per selected arm: decisions logged, rewards joined (n), their sum and sum of squares. */
export async function armTotals(db: Db, configId: string): Promise<ArmTotals[]> {
  const rows = await db
    .select({
      arm_id: banditAllocations.selected_arm,
      decisions: sql<number>`count(*)`.mapWith(Number),
      n: sql<number>`count(${banditAllocations.reward})`.mapWith(Number),
      sum: sql<number>`total(${banditAllocations.reward})`.mapWith(Number),
      sum_sq: sql<number>`total(${banditAllocations.reward} * ${banditAllocations.reward})`.mapWith(Number),
    })
    .from(banditAllocations)
    .where(eq(banditAllocations.bandit_config_id, configId))
    .groupBy(banditAllocations.selected_arm);
  return rows;
}

/** The rewarded decisions in time order (at most `max`, the most recent ones), for off-policy estimates. */
export async function rewardedLog(
  db: Db,
  configId: string,
  max = 200_000,
): Promise<{ selected_arm: string; arm_probabilities: Record<string, number>; reward: number }[]> {
  const rows = await db
    .select({
      selected_arm: banditAllocations.selected_arm,
      arm_probabilities: banditAllocations.arm_probabilities,
      reward: banditAllocations.reward,
    })
    .from(banditAllocations)
    .where(and(eq(banditAllocations.bandit_config_id, configId), isNotNull(banditAllocations.reward)))
    .orderBy(desc(banditAllocations.timestamp), desc(banditAllocations.id))
    .limit(max);
  return rows.reverse().map((r) => ({ selected_arm: r.selected_arm, arm_probabilities: r.arm_probabilities, reward: r.reward as number }));
}

export interface AllocationPageQuery {
  /** Inclusive lower bound on timestamp. */
  since?: string | undefined;
  /** Exclusive keyset position (timestamp, id) of the previous page's last row. */
  after?: { timestamp: string; id: string } | undefined;
  limit: number;
}

/** A page of allocations in (timestamp, id) order. */
export async function listBanditAllocations(db: Db, configId: string, q: AllocationPageQuery): Promise<BanditAllocationRow[]> {
  const conditions = [eq(banditAllocations.bandit_config_id, configId)];
  if (q.after) {
    const { timestamp, id } = q.after;
    conditions.push(
      or(gt(banditAllocations.timestamp, timestamp), and(eq(banditAllocations.timestamp, timestamp), gt(banditAllocations.id, id))) as ReturnType<typeof eq>,
    );
  } else if (q.since) {
    conditions.push(gte(banditAllocations.timestamp, q.since));
  }
  return db
    .select()
    .from(banditAllocations)
    .where(and(...conditions))
    .orderBy(asc(banditAllocations.timestamp), asc(banditAllocations.id))
    .limit(q.limit);
}

export async function latestRegretMetrics(db: Db, configId: string): Promise<RegretMetricsRow | undefined> {
  const rows = await db
    .select()
    .from(regretMetrics)
    .where(eq(regretMetrics.bandit_config_id, configId))
    .orderBy(desc(regretMetrics.timestamp))
    .limit(1);
  return rows[0];
}

/** The INSERT of a regret-metrics snapshot (to be batched). */
export function insertRegretMetricsStatement(db: Db, row: typeof regretMetrics.$inferInsert) {
  return db.insert(regretMetrics).values(row);
}

export async function listRegretMetrics(db: Db, configId: string): Promise<RegretMetricsRow[]> {
  return db.select().from(regretMetrics).where(eq(regretMetrics.bandit_config_id, configId)).orderBy(asc(regretMetrics.timestamp));
}

/** The latest drift events of a configuration, newest first. */
export async function listDriftEvents(db: Db, configId: string, limit = 100): Promise<DriftEventRow[]> {
  return db
    .select()
    .from(banditDriftEvents)
    .where(eq(banditDriftEvents.bandit_config_id, configId))
    .orderBy(desc(banditDriftEvents.detected_at), desc(banditDriftEvents.id))
    .limit(limit);
}

/** Deletes allocations older than `cutoff` (ISO) in chunks; returns how many were deleted. */
export async function deleteAllocationsBefore(db: Db, cutoff: string, chunk = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const res = await db.run(sql`DELETE FROM ${banditAllocations} WHERE rowid IN (
      SELECT rowid FROM ${banditAllocations} WHERE ${banditAllocations.timestamp} < ${cutoff} LIMIT ${chunk})`);
    total += res.rowsAffected;
    if (res.rowsAffected < chunk) return total;
  }
}

/** Deletes drift events detected before `cutoff` (ISO); returns how many were deleted. */
export async function deleteDriftEventsBefore(db: Db, cutoff: string): Promise<number> {
  const res = await db.delete(banditDriftEvents).where(lt(banditDriftEvents.detected_at, cutoff));
  return res.rowsAffected;
}
