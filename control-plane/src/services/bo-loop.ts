// The Bayesian-optimisation loop closed through the edge. A BayesianModel made active
// (PATCH /v1/bayesian-models/:id {active: true}; at most one per experiment) has its current
// next_points served at the edge as the experiment's combinations `bo-<round>-<k>` (variable_values
// = the point, equal traffic): the allocation push is built by enqueueAllocationPushSql from the
// round stored in convergence_metrics.bo_loop. On a schedule, for each active model of a Running
// experiment, the loop aggregates the experiment_results of the round's combinations (n, mean,
// standard error); once every point has options.min_rewards_per_point rewards (default 30), or the
// round is older than options.max_round_seconds, it posts the means as observations (the posterior
// update of POST /observations, SE^2 as each observation's noise_variance), starts the next round
// with the options.batch_size fresh suggestions, bumps allocation_version and enqueues the push, all
// in one transaction.
//
// State (no column of its own): hyperparameters.acquisition_settings.active, and
// convergence_metrics.bo_loop = {rounds: [{round, combination_ids, started_at, completed_at, ...}],
// current: {round, started_at, combinations} | null}.
//
// Started by main.ts (createBoLoop(...).start(), stop() on shutdown; interval from
// MVX_BO_LOOP_INTERVAL_MS, default 60 s); tests call runOnce(now).

import { CURRENT_HASH_VERSION } from "@mvx/core";
import type { SuggestedPoint } from "@mvx/core";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import {
  activeModelsOfRunningExperiments,
  combinationStatistics,
  findOtherActiveModel,
  insertIterationStatement,
  listBayesianModels,
  posteriorUpdateStatement,
  setActiveStatement,
  type BayesianModelRow,
  type PointStatistics,
} from "../db/repositories/bayesian-models.js";
import { enqueueAllocationPushSql, findExperiment } from "../db/repositories/experiments.js";
import { ConflictError, NotFoundError, RuleViolationError } from "../errors.js";
import {
  LOOP_KEY,
  SETTINGS_KEY,
  computePosteriorUpdate,
  getRow,
  posteriorConflict,
  splitHyperparameters,
  view,
  type BayesianModelView,
} from "./bayesian-models.js";
import type { ServiceContext } from "./experiments.js";

export const DEFAULT_BO_LOOP_INTERVAL_MS = 60_000;
export const DEFAULT_MIN_REWARDS_PER_POINT = 30;
const DEFAULT_METRIC = "reward";

/** A combination of the allocation push. */
export interface LoopCombination {
  combination_id: string;
  variable_values: Record<string, number | string>;
  traffic_allocation: number;
}

/** One round of the loop: the points served together and what came back. */
export interface LoopRound {
  round: number;
  combination_ids: string[];
  started_at: string;
  completed_at: string | null;
  /** How the round ended: `complete` (every point had enough rewards), `timeout`, or `deactivated`. */
  outcome?: "complete" | "timeout" | "deactivated";
  /** Per point at the close: rewards, mean, standard error (null below 2 rewards). */
  points?: { combination_id: string; n: number; mean: number | null; standard_error: number | null }[];
  /** Iteration numbers of the observations this round added. */
  iterations?: number[];
}

export interface LoopState {
  rounds: LoopRound[];
  current: { round: number; started_at: string; combinations: LoopCombination[] } | null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The loop state stored in a model's convergence_metrics (empty when none). */
export function loopStateOf(row: Pick<BayesianModelRow, "convergence_metrics">): LoopState {
  const raw = row.convergence_metrics?.[LOOP_KEY] as Partial<LoopState> | undefined;
  return { rounds: Array.isArray(raw?.rounds) ? raw.rounds : [], current: raw?.current ?? null };
}

/** The combinations of a round: one per suggested point, `bo-<round>-<k>` (k from 1), equal traffic. */
export function roundCombinations(round: number, points: SuggestedPoint[]): LoopCombination[] {
  return points.map((p, k) => ({
    combination_id: `bo-${round}-${k + 1}`,
    variable_values: p.point as Record<string, number | string>,
    traffic_allocation: 1 / points.length,
  }));
}

function startRound(state: LoopState, round: number, points: SuggestedPoint[], now: string): LoopState {
  const combinations = roundCombinations(round, points);
  return {
    rounds: [...state.rounds, { round, combination_ids: combinations.map((c) => c.combination_id), started_at: now, completed_at: null }],
    current: { round, started_at: now, combinations },
  };
}

function closeCurrent(state: LoopState, patch: Partial<LoopRound>, now: string): LoopState {
  const cur = state.current;
  return {
    rounds: state.rounds.map((r) => (cur && r.round === cur.round ? { ...r, ...patch, completed_at: now } : r)),
    current: null,
  };
}

function bumpVersionSql(id: string, from: number) {
  return sql`UPDATE multivariate_experiments SET allocation_version = ${from + 1}
    WHERE experiment_id = ${id} AND allocation_version = ${from}
      AND (SELECT status FROM experiments WHERE id = ${id}) = 'Running'`;
}

// drizzle's batch items: any query the db can batch.
type BatchItem = Parameters<Db["batch"]>[0][number];

/** Enqueues a push of the experiment's current allocation if it is Running (after a lost race). */
async function pushCurrentAllocation(ctx: ServiceContext, experimentId: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const exp = await findExperiment(ctx.db, experimentId);
    if (exp?.status !== "Running") return;
    const v = exp.allocation_version;
    const now = iso(ctx.clock());
    const [bump] = await ctx.db.batch([
      ctx.db.run(bumpVersionSql(experimentId, v)),
      ctx.db.run(enqueueAllocationPushSql({ id: experimentId, status: "Running", version: v + 1, hashVersion: CURRENT_HASH_VERSION, now })),
    ]);
    if (bump.rowsAffected === 1) {
      ctx.onEnqueue();
      return;
    }
  }
  throw new ConflictError("the experiment changed concurrently; retry");
}

/**
 * Runs `writes` in one transaction with, when the experiment is Running, the allocation_version
 * bump and the allocation push (built from the rows as `writes` leave them); returns the writes'
 * results. When a concurrent transition moved the version in between, the current state is pushed
 * again afterwards, so the edge never misses it.
 */
export async function writeAndPush(ctx: ServiceContext, experimentId: string, writes: [BatchItem, ...BatchItem[]]): Promise<unknown[]> {
  const exp = await findExperiment(ctx.db, experimentId);
  if (!exp) throw new NotFoundError(`experiment ${experimentId} not found`);
  const v = exp.allocation_version;
  if (exp.status !== "Running") {
    const results = (await ctx.db.batch(writes)) as unknown[];
    const after = await findExperiment(ctx.db, experimentId);
    if (after?.status === "Running" && after.allocation_version !== v) await pushCurrentAllocation(ctx, experimentId);
    return results;
  }
  const now = iso(ctx.clock());
  const results = (await ctx.db.batch([
    ...writes,
    ctx.db.run(bumpVersionSql(experimentId, v)),
    ctx.db.run(enqueueAllocationPushSql({ id: experimentId, status: "Running", version: v + 1, hashVersion: CURRENT_HASH_VERSION, now })),
  ])) as unknown[];
  if ((results[writes.length] as { rowsAffected: number }).rowsAffected === 1) ctx.onEnqueue();
  else await pushCurrentAllocation(ctx, experimentId);
  return results.slice(0, writes.length);
}

/**
 * PATCH /v1/bayesian-models/:id {active}: activating starts a round with the model's current
 * next_points and (when the experiment is Running) pushes them to the edge; deactivating ends the
 * round unobserved and pushes the design's combinations again. 409 when another model of the
 * experiment is active. Same value as stored: nothing changes.
 */
export async function setModelActive(ctx: ServiceContext, id: string, active: boolean): Promise<BayesianModelView> {
  const row = await getRow(ctx, id);
  const { settings } = splitHyperparameters(row.hyperparameters);
  if ((settings.active === true) === active) return view(row, []);
  const conflict = (otherId: string) =>
    new ConflictError(`experiment ${row.experiment_id} already has an active bayesian model (${otherId}); deactivate it first`, [
      { path: "active", message: `bayesian model ${otherId} is active` },
    ]);
  const now = iso(ctx.clock());
  let state = loopStateOf(row);
  if (active) {
    const other = await findOtherActiveModel(ctx.db, row.experiment_id, id);
    if (other) throw conflict(other.id);
    const points = (row.next_points ?? []) as SuggestedPoint[];
    if (points.length === 0) {
      throw new RuleViolationError("the model has no next_points to serve; POST /suggest first", [{ path: "active", message: "no next_points" }]);
    }
    // Round numbers continue across the experiment's models, so combination ids never repeat.
    const models = await listBayesianModels(ctx.db, row.experiment_id);
    const last = Math.max(0, ...models.flatMap((m) => loopStateOf(m).rounds.map((r) => r.round)));
    if (state.current) state = closeCurrent(state, { outcome: "deactivated" }, now);
    state = startRound(state, last + 1, points, now);
  } else if (state.current) {
    state = closeCurrent(state, { outcome: "deactivated" }, now);
  }
  const { [SETTINGS_KEY]: stored, ...rest } = row.hyperparameters;
  const hyperparameters = { ...rest, [SETTINGS_KEY]: { ...(stored as Record<string, unknown>), active } };
  const convergence_metrics = { ...(row.convergence_metrics ?? {}), [LOOP_KEY]: state };
  const changes = { hyperparameters, convergence_metrics, updated_at: now };
  const [res] = (await writeAndPush(ctx, row.experiment_id, [setActiveStatement(ctx.db, row, active, changes) as BatchItem])) as { rowsAffected: number }[];
  if (res && res.rowsAffected === 0) {
    const other = await findOtherActiveModel(ctx.db, row.experiment_id, id);
    throw conflict(other?.id ?? "another model");
  }
  return view({ ...row, ...changes }, []);
}

/** What one pass of the loop did. */
export interface LoopReport {
  /** Active models of Running experiments looked at. */
  examined: number;
  /** Rounds closed (observed and followed by a new round). */
  closed: { model_id: string; round: number; next_round: number; outcome: "complete" | "timeout" }[];
  /** Models whose round failed to close (logged; retried next pass). */
  errors: { model_id: string; message: string }[];
}

function standardError(s: PointStatistics): number | null {
  return s.n >= 2 ? Math.sqrt(s.ss / (s.n - 1) / s.n) : null;
}

/**
 * One model's step: closes its current round when every point has enough rewards (or the round
 * timed out with at least one point of 2+ rewards), observes the means with SE^2 noise, starts the
 * next round with the fresh suggestions and pushes it, in one transaction. Returns the closed round.
 */
async function stepModel(ctx: ServiceContext, row: BayesianModelRow): Promise<LoopReport["closed"][number] | null> {
  const state = loopStateOf(row);
  const cur = state.current;
  if (!cur || cur.combinations.length === 0) return null;
  const { options } = splitHyperparameters(row.hyperparameters).settings;
  const minRewards = options.min_rewards_per_point ?? DEFAULT_MIN_REWARDS_PER_POINT;
  const ids = cur.combinations.map((c) => c.combination_id);
  const stats = await combinationStatistics(ctx.db, row.experiment_id, options.metric ?? DEFAULT_METRIC, ids);
  const byId = new Map(stats.map((s) => [s.combination_id, s]));
  const complete = ids.every((c) => (byId.get(c)?.n ?? 0) >= minRewards);
  const nowMs = ctx.clock();
  const timedOut = options.max_round_seconds !== undefined && nowMs - Date.parse(cur.started_at) >= options.max_round_seconds * 1000;
  const usable = cur.combinations.filter((c) => (byId.get(c.combination_id)?.n ?? 0) >= 2);
  if (!complete && !(timedOut && usable.length > 0)) return null;

  const observations = usable.map((c) => {
    const s = byId.get(c.combination_id) as PointStatistics;
    const se = standardError(s) as number;
    return { point: c.variable_values, value: s.mean, noise_variance: se * se };
  });
  const update = computePosteriorUpdate(ctx, row, { observations });
  const now = iso(nowMs);
  const outcome = complete ? "complete" : "timeout";
  const closed = closeCurrent(
    state,
    {
      outcome,
      points: ids.map((c) => {
        const s = byId.get(c);
        return { combination_id: c, n: s?.n ?? 0, mean: s ? s.mean : null, standard_error: s ? standardError(s) : null };
      }),
      iterations: update.iterations.map((it) => it.iteration_number),
    },
    now,
  );
  const nextRound = cur.round + 1;
  const next = startRound(closed, nextRound, update.changes.next_points, now);
  const changes = { ...update.changes, convergence_metrics: { ...update.changes.convergence_metrics, [LOOP_KEY]: next } };
  try {
    await writeAndPush(ctx, row.experiment_id, [
      posteriorUpdateStatement(ctx.db, row.id, changes) as BatchItem,
      ...update.iterations.map((it) => insertIterationStatement(ctx.db, it)),
    ]);
  } catch (e) {
    throw posteriorConflict(e, row.id, update.observedBefore);
  }
  return { model_id: row.id, round: cur.round, next_round: nextRound, outcome };
}

export interface BoLoopOptions {
  db: Db;
  /** Called after an allocation push was enqueued (the outbox's kick). */
  onEnqueue?: () => void;
  /** Milliseconds since the epoch; Date.now by default. */
  clock?: () => number;
  /** Between passes; MVX_BO_LOOP_INTERVAL_MS or 60 s by default. */
  intervalMs?: number;
  logger?: { error(message: string): void };
}

export interface BoLoop {
  /** Starts the passes every intervalMs (the first one at once). */
  start(): BoLoop;
  /** Stops the passes and waits for one in flight. */
  stop(): Promise<void>;
  /** One pass at `now` (ms since the epoch; the clock by default). */
  runOnce(now?: number): Promise<LoopReport>;
}

/** The interval of MVX_BO_LOOP_INTERVAL_MS (a positive number of ms), else the default. */
export function boLoopIntervalFromEnv(env: Record<string, string | undefined> = process.env): number {
  const v = Number(env.MVX_BO_LOOP_INTERVAL_MS);
  return env.MVX_BO_LOOP_INTERVAL_MS !== undefined && env.MVX_BO_LOOP_INTERVAL_MS.trim() !== "" && Number.isFinite(v) && v > 0 ? v : DEFAULT_BO_LOOP_INTERVAL_MS;
}

export function createBoLoop(opts: BoLoopOptions): BoLoop {
  const clock = opts.clock ?? Date.now;
  const intervalMs = opts.intervalMs ?? boLoopIntervalFromEnv();
  const logger = opts.logger ?? { error: (m: string) => console.error(m) };
  let timer: ReturnType<typeof setInterval> | undefined;
  let inflight: Promise<LoopReport> | null = null;

  async function pass(now: number): Promise<LoopReport> {
    const ctx: ServiceContext = { db: opts.db, clock: () => now, onEnqueue: opts.onEnqueue ?? (() => undefined) };
    const report: LoopReport = { examined: 0, closed: [], errors: [] };
    for (const row of await activeModelsOfRunningExperiments(opts.db)) {
      report.examined++;
      try {
        const closed = await stepModel(ctx, row);
        if (closed) report.closed.push(closed);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        report.errors.push({ model_id: row.id, message });
        logger.error(`mvx bo loop: round of bayesian model ${row.id} not closed: ${message}`);
      }
    }
    return report;
  }

  const loop: BoLoop = {
    start() {
      if (timer) return loop;
      const tick = () => {
        if (inflight) return;
        inflight = loop.runOnce().catch((e: unknown) => {
          logger.error(`mvx bo loop: pass failed: ${e instanceof Error ? e.message : String(e)}`);
          return { examined: 0, closed: [], errors: [] };
        });
        void inflight.finally(() => (inflight = null));
      };
      timer = setInterval(tick, intervalMs);
      timer.unref?.();
      tick();
      return loop;
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await inflight;
    },
    runOnce(now?: number) {
      return pass(now ?? clock());
    },
  };
  return loop;
}
