// Outbox repository: the pending allocation pushes of sync_outbox, per experiment in id order, and
// the bookkeeping of each delivery attempt (docs/sync-protocol.md).

import { and, asc, count, eq, isNotNull, isNull, max, min, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { syncOutbox } from "../schema/index.js";

export type OutboxRow = typeof syncOutbox.$inferSelect;

/**
 * The head of each experiment's queue: its oldest undelivered entry. Entry k+1 of an experiment is
 * never returned while entry k is undelivered.
 */
export async function pendingHeads(db: Db, limit = 100): Promise<OutboxRow[]> {
  const heads = db
    .select({ id: min(syncOutbox.id).as("head_id") })
    .from(syncOutbox)
    .where(isNull(syncOutbox.delivered_at))
    .groupBy(syncOutbox.experiment_id)
    .as("heads");
  return db
    .select({
      id: syncOutbox.id,
      experiment_id: syncOutbox.experiment_id,
      kind: syncOutbox.kind,
      version: syncOutbox.version,
      payload: syncOutbox.payload,
      attempts: syncOutbox.attempts,
      next_attempt_at: syncOutbox.next_attempt_at,
      last_error: syncOutbox.last_error,
      created_at: syncOutbox.created_at,
      delivered_at: syncOutbox.delivered_at,
    })
    .from(syncOutbox)
    .innerJoin(heads, eq(heads.id, syncOutbox.id))
    .orderBy(asc(syncOutbox.id))
    .limit(limit);
}

/** The next undelivered entry of one experiment. */
export async function nextPending(db: Db, experimentId: string): Promise<OutboxRow | undefined> {
  const rows = await db
    .select()
    .from(syncOutbox)
    .where(and(eq(syncOutbox.experiment_id, experimentId), isNull(syncOutbox.delivered_at)))
    .orderBy(asc(syncOutbox.id))
    .limit(1);
  return rows[0];
}

export async function markDelivered(db: Db, id: number, now: string): Promise<void> {
  await db
    .update(syncOutbox)
    .set({ delivered_at: now, last_error: null })
    .where(and(eq(syncOutbox.id, id), isNull(syncOutbox.delivered_at)));
}

export async function markFailed(db: Db, id: number, error: string, nextAttemptAt: string): Promise<void> {
  await db
    .update(syncOutbox)
    .set({ attempts: sql`${syncOutbox.attempts} + 1`, last_error: error.slice(0, 1000), next_attempt_at: nextAttemptAt })
    .where(eq(syncOutbox.id, id));
}

export interface SyncStatus {
  pending: number;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  delivered_version: number | null;
  last_delivered_at: string | null;
}

/** What an operator needs to see whether pushes to the edge are pending or failing. */
export async function syncStatus(db: Db, experimentId: string): Promise<SyncStatus> {
  const [pendingRows, deliveredRows] = await db.batch([
    db
      .select({ n: count() })
      .from(syncOutbox)
      .where(and(eq(syncOutbox.experiment_id, experimentId), isNull(syncOutbox.delivered_at))),
    db
      .select({ version: max(syncOutbox.version), at: max(syncOutbox.delivered_at) })
      .from(syncOutbox)
      .where(and(eq(syncOutbox.experiment_id, experimentId), isNotNull(syncOutbox.delivered_at))),
  ]);
  const head = await nextPending(db, experimentId);
  return {
    pending: pendingRows[0]?.n ?? 0,
    attempts: head?.attempts ?? 0,
    last_error: head?.last_error ?? null,
    next_attempt_at: head?.next_attempt_at ?? null,
    delivered_version: deliveredRows[0]?.version ?? null,
    last_delivered_at: deliveredRows[0]?.at ?? null,
  };
}
