// Event-log repository: stores the edge's decision and reward logs as experiment_assignments and
// experiment_results (and bandit_allocations for bandit decisions), insert-or-ignore on the edge's
// decision_id / event_id, and reads them back page by page, summarised per combination, and as the
// per-combination sufficient statistics of a metric (for the effects analysis).

import { and, asc, count, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import {
  banditAllocations,
  banditConfigurations,
  banditDriftEvents,
  experimentAssignments,
  experimentResults,
  experiments,
} from "../schema/index.js";

export type AssignmentRow = typeof experimentAssignments.$inferSelect;
export type ResultRow = typeof experimentResults.$inferSelect;
type BanditAllocationInsert = typeof banditAllocations.$inferInsert;

const CHUNK = 100;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Which of `ids` name an existing experiment. */
export async function existingExperimentIds(db: Db, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks([...new Set(ids)], 500)) {
    const rows = await db.select({ id: experiments.id }).from(experiments).where(inArray(experiments.id, part));
    for (const r of rows) found.add(r.id);
  }
  return found;
}

/** The active bandit configuration of each experiment that has one (the newest, if several). */
export async function activeBanditConfigs(db: Db, experimentIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (experimentIds.length === 0) return out;
  const rows = await db
    .select({ id: banditConfigurations.id, experiment_id: banditConfigurations.experiment_id })
    .from(banditConfigurations)
    .where(and(inArray(banditConfigurations.experiment_id, experimentIds), eq(banditConfigurations.is_active, true)))
    .orderBy(asc(banditConfigurations.created_at));
  for (const r of rows) out.set(r.experiment_id, r.id);
  return out;
}

/** Which of `experimentIds` have any bandit configuration (active or not). */
export async function experimentsWithBandits(db: Db, experimentIds: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks([...new Set(experimentIds)], 500)) {
    const rows = await db
      .selectDistinct({ experiment_id: banditConfigurations.experiment_id })
      .from(banditConfigurations)
      .where(inArray(banditConfigurations.experiment_id, part));
    for (const r of rows) out.add(r.experiment_id);
  }
  return out;
}

export interface EventRows {
  assignments: (typeof experimentAssignments.$inferInsert)[];
  results: (typeof experimentResults.$inferInsert)[];
  banditAllocations: BanditAllocationInsert[];
  /** Rewards of bandit decisions: the reward is copied onto the matching bandit allocation. */
  banditRewards: { decision_id: string; reward: number }[];
  driftEvents: (typeof banditDriftEvents.$inferInsert)[];
}

/**
 * Inserts decision, reward and drift rows, ignoring ids already stored, in one transaction.
 * Returns how many assignment, result and drift rows were new.
 */
export async function insertEvents(db: Db, rows: EventRows): Promise<{ inserted: number }> {
  const statements = [
    ...chunks(rows.assignments).map((part) =>
      db.insert(experimentAssignments).values(part).onConflictDoNothing({ target: experimentAssignments.decision_id }),
    ),
    ...chunks(rows.results).map((part) =>
      db.insert(experimentResults).values(part).onConflictDoNothing({ target: experimentResults.event_id }),
    ),
    ...chunks(rows.driftEvents).map((part) =>
      db.insert(banditDriftEvents).values(part).onConflictDoNothing({ target: banditDriftEvents.event_key }),
    ),
  ];
  const counted = statements.length;
  const extra = [
    ...chunks(rows.banditAllocations).map((part) => db.insert(banditAllocations).values(part).onConflictDoNothing()),
    ...rows.banditRewards.map((r) =>
      db
        .update(banditAllocations)
        .set({ reward: r.reward })
        .where(and(eq(banditAllocations.decision_id, r.decision_id), isNull(banditAllocations.reward))),
    ),
  ];
  const all = [...statements, ...extra];
  if (all.length === 0) return { inserted: 0 };
  const [first, ...rest] = all;
  const results = await db.batch([first as (typeof all)[number], ...rest]);
  let inserted = 0;
  for (let i = 0; i < counted; i++) inserted += (results[i] as { rowsAffected: number }).rowsAffected;
  return { inserted };
}

export interface Page {
  limit: number;
  offset: number;
}

export async function listAssignments(db: Db, experimentId: string, page: Page): Promise<{ items: AssignmentRow[]; total: number }> {
  const where = eq(experimentAssignments.experiment_id, experimentId);
  const [items, totals] = await db.batch([
    db
      .select()
      .from(experimentAssignments)
      .where(where)
      .orderBy(asc(experimentAssignments.assigned_at), asc(sql`rowid`))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: count() }).from(experimentAssignments).where(where),
  ]);
  return { items, total: totals[0]?.n ?? 0 };
}

export async function listResults(db: Db, experimentId: string, page: Page): Promise<{ items: ResultRow[]; total: number }> {
  const where = eq(experimentResults.experiment_id, experimentId);
  const [items, totals] = await db.batch([
    db
      .select()
      .from(experimentResults)
      .where(where)
      .orderBy(asc(experimentResults.occurred_at), asc(sql`rowid`))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: count() }).from(experimentResults).where(where),
  ]);
  return { items, total: totals[0]?.n ?? 0 };
}

export interface CombinationCounts {
  combination_id: string | null;
  assignments: number;
  rewards: number;
  reward_sum: number;
}

/** Per combination: decisions served, rewards received and their sum. */
export async function summarize(db: Db, experimentId: string): Promise<CombinationCounts[]> {
  const [assigned, rewarded] = await db.batch([
    db
      .select({ combination_id: experimentAssignments.combination_id, n: count() })
      .from(experimentAssignments)
      .where(eq(experimentAssignments.experiment_id, experimentId))
      .groupBy(experimentAssignments.combination_id),
    db
      .select({
        combination_id: experimentResults.combination_id,
        n: count(),
        sum: sql<number>`coalesce(sum(${experimentResults.value}), 0)`.mapWith(Number),
      })
      .from(experimentResults)
      .where(eq(experimentResults.experiment_id, experimentId))
      .groupBy(experimentResults.combination_id)
      .orderBy(desc(count())),
  ]);
  const out = new Map<string | null, CombinationCounts>();
  const get = (id: string | null) => {
    let row = out.get(id);
    if (!row) {
      row = { combination_id: id, assignments: 0, rewards: 0, reward_sum: 0 };
      out.set(id, row);
    }
    return row;
  };
  for (const a of assigned) get(a.combination_id).assignments = a.n;
  for (const r of rewarded) {
    const row = get(r.combination_id);
    row.rewards = r.n;
    row.reward_sum = r.sum;
  }
  return [...out.values()];
}

export interface CellStatisticsRow {
  /** The combination of the result's decision (else the one logged with the result); null when neither is known. */
  combination_id: string | null;
  n: number;
  sum: number;
  sum_sq: number;
  /** Σ (value - mean)², computed in two passes (no cancellation for large means). */
  ss: number;
}

/**
 * Per combination: count, sum, sum of squares and centred sum of squares of the results of one
 * metric. A result belongs to the combination of its decision (joined on decision_id), or to the
 * combination logged with it when the decision is unknown.
 */
export async function resultCellStatistics(db: Db, experimentId: string, metric: string): Promise<CellStatisticsRow[]> {
  const rows = await db.all<{ combination_id: string | null; n: number; sum: number; sum_sq: number; ss: number }>(sql`
    WITH rows AS (
      SELECT coalesce(a.combination_id, r.combination_id) AS combination_id, r.value AS value
      FROM ${experimentResults} r
      LEFT JOIN ${experimentAssignments} a ON a.decision_id = r.decision_id AND a.experiment_id = r.experiment_id
      WHERE r.experiment_id = ${experimentId} AND r.metric = ${metric}
    ),
    means AS (SELECT combination_id, avg(value) AS mean FROM rows GROUP BY combination_id)
    SELECT rows.combination_id AS combination_id, count(*) AS n, total(rows.value) AS sum,
      total(rows.value * rows.value) AS sum_sq,
      total((rows.value - means.mean) * (rows.value - means.mean)) AS ss
    FROM rows JOIN means ON means.combination_id IS rows.combination_id
    GROUP BY rows.combination_id
    ORDER BY rows.combination_id`);
  return rows.map((r) => ({
    combination_id: r.combination_id,
    n: Number(r.n),
    sum: Number(r.sum),
    sum_sq: Number(r.sum_sq),
    ss: Number(r.ss),
  }));
}
