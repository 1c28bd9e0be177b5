// Suggestions of the Bayesian-optimisation loop: the next `count` points maximising the
// acquisition function over the parameter space (multi-start search in the unit cube of model
// space), with batches built by the kriging believer (Ginsbourger, Le Riche & Carraro 2010,
// "Kriging is well-suited to parallelize optimization"): after each pick the surrogate is
// conditioned on its own posterior mean there, at fixed hyperparameters, before the next pick; or
// by local penalisation (González et al. 2016, local-penalization.ts): the model stays as it is and
// the acquisition is damped around the points already picked.

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
import { lipschitzConstant, localPenalty, softplus } from "./local-penalization.js";
import type { PenalizedPoint } from "./local-penalization.js";
import type { FittedSurrogate } from "./surrogate.js";

/** A suggested point in parameter units with its acquisition value (null for the initial space-filling design). */
export interface SuggestedPoint {
  readonly point: Record<string, ParameterValue>;
  readonly acquisition_value: number | null;
}

/** How a batch of more than one point is built. */
export type BatchStrategy = "kriging_believer" | "local_penalization";
export const BATCH_STRATEGIES: readonly BatchStrategy[] = ["kriging_believer", "local_penalization"];

/** Options of `suggestPoints`: the acquisition search settings and the batch strategy. */
export interface SuggestOptions extends AcquisitionSearchOptions {
  /** Default "kriging_believer". */
  readonly batch_strategy?: BatchStrategy;
}

/** Maximum points per suggestion call. */
export const MAX_SUGGESTIONS = 100;

/**
 * The next `count` points (API.md POST /v1/bayesian-models/:id/suggest). Without observations, a
 * seeded space-filling (shifted Halton) design with acquisition_value null. Otherwise each point
 * maximises the acquisition (analytic gradients for a GP, central differences otherwise) from
 * quasi-random starts and perturbations of the best observed points; integers and choices are
 * rounded and the acquisition is reported at the rounded point; batches use the kriging believer
 * or local penalisation (`options.batch_strategy`).
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
  const strategy = options.batch_strategy ?? "kriging_believer";
  if (strategy !== "kriging_believer" && strategy !== "local_penalization") {
    throw new InvalidArgumentError(`batch_strategy must be one of ${BATCH_STRATEGIES.join(", ")}, got ${JSON.stringify(strategy)}`, "batch_strategy");
  }
  let fitted: FittedSurrogate = model.fitted;
  const surrogate = model.surrogate;
  const next_points: SuggestedPoint[] = [];
  // local penalisation: the Lipschitz constant of the posterior mean, the best mean M, the points picked so far
  let penalty: { L: number; M: number; chosen: PenalizedPoint[] } | null = null;
  const softplusNeeded = name === "UCB";
  for (let j = 0; j < count; j++) {
    const current = fitted;
    const values = (zs: number[][]) => surrogate.predict(current, zs).map((p) => acquisition(name, p.distribution, best, acq));
    let objective: UnitCubeObjective;
    let batch: (us: number[][]) => number[];
    if (penalty) {
      const { L, M, chosen } = penalty;
      const penalised = (z: number[], a: number) => chosen.reduce((v, c) => v * localPenalty(z, c, L, M), softplusNeeded ? softplus(a) : a);
      batch = (us) => {
        const zs = us.map((u) => fromUnitCube(space, u));
        const a = values(zs);
        return zs.map((z, i) => penalised(z, a[i] as number));
      };
      objective = (u) => ({ value: batch([u])[0] as number });
    } else {
      objective = surrogate.predictWithGradient
        ? (u) => {
            const z = fromUnitCube(space, u);
            const p = (surrogate.predictWithGradient as NonNullable<typeof surrogate.predictWithGradient>)(current, z);
            const a = acquisitionNormalWithGradient(name, p.mean, p.std, best, acq);
            return { value: a.value, grad: p.dmean.map((dm, q) => (a.dmean * dm + a.dstd * (p.dstd[q] as number)) * (spans[q] as number)) };
          }
        : (u) => ({ value: values([fromUnitCube(space, u)])[0] as number });
      batch = (us) => values(us.map((u) => fromUnitCube(space, u)));
    }
    const found = maximizeOverUnitCube(objective, d, rng, options, extra, batch);
    const point = fromModelSpace(space, fromUnitCube(space, found.u));
    const z = toModelSpace(space, point);
    const pred = surrogate.predict(current, [z])[0]!;
    next_points.push({ point, acquisition_value: acquisition(name, pred.distribution, best, acq) });
    if (j === count - 1) break;
    if (strategy === "kriging_believer") {
      fitted = surrogate.condition(current, z, pred.mean);
    } else {
      if (!penalty) {
        const means = (zs: number[][]) => surrogate.predict(current, zs).map((p) => sign * p.mean);
        const screen = haltonPoints(Math.min(512, 64 * d), d, rng).map((u) => fromUnitCube(space, u));
        penalty = { L: lipschitzConstant(means, screen, spans), M: sign * best, chosen: [] };
      }
      penalty.chosen.push({ z, mean: sign * pred.mean, std: pred.std });
    }
  }
  return { next_points };
}
