// Bandit orchestration (API.md "Bandits", docs/sync-protocol.md "Bandits"): create and edit
// BanditConfigurations (rules checked with core's validateBanditConfiguration, context features
// against the experiment's context_schema, one active configuration per experiment), push the
// `bandit` object to the edge with the allocation when the experiment is Running (same batch as
// the write), and report a configuration with its arm statistics, regret metrics (core's
// regretMetrics with a seeded rng; snapshots stored at most once a minute), winner declaration
// against regret_threshold and off-policy arm estimates (IPW, Hajek, AIPW) from the logged
// propensities.

import {
  CURRENT_HASH_VERSION,
  DEFAULT_BETA_PRIOR,
  DEFAULT_NIG_PRIOR,
  aipwEstimates,
  armPosteriors,
  createRng,
  estimatedCumulativeRegret,
  featureName,
  hajekEstimates,
  ipwEstimates,
  regretMetrics,
  shouldDeclareWinner,
  validateBanditConfiguration,
  type ArmEstimate,
  type ArmStats,
  type LoggedDecision,
} from "@mvx/core";
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { randomUUID } from "node:crypto";
import {
  armTotals,
  findActiveBanditConfig,
  findBanditConfig,
  insertBanditConfigStatement,
  insertRegretMetricsStatement,
  latestRegretMetrics,
  listBanditAllocations,
  listDriftEvents,
  rewardedLog,
  updateBanditConfigStatement,
  type BanditAllocationRow,
  type BanditConfigRow,
} from "../db/repositories/bandits.js";
import { enqueueAllocationPushSql, type ExperimentRecord } from "../db/repositories/experiments.js";
import type { EdgeBandit } from "../db/schema/index.js";
import type { ContextSchema } from "../domain/experiment.js";
import { ConflictError, NotFoundError, RuleViolationError, ValidationError } from "../errors.js";
import type { CreateBanditBody, PatchBanditBody } from "../routes/bandits/schemas.js";
import { getExperiment, type ServiceContext } from "./experiments.js";

/** Monte Carlo draws of the regret metrics. */
export const REGRET_DRAWS = 10_000;
/** A regret-metrics snapshot is stored at most this often per configuration (ms). */
export const REGRET_SNAPSHOT_INTERVAL_MS = 60_000;

type Batch = [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]];

function iso(ctx: ServiceContext): string {
  return new Date(ctx.clock()).toISOString();
}

function rule(message: string, path: string): RuleViolationError {
  return new RuleViolationError(message, [{ path, message }]);
}

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if (/UNIQUE constraint failed/i.test(String((e as { message?: unknown }).message ?? e))) return true;
  }
  return false;
}

function activeConflict(experimentId: string, otherId: string): ConflictError {
  return new ConflictError(`experiment ${experimentId} already has an active bandit configuration (${otherId}); deactivate it first`, [
    { path: "is_active", message: `bandit configuration ${otherId} is active` },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Writes that the edge must hear about
// ---------------------------------------------------------------------------------------------

function bumpVersionSql(id: string, from: number) {
  return sql`UPDATE multivariate_experiments SET allocation_version = ${from + 1}
    WHERE experiment_id = ${id} AND allocation_version = ${from}
      AND (SELECT status FROM experiments WHERE id = ${id}) = 'Running'`;
}

/** Enqueues a push of the experiment's current allocation (and bandit) if it is Running. */
async function pushCurrentAllocation(ctx: ServiceContext, experimentId: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const exp = await getExperiment(ctx, experimentId);
    if (exp.status !== "Running") return;
    const v = exp.allocation_version;
    const [bump] = await ctx.db.batch([
      ctx.db.run(bumpVersionSql(experimentId, v)),
      ctx.db.run(enqueueAllocationPushSql({ id: experimentId, status: "Running", version: v + 1, hashVersion: CURRENT_HASH_VERSION, now: iso(ctx) })),
    ]);
    if (bump.rowsAffected === 1) {
      ctx.onEnqueue();
      return;
    }
  }
  throw new ConflictError("the experiment changed concurrently; retry");
}

/**
 * Applies `writes` and, when the experiment is Running, bumps allocation_version and enqueues the
 * allocation push (carrying the active bandit) in the same batch. When a concurrent transition
 * got in between, the current state is pushed again afterwards, so the edge never misses it.
 */
async function writeAndPush(ctx: ServiceContext, experiment: ExperimentRecord, writes: Batch): Promise<void> {
  const v = experiment.allocation_version;
  if (experiment.status !== "Running") {
    await ctx.db.batch(writes);
    const after = await getExperiment(ctx, experiment.id);
    if (after.status === "Running" && after.allocation_version !== v) await pushCurrentAllocation(ctx, experiment.id);
    return;
  }
  const results = await ctx.db.batch([
    ...writes,
    ctx.db.run(bumpVersionSql(experiment.id, v)),
    ctx.db.run(enqueueAllocationPushSql({ id: experiment.id, status: "Running", version: v + 1, hashVersion: CURRENT_HASH_VERSION, now: iso(ctx) })),
  ]);
  const bump = results[writes.length] as { rowsAffected: number };
  if (bump.rowsAffected === 1) ctx.onEnqueue();
  else await pushCurrentAllocation(ctx, experiment.id);
}

// ---------------------------------------------------------------------------------------------
// Validation and the edge's view
// ---------------------------------------------------------------------------------------------

type ArmDefinitionRow = BanditConfigRow["arm_definitions"][number];

/** The arms of a new configuration: the given definitions resolved against the combinations, or one per combination. */
function resolveArms(experiment: ExperimentRecord, defs: CreateBanditBody["arm_definitions"]): ArmDefinitionRow[] {
  const byId = new Map(experiment.combinations.map((c) => [c.combination_id, c]));
  if (!defs) {
    return experiment.combinations.map((c) => ({ arm_id: c.combination_id, combination_id: c.combination_id, configuration: { ...c.variable_values } }));
  }
  return defs.map((d, i) => {
    if (d.combination_id !== undefined && !byId.has(d.combination_id)) {
      throw rule(`arm "${d.arm_id}" references combination "${d.combination_id}", which the experiment does not have`, `arm_definitions.${i}.combination_id`);
    }
    const combinationId = d.combination_id ?? (byId.has(d.arm_id) ? d.arm_id : null);
    const combination = combinationId === null ? undefined : byId.get(combinationId);
    const arm: ArmDefinitionRow = {
      arm_id: d.arm_id,
      combination_id: combinationId,
      configuration: d.configuration ?? (combination ? { ...combination.variable_values } : {}),
    };
    if (d.prior) arm.prior = d.prior;
    return arm;
  });
}

/**
 * Context features must exist in the experiment's context_schema (core checks the names; the
 * path names the feature, e.g. `context_features.user_features.1`), with a compatible type.
 */
function assertContextFeatureTypes(features: CreateBanditBody["context_features"], schema: ContextSchema | null): void {
  if (!features) return;
  for (const [group, side] of [["user_features", "user"], ["content_features", "content"]] as const) {
    (features[group] ?? []).forEach((spec, i) => {
      const name = featureName(spec);
      const declared = schema?.[side]?.[name];
      const kind = typeof spec === "string" ? "numeric" : spec.type;
      const path = `context_features.${group}.${i}`;
      if (declared === "numeric" && kind !== "numeric") throw rule(`feature "${name}" is numeric in the context_schema but declared ${kind}`, path);
      if (declared === "categorical" && kind === "numeric") {
        throw rule(`feature "${name}" is categorical in the context_schema: declare it {name, type: "categorical", vocabulary} or {name, type: "hashed", buckets}`, path);
      }
    });
  }
}

/** Runs core's checks of a configuration against the experiment's context schema. */
function validateConfig(
  c: Pick<BanditConfigRow, "algorithm" | "exploration_rate" | "arm_definitions" | "context_features" | "update_frequency" | "regret_threshold" | "non_stationary_params">,
  experiment: ExperimentRecord,
): void {
  const schema = experiment.context_schema;
  validateBanditConfiguration(
    {
      algorithm: c.algorithm,
      exploration_rate: c.exploration_rate,
      arm_definitions: c.arm_definitions,
      ...(c.context_features ? { context_features: c.context_features as never } : {}),
      update_frequency: c.update_frequency,
      regret_threshold: c.regret_threshold,
      ...(c.non_stationary_params ? { non_stationary_params: c.non_stationary_params } : {}),
    },
    { user: Object.keys(schema?.user ?? {}), content: Object.keys(schema?.content ?? {}) },
  );
}

/**
 * The `bandit` object of the allocation push (docs/sync-protocol.md). Arms that reference no
 * combination are sent with combination_id = arm_id and their configuration as variable_values.
 */
export function edgeBanditOf(row: Omit<BanditConfigRow, "edge_bandit" | "created_at" | "updated_at" | "is_active" | "experiment_id" | "winner_declared_at" | "regret_threshold">, experiment: ExperimentRecord): EdgeBandit {
  const byId = new Map(experiment.combinations.map((c) => [c.combination_id, c]));
  const defaultPrior = row.reward_type === "binary" ? DEFAULT_BETA_PRIOR : DEFAULT_NIG_PRIOR;
  const ns = row.non_stationary_params;
  return {
    bandit_config_id: row.id,
    algorithm: row.algorithm,
    exploration_rate: row.exploration_rate,
    update_frequency: row.update_frequency,
    reward_type: row.reward_type,
    arms: row.arm_definitions.map((a) => {
      const combination = a.combination_id ? byId.get(a.combination_id) : undefined;
      return {
        arm_id: a.arm_id,
        // The edge needs a combination id for every arm: an arm that is no combination stands for itself.
        combination_id: a.combination_id ?? a.arm_id,
        variable_values: combination ? { ...combination.variable_values } : a.configuration,
        prior: a.prior ?? { ...defaultPrior },
      };
    }),
    context_features: row.context_features ?? null,
    non_stationary_params: ns ? { ...ns, detector: ns.detector ?? "page-hinkley" } : null,
    min_arm_share: row.min_arm_share,
    control_arm_id: row.control_arm_id,
    control_share: row.control_share,
    winner_arm_id: row.winner_arm_id,
    shards: row.shards,
  };
}

/** The API view of a configuration (the stored edge object is internal). */
export function configView(row: BanditConfigRow): Omit<BanditConfigRow, "edge_bandit"> {
  const { edge_bandit: _edge, ...rest } = row;
  void _edge;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// Create and edit
// ---------------------------------------------------------------------------------------------

/** POST /v1/experiments/:id/bandits. */
export async function createBandit(ctx: ServiceContext, experimentId: string, input: CreateBanditBody): Promise<BanditConfigRow> {
  const experiment = await getExperiment(ctx, experimentId);
  const arms = resolveArms(experiment, input.arm_definitions);
  const row: BanditConfigRow = {
    id: randomUUID(),
    experiment_id: experimentId,
    algorithm: input.algorithm,
    exploration_rate: input.exploration_rate,
    context_features: input.context_features ?? null,
    arm_definitions: arms,
    update_frequency: input.update_frequency,
    regret_threshold: input.regret_threshold,
    non_stationary_params: input.non_stationary_params ?? null,
    is_active: input.is_active,
    created_at: iso(ctx),
    reward_type: input.reward_type,
    min_arm_share: input.min_arm_share,
    control_arm_id: input.control_arm_id ?? null,
    control_share: input.control_share,
    shards: input.shards,
    winner_arm_id: null,
    winner_declared_at: null,
    edge_bandit: null,
    updated_at: iso(ctx),
  };
  validateConfig(row, experiment);
  assertContextFeatureTypes(input.context_features, experiment.context_schema);
  if (row.control_arm_id !== null && !arms.some((a) => a.arm_id === row.control_arm_id)) {
    throw rule(`control_arm_id "${row.control_arm_id}" is not one of the arms`, "control_arm_id");
  }
  if (row.min_arm_share * arms.length > 1) {
    throw rule(`min_arm_share ${row.min_arm_share} x ${arms.length} arms exceeds 1`, "min_arm_share");
  }
  row.edge_bandit = edgeBanditOf(row, experiment);
  if (row.is_active) {
    const other = await findActiveBanditConfig(ctx.db, experimentId);
    if (other) throw activeConflict(experimentId, other.id);
  }
  try {
    await writeAndPush(ctx, experiment, [insertBanditConfigStatement(ctx.db, row)]);
  } catch (err) {
    if (isUniqueViolation(err)) {
      const other = await findActiveBanditConfig(ctx.db, experimentId);
      throw activeConflict(experimentId, other?.id ?? "another");
    }
    throw err;
  }
  return row;
}

export async function getBanditConfig(ctx: ServiceContext, id: string): Promise<BanditConfigRow> {
  const row = await findBanditConfig(ctx.db, id);
  if (!row) throw new NotFoundError(`bandit configuration ${id} not found`);
  return row;
}

/** PATCH /v1/bandits/:id: activation, exploration, update frequency, threshold, drift settings. */
export async function patchBandit(ctx: ServiceContext, id: string, patch: PatchBanditBody): Promise<BanditConfigRow> {
  const current = await getBanditConfig(ctx, id);
  const experiment = await getExperiment(ctx, current.experiment_id);
  const next: BanditConfigRow = { ...current, updated_at: iso(ctx) };
  if (patch.is_active !== undefined) next.is_active = patch.is_active;
  if (patch.exploration_rate !== undefined) next.exploration_rate = patch.exploration_rate;
  if (patch.update_frequency !== undefined) next.update_frequency = patch.update_frequency;
  if (patch.regret_threshold !== undefined) next.regret_threshold = patch.regret_threshold;
  if (patch.non_stationary_params !== undefined) next.non_stationary_params = patch.non_stationary_params;
  validateConfig(next, experiment);
  next.edge_bandit = edgeBanditOf(next, experiment);
  if (next.is_active && !current.is_active) {
    const other = await findActiveBanditConfig(ctx.db, current.experiment_id);
    if (other && other.id !== id) throw activeConflict(current.experiment_id, other.id);
  }
  const { id: _id, experiment_id: _e, created_at: _c, ...changes } = next;
  void [_id, _e, _c];
  // The edge hears of the change only if it carries (or carried) the bandit: active before or after.
  const visible = current.is_active || next.is_active;
  try {
    const write = updateBanditConfigStatement(ctx.db, id, changes);
    if (visible) await writeAndPush(ctx, experiment, [write]);
    else await ctx.db.batch([write]);
  } catch (err) {
    if (isUniqueViolation(err)) throw activeConflict(current.experiment_id, "another");
    throw err;
  }
  return getBanditConfig(ctx, id);
}

// ---------------------------------------------------------------------------------------------
// Statistics, regret metrics, winner, off-policy estimates
// ---------------------------------------------------------------------------------------------

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function estimateView(e: ArmEstimate | undefined) {
  if (!e) return { estimate: null, std_error: null, ci95: [null, null] as [number | null, number | null] };
  return { estimate: finite(e.estimate), std_error: finite(e.std_error), ci95: [finite(e.ci95[0]), finite(e.ci95[1])] as [number | null, number | null] };
}

/**
 * IPW, Hajek and AIPW estimates of each arm's mean from the rewarded decisions and their logged
 * propensities (valid on adaptively collected data: the propensities are the policy's own at
 * decision time). Decisions without a logged propensity, or of an arm not in the configuration,
 * are left out.
 */
export function offPolicyEstimates(
  armIds: readonly string[],
  log: readonly { selected_arm: string; arm_probabilities: Record<string, number>; reward: number }[],
) {
  const index = new Map(armIds.map((a, i) => [a, i]));
  const logs: LoggedDecision[] = [];
  for (const r of log) {
    const arm_index = index.get(r.selected_arm);
    const p = r.arm_probabilities[r.selected_arm];
    if (arm_index === undefined || typeof p !== "number" || !(p > 0 && p <= 1) || !Number.isFinite(r.reward)) continue;
    logs.push({ arm_index, propensity: p, reward: r.reward });
  }
  const method =
    "IPW (Horvitz-Thompson), Hajek (self-normalised) and AIPW (doubly robust, running-mean outcome model) over the rewarded decisions, weighted by the logged propensity of the chosen arm; 95% normal intervals";
  const ok = logs.length > 0 && armIds.length >= 2;
  const ipw = ok ? ipwEstimates(logs, armIds.length) : [];
  const hajek = ok ? hajekEstimates(logs, armIds.length) : [];
  const aipw = ok ? aipwEstimates(logs, armIds.length) : [];
  return {
    logged: logs.length,
    method,
    arms: armIds.map((arm_id, i) => ({
      arm_id,
      n: logs.filter((l) => l.arm_index === i).length,
      ipw: estimateView(ipw[i]),
      hajek: estimateView(hajek[i]),
      aipw: estimateView(aipw[i]),
    })),
  };
}

/**
 * GET /v1/bandits/:id: the configuration with its arm statistics (from the logged allocations),
 * regret metrics, off-policy estimates and drift events. Stores a RegretMetrics snapshot at most
 * once a minute; when the champion's expected loss is at most regret_threshold (and rewards were
 * observed), declares it the winner on the snapshot and the configuration and pushes
 * `winner_arm_id` to the edge.
 */
export async function banditDetail(ctx: ServiceContext, id: string) {
  let config = await getBanditConfig(ctx, id);
  const arms = config.arm_definitions;
  const armIds = arms.map((a) => a.arm_id);
  const totals = new Map((await armTotals(ctx.db, id)).map((t) => [t.arm_id, t]));
  const stats: ArmStats[] = armIds.map((arm_id) => {
    const t = totals.get(arm_id);
    return { arm_id, n: t?.n ?? 0, sum: t?.sum ?? 0, sum_sq: t?.sum_sq ?? 0 };
  });
  const posteriors = armPosteriors(stats, config.reward_type, arms);
  const rewarded = stats.reduce((s, a) => s + a.n, 0);
  const seed = `${config.id}:${rewarded}`;
  const metrics = regretMetrics(posteriors, createRng(seed), REGRET_DRAWS);
  const championId = armIds[metrics.best_arm_index] as string;
  const championLoss = metrics.expected_loss[metrics.best_arm_index] as number;
  const pulls: ArmStats[] = armIds.map((arm_id) => ({ arm_id, n: totals.get(arm_id)?.decisions ?? 0, sum: 0, sum_sq: 0 }));
  const cumulative = estimatedCumulativeRegret(
    pulls,
    posteriors.map((p) => p.mean),
  );
  const estimates = offPolicyEstimates(armIds, await rewardedLog(ctx.db, id));
  const now = iso(ctx);
  const byArm = <T>(values: readonly T[]) => Object.fromEntries(armIds.map((a, i) => [a, values[i] as T]));

  const declare =
    config.is_active && config.winner_arm_id === null && rewarded > 0 && Number.isFinite(championLoss) && shouldDeclareWinner(Math.max(0, championLoss), config.regret_threshold);
  const winner = declare ? championId : config.winner_arm_id;
  const snapshot = {
    id: randomUUID(),
    bandit_config_id: id,
    timestamp: now,
    cumulative_regret: cumulative,
    expected_loss: championLoss,
    prob_best: byArm(metrics.probability_best),
    arm_estimates: { expected_loss: byArm(metrics.expected_loss), value_remaining: metrics.value_remaining, off_policy: estimates.arms },
    winner: declare ? championId : null,
  };
  if (declare) {
    const experiment = await getExperiment(ctx, config.experiment_id);
    const updated: BanditConfigRow = { ...config, winner_arm_id: championId, winner_declared_at: now, updated_at: now };
    const edge = edgeBanditOf(updated, experiment);
    await writeAndPush(ctx, experiment, [
      updateBanditConfigStatement(ctx.db, id, { winner_arm_id: championId, winner_declared_at: now, updated_at: now, edge_bandit: edge }),
      insertRegretMetricsStatement(ctx.db, snapshot),
    ]);
    config = await getBanditConfig(ctx, id);
  } else {
    const latest = await latestRegretMetrics(ctx.db, id);
    if (!latest || Date.parse(latest.timestamp) <= ctx.clock() - REGRET_SNAPSHOT_INTERVAL_MS) {
      await ctx.db.batch([insertRegretMetricsStatement(ctx.db, snapshot)]);
    }
  }

  return {
    ...configView(config),
    arm_statistics: armIds.map((arm_id, i) => {
      const t = totals.get(arm_id);
      const s = stats[i] as ArmStats;
      return {
        arm_id,
        decisions: t?.decisions ?? 0,
        n: s.n,
        sum: s.sum,
        sum_sq: s.sum_sq,
        mean: s.n > 0 ? s.sum / s.n : null,
        posterior_mean: (posteriors[i] as { mean: number }).mean,
      };
    }),
    regret_metrics: {
      timestamp: now,
      probability_best: byArm(metrics.probability_best),
      expected_loss: byArm(metrics.expected_loss),
      best_arm_id: championId,
      champion_expected_loss: championLoss,
      value_remaining: metrics.value_remaining,
      cumulative_regret: cumulative,
      draws: metrics.draws,
      seed,
      winner_arm_id: winner,
    },
    arm_estimates: estimates,
    drift_events: (await listDriftEvents(ctx.db, id)).map(({ event_key: _k, ...rest }) => {
      void _k;
      return rest;
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Allocation pages
// ---------------------------------------------------------------------------------------------

function encodeCursor(row: BanditAllocationRow): string {
  return Buffer.from(JSON.stringify([row.timestamp, row.id])).toString("base64url");
}

function decodeCursor(cursor: string): { timestamp: string; id: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string") return { timestamp: v[0], id: v[1] };
  } catch {
    // fall through
  }
  throw new ValidationError("query string is invalid: cursor: not a cursor of this API", [{ path: "cursor", message: "not a cursor of this API" }]);
}

/** GET /v1/bandits/:id/allocations: a page in (timestamp, id) order from `since` or `cursor`. */
export async function allocationsPage(ctx: ServiceContext, id: string, q: { since?: string | undefined; cursor?: string | undefined; limit: number }) {
  await getBanditConfig(ctx, id);
  const since = q.since === undefined ? undefined : new Date(q.since).toISOString();
  const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
  const items = await listBanditAllocations(ctx.db, id, { since, after, limit: q.limit });
  const last = items.at(-1);
  const full = items.length === q.limit && last !== undefined;
  return { items, limit: q.limit, next_since: full ? last.timestamp : null, next_cursor: full ? encodeCursor(last) : null };
}

