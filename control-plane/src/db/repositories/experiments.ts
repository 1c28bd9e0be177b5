// Experiment repository: reads and writes the experiment aggregate (experiments joined with
// multivariate_experiments). Multi-statement writes go through db.batch, one transaction; state
// changes are conditional (compare-and-set on status / allocation_version), so concurrent
// control-plane copies cannot interleave a transition with another write.

import { and, count, desc, eq, sql } from "drizzle-orm";
import type { ExperimentStatus, PowerAnalysis } from "../../domain/experiment.js";
import type { Db } from "../client.js";
import { experiments, multivariateExperiments } from "../schema/index.js";

export type ExperimentRow = typeof experiments.$inferSelect;
export type MultivariateRow = typeof multivariateExperiments.$inferSelect;

/** The aggregate as the API shows it: the base experiment plus its multivariate extension. */
export type ExperimentRecord = ExperimentRow & Omit<MultivariateRow, "experiment_id">;

const columns = {
  id: experiments.id,
  name: experiments.name,
  description: experiments.description,
  status: experiments.status,
  kind: experiments.kind,
  design_type: multivariateExperiments.design_type,
  variables: multivariateExperiments.variables,
  combinations: multivariateExperiments.combinations,
  interaction_matrix: multivariateExperiments.interaction_matrix,
  design_options: multivariateExperiments.design_options,
  design_properties: multivariateExperiments.design_properties,
  power_analysis: multivariateExperiments.power_analysis,
  allocation_version: multivariateExperiments.allocation_version,
  hash_salt: multivariateExperiments.hash_salt,
  context_schema: multivariateExperiments.context_schema,
  created_at: experiments.created_at,
  updated_at: experiments.updated_at,
  ended_at: experiments.ended_at,
};

function selectAggregate(db: Db) {
  return db
    .select(columns)
    .from(experiments)
    .innerJoin(multivariateExperiments, eq(multivariateExperiments.experiment_id, experiments.id));
}

/** Inserts a new multivariate experiment (both rows, one transaction). */
export async function insertExperiment(db: Db, record: ExperimentRecord): Promise<void> {
  const { id, name, description, status, kind, created_at, updated_at, ended_at, ...mv } = record;
  await db.batch([
    db.insert(experiments).values({ id, name, description, status, kind, created_at, updated_at, ended_at }),
    db.insert(multivariateExperiments).values({ experiment_id: id, ...mv }),
  ]);
}

export async function findExperiment(db: Db, id: string): Promise<ExperimentRecord | undefined> {
  const rows = await selectAggregate(db).where(eq(experiments.id, id)).limit(1);
  return rows[0];
}

export async function experimentExists(db: Db, id: string): Promise<boolean> {
  const rows = await db.select({ id: experiments.id }).from(experiments).where(eq(experiments.id, id)).limit(1);
  return rows.length > 0;
}

export interface ListOptions {
  status?: ExperimentStatus | undefined;
  limit: number;
  offset: number;
}

/** A page of experiments, newest first, with the total matching the filter. */
export async function listExperiments(db: Db, opts: ListOptions): Promise<{ items: ExperimentRecord[]; total: number }> {
  const where = opts.status ? eq(experiments.status, opts.status) : undefined;
  const [items, totals] = await db.batch([
    selectAggregate(db)
      .where(where)
      .orderBy(desc(experiments.created_at), desc(experiments.id))
      .limit(opts.limit)
      .offset(opts.offset),
    db
      .select({ n: count() })
      .from(experiments)
      .innerJoin(multivariateExperiments, eq(multivariateExperiments.experiment_id, experiments.id))
      .where(where),
  ]);
  return { items, total: totals[0]?.n ?? 0 };
}

export interface ExperimentChanges {
  name?: string;
  description?: string | null;
  context_schema?: MultivariateRow["context_schema"];
  design?: Pick<
    MultivariateRow,
    "design_type" | "variables" | "combinations" | "interaction_matrix" | "design_options" | "design_properties" | "power_analysis"
  >;
}

/**
 * Applies `changes` in one transaction. A design change applies only while the experiment is
 * still Draft (checked in the same transaction; the context schema travels with it); returns
 * false when it no longer is.
 */
export async function updateExperiment(db: Db, id: string, changes: ExperimentChanges, now: string): Promise<boolean> {
  const base: Partial<ExperimentRow> = { updated_at: now };
  if (changes.name !== undefined) base.name = changes.name;
  if (changes.description !== undefined) base.description = changes.description;
  if (!changes.design) {
    const update = db.update(experiments).set(base).where(eq(experiments.id, id));
    if (changes.context_schema === undefined) return (await update).rowsAffected === 1;
    const [res] = await db.batch([
      update,
      db
        .update(multivariateExperiments)
        .set({ context_schema: changes.context_schema })
        .where(eq(multivariateExperiments.experiment_id, id)),
    ]);
    return res.rowsAffected === 1;
  }
  const design = changes.context_schema === undefined ? changes.design : { ...changes.design, context_schema: changes.context_schema };
  const [designRes] = await db.batch([
    db
      .update(multivariateExperiments)
      .set(design)
      .where(
        and(
          eq(multivariateExperiments.experiment_id, id),
          sql`EXISTS (SELECT 1 FROM ${experiments} WHERE ${experiments.id} = ${id} AND ${experiments.status} = 'Draft')`,
        ),
      ),
    db
      .update(experiments)
      .set(base)
      .where(and(eq(experiments.id, id), eq(experiments.status, "Draft"))),
  ]);
  return designRes.rowsAffected === 1;
}

/** Stores a power analysis; false when the experiment does not exist. */
export async function setPowerAnalysis(db: Db, id: string, analysis: PowerAnalysis, now: string): Promise<boolean> {
  const [res] = await db.batch([
    db
      .update(multivariateExperiments)
      .set({ power_analysis: analysis })
      .where(eq(multivariateExperiments.experiment_id, id)),
    db.update(experiments).set({ updated_at: now }).where(eq(experiments.id, id)),
  ]);
  return res.rowsAffected === 1;
}

export interface TransitionCommand {
  id: string;
  from: ExperimentStatus;
  to: ExperimentStatus;
  /** allocation_version read with `from`; the transition writes expectedVersion + 1. */
  expectedVersion: number;
  hashVersion: number;
  now: string;
}

/**
 * Changes the status, increments allocation_version and enqueues the allocation push, all in one
 * transaction and only if status and version are still what the caller read. The outbox payload
 * is built in SQL from the committed row, so it always carries the combinations in force.
 * Returns false when a concurrent write got there first.
 */
/** Whether `from -> to` ends the experiment: to Completed, or Draft -> Archived (never ran). */
export function endsExperiment(from: ExperimentStatus, to: ExperimentStatus): boolean {
  return to === "Completed" || (from === "Draft" && to === "Archived");
}

export async function transitionExperiment(db: Db, cmd: TransitionCommand): Promise<boolean> {
  const next = cmd.expectedVersion + 1;
  const [statusRes] = await db.batch([
    // ended_at is set by the transition that ends the experiment (to Completed, or Draft ->
    // Archived) and kept by every later one (COALESCE), so Completed -> Archived does not move it.
    db.run(sql`UPDATE experiments SET status = ${cmd.to}, updated_at = ${cmd.now},
        ended_at = COALESCE(ended_at, ${endsExperiment(cmd.from, cmd.to) ? cmd.now : null})
      WHERE id = ${cmd.id} AND status = ${cmd.from}
        AND (SELECT allocation_version FROM multivariate_experiments WHERE experiment_id = ${cmd.id}) = ${cmd.expectedVersion}`),
    db.run(sql`UPDATE multivariate_experiments SET allocation_version = ${next}
      WHERE experiment_id = ${cmd.id} AND allocation_version = ${cmd.expectedVersion}
        AND (SELECT status FROM experiments WHERE id = ${cmd.id}) = ${cmd.to}`),
    db.run(enqueueAllocationPushSql({ id: cmd.id, status: cmd.to, version: next, hashVersion: cmd.hashVersion, now: cmd.now })),
  ]);
  return statusRes.rowsAffected === 1;
}

/**
 * The INSERT of an allocation push into sync_outbox, built in SQL from the committed rows (so it
 * carries the combinations in force and, when the experiment has an active bandit configuration,
 * its `bandit` object). When the experiment has an active BayesianModel with a current BO-loop
 * round (convergence_metrics.bo_loop.current, services/bo-loop.ts), the round's suggested points
 * are the `combinations` instead of the design's, and no bandit object is sent (its arms are the
 * design's combinations). When the experiment has a network graph, the most recent one rides along as
 * `network` (docs/sync-protocol.md, "Networks": treatments, clusters and [node_id, cluster_id]
 * pairs). Inserts only when the experiment is `status` at allocation_version
 * `version`, so it belongs in the same batch as the write that moved it there.
 */
export function enqueueAllocationPushSql(p: { id: string; status: ExperimentStatus; version: number; hashVersion: number; now: string }) {
  return sql`INSERT INTO sync_outbox (experiment_id, kind, version, payload, attempts, next_attempt_at, created_at)
      SELECT m.experiment_id, 'allocation', m.allocation_version,
        CASE WHEN p.network IS NULL THEN CASE WHEN b.edge_bandit IS NULL OR p.bo_combinations IS NOT NULL THEN p.base ELSE json_set(p.base, '$.bandit', json(b.edge_bandit)) END
          ELSE json_set(CASE WHEN b.edge_bandit IS NULL OR p.bo_combinations IS NOT NULL THEN p.base ELSE json_set(p.base, '$.bandit', json(b.edge_bandit)) END, '$.network', json(p.network)) END,
        0, ${p.now}, ${p.now}
      FROM multivariate_experiments m JOIN experiments e ON e.id = m.experiment_id
      JOIN (SELECT json_object(
          'experiment_id', m2.experiment_id,
          'version', m2.allocation_version,
          'status', e2.status,
          'hash_version', ${p.hashVersion},
          'salt', m2.hash_salt,
          'combinations', json(coalesce(bo.combinations, m2.combinations)),
          'issued_at', ${p.now}) AS base,
          bo.combinations AS bo_combinations,
          (SELECT json_object(
              'graph_id', g.id,
              'treatments', json(json_extract(g.spillover_model, '$.design.treatments')),
              'clusters', json(g.clusters),
              'nodes', json((SELECT json_group_array(CASE WHEN json_extract(n.value, '$.treatment') IS NULL
                  THEN json_array(json_extract(n.value, '$.node_id'), json_extract(n.value, '$.cluster_id'))
                  ELSE json_array(json_extract(n.value, '$.node_id'), json_extract(n.value, '$.cluster_id'), json_extract(n.value, '$.treatment')) END)
                FROM json_each(g.nodes) n WHERE json_extract(n.value, '$.cluster_id') IS NOT NULL)),
              'fallback', 'hash')
            FROM network_graphs g WHERE g.experiment_id = m2.experiment_id
            ORDER BY g.created_at DESC, g.rowid DESC LIMIT 1) AS network
        FROM multivariate_experiments m2 JOIN experiments e2 ON e2.id = m2.experiment_id
        LEFT JOIN (SELECT experiment_id, json_extract(convergence_metrics, '$.bo_loop.current.combinations') AS combinations
          FROM bayesian_models
          WHERE experiment_id = ${p.id} AND json_extract(hyperparameters, '$.acquisition_settings.active') = 1
            AND json_extract(convergence_metrics, '$.bo_loop.current.combinations') IS NOT NULL
          ORDER BY created_at DESC LIMIT 1) bo ON bo.experiment_id = m2.experiment_id
        WHERE m2.experiment_id = ${p.id}) p
      LEFT JOIN bandit_configurations b ON b.experiment_id = m.experiment_id AND b.is_active = 1
      WHERE m.experiment_id = ${p.id} AND e.status = ${p.status} AND m.allocation_version = ${p.version}
      ON CONFLICT DO NOTHING`;
}
