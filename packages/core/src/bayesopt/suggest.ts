// Suggestions of the Bayesian-optimisation loop: the next `count` points maximising the
// acquisition function over the parameter space (multi-start search in the unit cube of model
// space), with batches built by the kriging believer (Ginsbourger, Le Riche & Carraro 2010,
// "Kriging is well-suited to parallelize optimization"): after each pick the surrogate is
// conditioned on its own posterior mean there, at fixed hyperparameters, before the next pick.

import { InvalidArgumentError } from "../errors.js";
import { normalDraw } from "../random/rng.js";
import type { Rng } from "../random/rng.js";
import { acquisition, acquisitionNormalWithGradient } from "./acquisition.js";
import { maximizeOverUnitCube } from "./acquisition-optimizer.js";
import type { AcquisitionSearchOptions, UnitCubeObjective } from "./acquisition-optimizer.js";
import { goalSign, incumbent } from "./bayes-opt-model.js";
import type { BayesOptModel } from "./bayes-opt-model.js";
import { fromModelSpace, fromUnitCube, modelSpans, toModelSpace, toUnitCube } from "./parameter-space.js";
import type { ParameterValue } from "./parameter-space.js";
import { haltonPoints } from "./quasi-random.js";
import type { FittedSurrogate } from "./surrogate.js";

/** A suggested point in parameter units with its acquisition value (null for the initial space-filling design). */
export interface SuggestedPoint {
  readonly point: Record<string, ParameterValue>;
  readonly acquisition_value: number | null;
}

/** Options of `suggestPoints`: the acquisition search settings. */
export type SuggestOptions = AcquisitionSearchOptions;

/** Maximum points per suggestion call. */
export const MAX_SUGGESTIONS = 100;

/**
 * The next `count` points (API.md POST /v1/bayesian-models/:id/suggest). Without observations, a
 * seeded space-filling (shifted Halton) design with acquisition_value null. Otherwise each point
 * maximises the acquisition (analytic gradients for a GP, central differences otherwise) from
 * quasi-random starts and perturbations of the best observed points; integers and choices are
 * rounded and the acquisition is reported at the rounded point; batches use the kriging believer.
 */
export function suggestPoints(model: BayesOptModel, count: number, options: SuggestOptions, rng: Rng): { next_points: SuggestedPoint[] } {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SUGGESTIONS) {
    throw new InvalidArgumentError(`count must be an integer in [1, ${MAX_SUGGESTIONS}], got ${JSON.stringify(count)}`, "count");
  }
  const space = model.space;
  const d = space.dim;
  if (!model.fitted) {
    return { next_points: haltonPoints(count, d, rng).map((u) => ({ point: fromModelSpace(space, fromUnitCube(space, u)), acquisition_value: null })) };
  }
  const name = model.spec.acquisition_function;
  const acq = model.acquisition;
  const best = incumbent(model) as number;
  const spans = modelSpans(space);
  const sign = goalSign(model);
  // extra starts: the 5 best observed points and 4 Gaussian perturbations (sd 0.02 of the cube) of each
  const data = model.fitted.posterior_state.training_data;
  const order = data.y.map((v, i) => ({ v: sign * v, i })).sort((a, b) => b.v - a.v).slice(0, 5);
  const extra: number[][] = [];
  for (const { i } of order) {
    const u = toUnitCube(space, data.X[i] as number[]);
    extra.push(u);
    for (let k = 0; k < 4; k++) extra.push(u.map((v) => v + 0.02 * normalDraw(rng)));
  }
  let fitted: FittedSurrogate = model.fitted;
  const surrogate = model.surrogate;
  const next_points: SuggestedPoint[] = [];
  for (let j = 0; j < count; j++) {
    const current = fitted;
    const objective: UnitCubeObjective = surrogate.predictWithGradient
      ? (u) => {
          const z = fromUnitCube(space, u);
          const p = (surrogate.predictWithGradient as NonNullable<typeof surrogate.predictWithGradient>)(current, z);
          const a = acquisitionNormalWithGradient(name, p.mean, p.std, best, acq);
          return { value: a.value, grad: p.dmean.map((dm, q) => (a.dmean * dm + a.dstd * (p.dstd[q] as number)) * (spans[q] as number)) };
        }
      : (u) => {
          const z = fromUnitCube(space, u);
          return { value: acquisition(name, surrogate.predict(current, [z])[0]!.distribution, best, acq) };
        };
    const batch = (us: number[][]) =>
      surrogate.predict(current, us.map((u) => fromUnitCube(space, u))).map((p) => acquisition(name, p.distribution, best, acq));
    const found = maximizeOverUnitCube(objective, d, rng, options, extra, batch);
    const point = fromModelSpace(space, fromUnitCube(space, found.u));
    const z = toModelSpace(space, point);
    const pred = surrogate.predict(current, [z])[0]!;
    next_points.push({ point, acquisition_value: acquisition(name, pred.distribution, best, acq) });
    if (j < count - 1) fitted = surrogate.condition(current, z, pred.mean);
  }
  return { next_points };
}
