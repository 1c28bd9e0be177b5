// Bayesian-optimisation service: creates BayesianModels for an experiment (validated by core's
// bayesopt, with an initial space-filling design as next_points), adds observations sequentially
// (restoring the surrogate from the stored posterior_state, one OptimizationIteration per
// observation, 409 when another update got there first), suggests and predicts. The goal and the
// loop options, which have no column of their own, are kept in the hyperparameters JSON column
// under the reserved key `acquisition_settings` and reported as top-level `goal` and `options`.
// Beyond 60 observations a GP's refit is one bounded warm-started run, to keep an update under 5 s.

import {
  convergenceMetrics,
  createBayesOptModel,
  createRng,
  observe,
  predictPoints,
  restoreBayesOptModel,
  suggestPoints,
} from "@mvx/core";
import type {
  BayesOptModel,
  BayesOptSpec,
  ParameterSpace,
  ParameterValue,
  SuggestedPoint,
  SuggestOptions,
  SurrogatePosteriorState,
} from "@mvx/core";
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import {
  commitPosteriorUpdate,
  findBayesianModel,
  insertBayesianModel,
  listBayesianModels,
  listIterations,
  storeSuggestions,
} from "../db/repositories/bayesian-models.js";
import type { BayesianModelInsert, BayesianModelRow, IterationRow } from "../db/repositories/bayesian-models.js";
import { experimentExists } from "../db/repositories/experiments.js";
import { ConflictError, NotFoundError, RuleViolationError } from "../errors.js";
import type { BayesOptOptions, CreateBayesianModelBody, ObservationsBody } from "../routes/bayesian-models/schemas.js";
import type { ServiceContext } from "./experiments.js";

/** Reserved key of the hyperparameters column holding {goal, options}. */
export const SETTINGS_KEY = "acquisition_settings";
const DEFAULT_INITIAL_POINTS = 5;
const DEFAULT_BATCH_SIZE = 1;

type Goal = "maximize" | "minimize";
type Point = Record<string, ParameterValue>;

interface Settings {
  goal: Goal;
  options: BayesOptOptions;
  /** Served at the edge by the BO loop (services/bo-loop.ts); at most one active model per experiment. */
  active?: boolean;
}

/** Key of convergence_metrics holding the BO loop's rounds (kept across posterior updates). */
export const LOOP_KEY = "bo_loop";

/** A BayesianModel as the routes answer it. */
export interface BayesianModelView {
  id: string;
  experiment_id: string;
  model_type: BayesianModelRow["model_type"];
  hyperparameters: Record<string, unknown>;
  acquisition_function: BayesianModelRow["acquisition_function"];
  parameter_space: Record<string, unknown>;
  goal: Goal;
  options: Record<string, unknown>;
  active: boolean;
  posterior_state: Record<string, unknown> | null;
  next_points: SuggestedPoint[];
  convergence_metrics: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
  iterations: IterationRow[];
}

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

/** The stored hyperparameters without the settings, and the settings (goal, options, active). */
export function splitHyperparameters(stored: Record<string, unknown>): { hyperparameters: Record<string, unknown>; settings: Settings } {
  const { [SETTINGS_KEY]: raw, ...hyperparameters } = stored;
  const s = (raw ?? {}) as Partial<Settings>;
  return {
    hyperparameters,
    settings: { goal: s.goal === "minimize" ? "minimize" : "maximize", options: s.options ?? {}, ...(s.active === true ? { active: true } : {}) },
  };
}

function specOf(row: Pick<BayesianModelRow, "model_type" | "acquisition_function" | "parameter_space">, hyperparameters: Record<string, unknown> | undefined, settings: Settings): BayesOptSpec {
  const o = settings.options;
  return {
    model_type: row.model_type,
    ...(hyperparameters !== undefined ? { hyperparameters } : {}),
    acquisition_function: row.acquisition_function,
    acquisition_options: { goal: settings.goal, ...(o.xi !== undefined ? { xi: o.xi } : {}), ...(o.beta !== undefined ? { beta: o.beta } : {}) },
    parameter_space: row.parameter_space as BayesOptSpec["parameter_space"],
  };
}

function searchOptions(o: BayesOptOptions): SuggestOptions {
  return {
    ...(o.raw_samples !== undefined ? { raw_samples: o.raw_samples } : {}),
    ...(o.restarts !== undefined ? { restarts: o.restarts } : {}),
    ...(o.max_iterations !== undefined ? { max_iterations: o.max_iterations } : {}),
    ...(o.batch_strategy !== undefined ? { batch_strategy: o.batch_strategy } : {}),
  };
}

/** Seed base of a model's random streams: options.seed, else the model id. */
function seedBase(id: string, settings: Settings): string {
  return settings.options.seed !== undefined ? String(settings.options.seed) : id;
}

function observedCount(model: BayesOptModel): number {
  return model.fitted ? model.fitted.posterior_state.training_data.y.length : 0;
}

/**
 * Checks a point against the parameter space: no unknown names, every parameter present, and (for
 * observations) numeric values inside the bounds and integers for integer parameters. Choices and
 * log-scale positivity are checked by core's transform. 422 naming `<path>.<name>`.
 */
function checkPoint(space: ParameterSpace, point: Point, path: string, inBounds: boolean): void {
  const known = new Set(space.parameters.map((p) => p.name));
  for (const key of Object.keys(point)) {
    if (!known.has(key)) throw rule(`unknown parameter ${JSON.stringify(key)}; the parameters are ${[...known].join(", ")}`, `${path}.${key}`);
  }
  for (const p of space.parameters) {
    const v = point[p.name];
    const pp = `${path}.${p.name}`;
    if (v === undefined) throw rule(`parameter ${JSON.stringify(p.name)} is missing`, pp);
    if (p.type === "choice") continue;
    if (typeof v !== "number") throw rule(`value must be a number, got ${JSON.stringify(v)}`, pp);
    if (!inBounds || !p.bounds) continue;
    const [lo, hi] = p.bounds;
    if (v < lo || v > hi) throw rule(`value ${v} is outside the bounds [${lo}, ${hi}]`, pp);
    if (p.type === "integer" && !Number.isInteger(v)) throw rule(`value ${v} of an integer parameter must be an integer`, pp);
  }
}

/** The route's view of a stored model. */
export function view(row: BayesianModelRow, iterations: IterationRow[]): BayesianModelView {
  const { hyperparameters, settings } = splitHyperparameters(row.hyperparameters);
  return {
    id: row.id,
    experiment_id: row.experiment_id,
    model_type: row.model_type,
    hyperparameters,
    acquisition_function: row.acquisition_function,
    parameter_space: row.parameter_space as unknown as Record<string, unknown>,
    goal: settings.goal,
    options: settings.options as Record<string, unknown>,
    active: settings.active === true,
    posterior_state: row.posterior_state ?? null,
    next_points: (row.next_points ?? []) as SuggestedPoint[],
    convergence_metrics: row.convergence_metrics ?? null,
    created_at: row.created_at,
    updated_at: row.updated_at,
    iterations,
  };
}

export async function getRow(ctx: ServiceContext, id: string): Promise<BayesianModelRow> {
  const row = await findBayesianModel(ctx.db, id);
  if (!row) throw new NotFoundError(`bayesian model ${id} not found`);
  return row;
}

/** The stored row's model, restored from posterior_state without refitting. */
function restore(row: BayesianModelRow): { model: BayesOptModel; settings: Settings } {
  const { hyperparameters, settings } = splitHyperparameters(row.hyperparameters);
  const model = restoreBayesOptModel(specOf(row, hyperparameters, settings), (row.posterior_state ?? null) as SurrogatePosteriorState | null);
  return { model, settings };
}

/** POST /v1/experiments/:id/bayesian-models: validates, stores, and proposes the initial design. */
export async function createBayesianModel(ctx: ServiceContext, experimentId: string, input: CreateBayesianModelBody): Promise<BayesianModelView> {
  if (!(await experimentExists(ctx.db, experimentId))) throw new NotFoundError(`experiment ${experimentId} not found`);
  if (input.hyperparameters && SETTINGS_KEY in input.hyperparameters) {
    throw rule(`${SETTINGS_KEY} is reserved; give goal and options at the top level`, `hyperparameters.${SETTINGS_KEY}`);
  }
  const settings: Settings = { goal: input.goal, options: input.options ?? {} };
  const parameter_space = input.parameter_space as unknown as BayesianModelRow["parameter_space"];
  const base = { model_type: input.model_type, acquisition_function: input.acquisition_function, parameter_space };
  const model = createBayesOptModel(specOf(base, input.hyperparameters, settings));
  const id = randomUUID();
  const { next_points } = suggestPoints(
    model,
    settings.options.initial_points ?? DEFAULT_INITIAL_POINTS,
    searchOptions(settings.options),
    createRng(`${seedBase(id, settings)}:initial`),
  );
  const now = iso(ctx);
  const row: BayesianModelInsert = {
    id,
    experiment_id: experimentId,
    ...base,
    hyperparameters: { ...(input.hyperparameters ?? {}), [SETTINGS_KEY]: settings },
    posterior_state: null,
    next_points,
    convergence_metrics: { ...convergenceMetrics(model, { next_points }) },
    created_at: now,
    updated_at: now,
  };
  await insertBayesianModel(ctx.db, row);
  return view({ ...row, posterior_state: null, next_points, convergence_metrics: row.convergence_metrics ?? null } as BayesianModelRow, []);
}

/** GET /v1/bayesian-models/:id: the model with its iterations in order. */
export async function getBayesianModel(ctx: ServiceContext, id: string): Promise<BayesianModelView> {
  const row = await getRow(ctx, id);
  return view(row, await listIterations(ctx.db, id));
}

/** GET /v1/experiments/:id/bayesian-models: the experiment's models (without iterations). */
export async function listExperimentBayesianModels(ctx: ServiceContext, experimentId: string): Promise<Omit<BayesianModelView, "iterations">[]> {
  if (!(await experimentExists(ctx.db, experimentId))) throw new NotFoundError(`experiment ${experimentId} not found`);
  const rows = await listBayesianModels(ctx.db, experimentId);
  return rows.map((r) => {
    const { iterations: _omit, ...rest } = view(r, []);
    void _omit;
    return rest;
  });
}

/**
 * POST /v1/bayesian-models/:id/observations: sequential posterior update from the stored state
 * (hyperparameters refitted warm-started unless fixed), one iteration per observation, fresh
 * next_points and convergence metrics. 409 when an observation names an iteration_number that is
 * not the next one, or when a concurrent update stored these iteration numbers first.
 */
export async function addObservations(ctx: ServiceContext, id: string, body: ObservationsBody): Promise<BayesianModelView> {
  const row = await getRow(ctx, id);
  const update = computePosteriorUpdate(ctx, row, body);
  try {
    await commitPosteriorUpdate(ctx.db, id, update.changes, update.iterations);
  } catch (e) {
    throw posteriorConflict(e, id, update.observedBefore);
  }
  return view({ ...row, ...update.changes }, update.iterations);
}

/** A posterior update computed but not yet stored: the model row's new fields and the new iterations. */
export interface PosteriorUpdate {
  changes: {
    posterior_state: Record<string, unknown>;
    next_points: SuggestedPoint[];
    convergence_metrics: Record<string, unknown>;
    updated_at: string;
  };
  iterations: IterationRow[];
  /** Observations stored before this update (the new iterations are numbered from observedBefore + 1). */
  observedBefore: number;
}

/** The 409 of a posterior update that lost a race on its iteration numbers; other errors as they are. */
export function posteriorConflict(e: unknown, id: string, observedBefore: number): unknown {
  if (!isUniqueViolation(e)) return e;
  const message = `another posterior update of bayesian model ${id} stored iteration ${observedBefore + 1} first; posterior updates are sequential, retry`;
  return new ConflictError(message, [{ path: "observations", message }]);
}

/**
 * The posterior update of POST /observations, computed from the stored row without writing it:
 * checks the points, restores the surrogate, observes, refits, suggests batch_size fresh points and
 * recomputes the convergence metrics (keeping the BO loop's rounds). Used by the route and by the
 * BO loop (which stores it together with its new round and allocation push).
 */
export function computePosteriorUpdate(ctx: ServiceContext, row: BayesianModelRow, body: ObservationsBody): PosteriorUpdate {
  const id = row.id;
  const started = performance.now();
  const { model: before, settings } = restore(row);
  const n = observedCount(before);
  body.observations.forEach((o, j) => {
    checkPoint(before.space, o.point, `observations.${j}.point`, true);
    if (o.iteration_number !== undefined && o.iteration_number !== n + j + 1) {
      const message = `iteration_number ${o.iteration_number} is not the next iteration (${n + j + 1}); posterior updates are sequential`;
      throw new ConflictError(message, [{ path: `observations.${j}.iteration_number`, message }]);
    }
  });
  const seed = seedBase(id, settings);
  const rng = createRng(`${seed}:observe:${n}`);
  const observed = observe(
    before,
    body.observations.map((o) => ({ point: o.point, value: o.value, ...(o.noise_variance !== undefined ? { noise_variance: o.noise_variance } : {}) })),
    rng,
  );
  const iterations = observed.iterations;
  const model = observed.model;
  const total = observedCount(model);
  const { next_points } = suggestPoints(
    model,
    settings.options.batch_size ?? DEFAULT_BATCH_SIZE,
    searchOptions(settings.options),
    createRng(`${seed}:suggest:${total}`),
  );
  const loop = row.convergence_metrics?.[LOOP_KEY];
  const convergence_metrics: Record<string, unknown> = {
    ...convergenceMetrics(model, { previous_posterior_state: (row.posterior_state ?? null) as SurrogatePosteriorState | null, next_points }),
    posterior_update_ms: Math.round((performance.now() - started) * 1000) / 1000,
    ...(loop !== undefined ? { [LOOP_KEY]: loop } : {}),
  };
  const now = iso(ctx);
  const iterationRows: IterationRow[] = iterations.map((it) => ({
    id: randomUUID(),
    model_id: id,
    iteration_number: it.iteration_number,
    suggested_point: it.suggested_point as Record<string, number>,
    observed_value: it.observed_value,
    acquisition_value: it.acquisition_value,
    improvement: it.improvement,
    created_at: now,
  }));
  const posterior_state = { ...(model.fitted as NonNullable<BayesOptModel["fitted"]>).posterior_state } as Record<string, unknown>;
  return { changes: { posterior_state, next_points, convergence_metrics, updated_at: now }, iterations: iterationRows, observedBefore: n };
}

/** POST /v1/bayesian-models/:id/suggest: the next `count` points, stored as next_points. */
export async function suggestForModel(ctx: ServiceContext, id: string, count: number): Promise<{ next_points: SuggestedPoint[] }> {
  const row = await getRow(ctx, id);
  const { model, settings } = restore(row);
  const n = observedCount(model);
  const { next_points } = suggestPoints(model, count, searchOptions(settings.options), createRng(`${seedBase(id, settings)}:suggest:${n}`));
  const acq = next_points.map((p) => p.acquisition_value).filter((v): v is number => v !== null);
  const convergence_metrics = { ...(row.convergence_metrics ?? {}), max_acquisition_value: acq.length ? Math.max(...acq) : null };
  if (!(await storeSuggestions(ctx.db, id, n, { next_points, convergence_metrics }))) {
    const message = `bayesian model ${id} received observations while suggesting; retry`;
    throw new ConflictError(message, [{ path: "count", message }]);
  }
  return { next_points };
}

/** POST /v1/bayesian-models/:id/predict: latent mean and std, and std_with_noise, in the objective's units. */
export async function predictForModel(ctx: ServiceContext, id: string, points: Point[]): Promise<{ predictions: { mean: number; std: number; std_with_noise: number }[] }> {
  const row = await getRow(ctx, id);
  const { model } = restore(row);
  points.forEach((p, i) => checkPoint(model.space, p, `points.${i}`, false));
  return { predictions: predictPoints(model, points) };
}
