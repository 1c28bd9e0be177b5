// The optimisation loop: seeded runs on a 1-D function and on Branin reach near the optimum
// within a fixed budget; batches by kriging believer; OptimizationIteration records; the stored
// posterior_state restores the model; integer, choice and log-scale parameters; convergence
// metrics; validation errors with paths.

import { describe, expect, it } from "vitest";
import { createRng } from "../../src/random/rng.js";
import type { Rng } from "../../src/random/rng.js";
import { InvalidArgumentError } from "../../src/errors.js";
import {
  bayesOptPosteriorState,
  bestSoFar,
  convergenceMetrics,
  createBayesOptModel,
  fitBayesOptModel,
  hyperparameterChange,
  improvementsOverBest,
  observe,
  predictPoints,
  restoreBayesOptModel,
  suggestPoints,
} from "../../src/bayesopt/index.js";
import type { BayesOptModel, BayesOptSpec, ParameterValue } from "../../src/bayesopt/index.js";

function run(spec: BayesOptSpec, f: (p: Record<string, ParameterValue>) => number, init: number, iterations: number, rng: Rng): BayesOptModel {
  let model = createBayesOptModel(spec);
  const first = suggestPoints(model, init, {}, rng).next_points;
  model = observe(model, first.map((p) => ({ point: p.point, value: f(p.point) })), rng).model;
  for (let i = 0; i < iterations; i++) {
    const s = suggestPoints(model, 1, {}, rng).next_points[0]!;
    model = observe(model, [{ point: s.point, value: f(s.point) }], rng).model;
  }
  return model;
}

const branin = (p: Record<string, ParameterValue>) => {
  const x1 = p.x1 as number;
  const x2 = p.x2 as number;
  return (x2 - (5.1 / (4 * Math.PI ** 2)) * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
};
const braninSpace = { parameters: [{ name: "x1", bounds: [-5, 10] as [number, number] }, { name: "x2", bounds: [0, 15] as [number, number] }] };

describe("seeded optimisation loops reach the optimum within a fixed budget", () => {
  it("1-D: maximise -(sin 3x + x^2 - 0.7x) on [-1, 2] with EI in 4 + 10 evaluations", () => {
    const g = (p: Record<string, ParameterValue>) => -(Math.sin(3 * (p.x as number)) + (p.x as number) ** 2 - 0.7 * (p.x as number));
    let opt = -Infinity;
    for (let i = 0; i <= 300000; i++) opt = Math.max(opt, g({ x: -1 + (3 * i) / 300000 }));
    const model = run({ model_type: "GaussianProcess", acquisition_function: "ExpectedImprovement", parameter_space: { parameters: [{ name: "x", bounds: [-1, 2] }] } }, g, 4, 10, createRng("1d"));
    const m = convergenceMetrics(model);
    expect(opt - (m.best_value as number)).toBeLessThan(1e-3);
  });
  it("Branin: minimise with EI in 5 + 25 evaluations to within 0.05 of 0.397887", () => {
    const model = run({ model_type: "GaussianProcess", acquisition_function: "ExpectedImprovement", acquisition_options: { goal: "minimize" }, parameter_space: braninSpace }, branin, 5, 25, createRng("branin"));
    const m = convergenceMetrics(model);
    expect(m.best_value as number).toBeLessThan(0.397887 + 0.05);
    expect(m.best_value_history).toHaveLength(30);
  });
  it("Branin with UCB (beta = 4) and with ProbabilityImprovement (xi = 0.01) improve well over the initial design", () => {
    for (const [acq, opts] of [["UCB", { goal: "minimize", beta: 4 }], ["ProbabilityImprovement", { goal: "minimize", xi: 0.01 }]] as const) {
      const model = run({ model_type: "GaussianProcess", acquisition_function: acq, acquisition_options: opts, parameter_space: braninSpace }, branin, 5, 15, createRng(acq));
      expect(convergenceMetrics(model).best_value as number).toBeLessThan(2);
    }
  });
  it("BayesianLinear (rff) and DirichletProcess run the same loop with valid suggestions", () => {
    for (const [model_type, hyperparameters] of [["BayesianLinear", { basis: "rff", features: 50 }], ["DirichletProcess", {}]] as const) {
      const model = run({ model_type, hyperparameters, acquisition_function: "ExpectedImprovement", acquisition_options: { goal: "minimize" }, parameter_space: braninSpace }, branin, 5, 8, createRng(model_type));
      const m = convergenceMetrics(model);
      expect(m.n_observations).toBe(13);
      expect(m.best_value as number).toBeLessThan(Math.min(...model.fitted!.posterior_state.training_data.y.slice(0, 5)) + 1e-12);
    }
  });
});

describe("suggestions and observations", () => {
  const rng = createRng("obs");
  const obs = Array.from({ length: 8 }, () => {
    const point = { x1: -5 + 15 * rng(), x2: 15 * rng() };
    return { point, value: branin(point) };
  });
  const spec: BayesOptSpec = { model_type: "GaussianProcess", acquisition_function: "ExpectedImprovement", acquisition_options: { goal: "minimize" }, parameter_space: braninSpace };

  it("a batch of 5 by kriging believer: distinct points inside the bounds, acquisition values finite", () => {
    const model = fitBayesOptModel(spec, obs, createRng(1));
    const pts = suggestPoints(model, 5, {}, createRng(2)).next_points;
    expect(pts).toHaveLength(5);
    for (const p of pts) {
      expect(Number.isFinite(p.acquisition_value)).toBe(true);
      expect(p.point.x1 as number).toBeGreaterThanOrEqual(-5);
      expect(p.point.x2 as number).toBeLessThanOrEqual(15);
    }
    for (let i = 0; i < 5; i++) for (let j = 0; j < i; j++) {
      const d = Math.hypot((pts[i]!.point.x1 as number) - (pts[j]!.point.x1 as number), (pts[i]!.point.x2 as number) - (pts[j]!.point.x2 as number));
      expect(d).toBeGreaterThan(1e-3);
    }
  });
  for (const acquisition_function of ["ExpectedImprovement", "UCB"] as const) {
    it(`a batch of 5 by local penalisation (${acquisition_function}): first pick as the kriging believer's, then distinct points that keep their distance`, () => {
      const model = fitBayesOptModel({ ...spec, acquisition_function }, obs, createRng(1));
      const lp = suggestPoints(model, 5, { batch_strategy: "local_penalization" }, createRng(2)).next_points;
      const kb = suggestPoints(model, 5, {}, createRng(2)).next_points;
      expect(lp).toHaveLength(5);
      expect(lp[0]!.point).toEqual(kb[0]!.point); // the first pick is the plain acquisition maximum
      for (const p of lp) {
        expect(Number.isFinite(p.acquisition_value)).toBe(true);
        expect(p.point.x1 as number).toBeGreaterThanOrEqual(-5);
        expect(p.point.x1 as number).toBeLessThanOrEqual(10);
        expect(p.point.x2 as number).toBeGreaterThanOrEqual(0);
        expect(p.point.x2 as number).toBeLessThanOrEqual(15);
      }
      // every later pick lies outside the region its predecessors penalise most (> 1% of the domain's diagonal away)
      for (let i = 0; i < 5; i++) for (let j = 0; j < i; j++) {
        const dist = Math.hypot((lp[i]!.point.x1 as number) - (lp[j]!.point.x1 as number), (lp[i]!.point.x2 as number) - (lp[j]!.point.x2 as number));
        expect(dist).toBeGreaterThan(0.01 * Math.hypot(15, 15));
      }
    });
  }
  it("an unknown batch strategy is refused naming the field", () => {
    const model = fitBayesOptModel(spec, obs, createRng(1));
    expect(() => suggestPoints(model, 2, { batch_strategy: "thompson" as never }, createRng(2))).toThrow(InvalidArgumentError);
  });
  it("records one OptimizationIteration per observation with improvement over the best", () => {
    const { iterations } = observe(createBayesOptModel(spec), obs, createRng(1));
    expect(iterations.map((i) => i.iteration_number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(iterations[0]!.acquisition_value).toBeNull();
    expect(iterations.slice(1).every((i) => i.acquisition_value !== null && i.acquisition_value >= 0)).toBe(true);
    expect(iterations.map((i) => i.improvement)).toEqual(improvementsOverBest(obs.map((o) => o.value), "minimize"));
  });
  it("restores from the stored posterior_state (JSON) to the same predictions and suggestions", () => {
    const model = fitBayesOptModel(spec, obs, createRng(1));
    const state = JSON.parse(JSON.stringify(bayesOptPosteriorState(model)));
    const restored = restoreBayesOptModel(spec, state);
    const pts = [{ x1: 0, x2: 5 }, { x1: 9, x2: 2 }];
    expect(predictPoints(restored, pts)).toEqual(predictPoints(model, pts));
    expect(suggestPoints(restored, 2, {}, createRng(3))).toEqual(suggestPoints(model, 2, {}, createRng(3)));
  });
  it("without observations suggests a seeded space-filling design", () => {
    const a = suggestPoints(createBayesOptModel(spec), 4, {}, createRng(5)).next_points;
    expect(a.every((p) => p.acquisition_value === null)).toBe(true);
    expect(suggestPoints(createBayesOptModel(spec), 4, {}, createRng(5)).next_points).toEqual(a);
  });
  it("log, integer and choice parameters: model space in log units, suggestions are valid values", () => {
    const mixed: BayesOptSpec = {
      model_type: "GaussianProcess",
      acquisition_function: "UCB",
      parameter_space: {
        parameters: [
          { name: "rate", bounds: [1e-3, 1], scale: "log" },
          { name: "slots", bounds: [1, 6], type: "integer" },
          { name: "layout", type: "choice", choices: ["grid", "list", "carousel"] },
        ],
      },
    };
    const f = (p: Record<string, ParameterValue>) => -((Math.log10(p.rate as number) + 2) ** 2) - 0.1 * ((p.slots as number) - 4) ** 2 + (p.layout === "list" ? 0.5 : 0);
    const r = createRng("mixed");
    let model = createBayesOptModel(mixed);
    const init = suggestPoints(model, 6, {}, r).next_points;
    model = observe(model, init.map((p) => ({ point: p.point, value: f(p.point), noise_variance: 0.001 })), r).model;
    const st = bayesOptPosteriorState(model)!;
    expect(st.training_data.X[0]![0]).toBeCloseTo(Math.log(init[0]!.point.rate as number), 12);
    expect(st.model_type === "GaussianProcess" && Array.isArray(st.length_scale) && st.length_scale.length).toBe(3);
    for (const p of suggestPoints(model, 3, {}, r).next_points) {
      expect(Number.isInteger(p.point.slots)).toBe(true);
      expect(["grid", "list", "carousel"]).toContain(p.point.layout);
      expect(p.point.rate as number).toBeGreaterThanOrEqual(1e-3);
    }
  });
});

describe("convergence metrics", () => {
  it("best so far, improvements, hyperparameter change between refits", () => {
    expect(bestSoFar([3, 1, 2, 0.5], "minimize")).toEqual([3, 1, 1, 0.5]);
    expect(improvementsOverBest([3, 1, 2, 0.5], "minimize")).toEqual([0, 2, 0, 0.5]);
    expect(improvementsOverBest([1, 3, 2])).toEqual([0, 2, 0]);
    const spec: BayesOptSpec = { model_type: "GaussianProcess", acquisition_function: "UCB", parameter_space: braninSpace };
    const rng = createRng("conv");
    const pts = Array.from({ length: 12 }, () => ({ x1: -5 + 15 * rng(), x2: 15 * rng() }));
    const a = fitBayesOptModel(spec, pts.slice(0, 10).map((p) => ({ point: p, value: branin(p) })), createRng(1));
    const b = observe(a, pts.slice(10).map((p) => ({ point: p, value: branin(p) })), createRng(2)).model;
    const next = suggestPoints(b, 2, {}, createRng(3)).next_points;
    const m = convergenceMetrics(b, { previous_posterior_state: bayesOptPosteriorState(a), next_points: next });
    expect(m.n_observations).toBe(12);
    expect(m.max_acquisition_value).toBe(Math.max(...next.map((p) => p.acquisition_value as number)));
    expect(m.hyperparameter_change).toBe(hyperparameterChange(bayesOptPosteriorState(a), bayesOptPosteriorState(b)));
    expect(m.hyperparameter_change as number).toBeGreaterThanOrEqual(0);
    expect(m.log_marginal_likelihood).toBe(bayesOptPosteriorState(b)!.log_marginal_likelihood);
  });
});

describe("validation errors carry the offending path", () => {
  const base: BayesOptSpec = { model_type: "GaussianProcess", acquisition_function: "ExpectedImprovement", parameter_space: braninSpace };
  const cases: [string, () => unknown, string][] = [
    ["unknown acquisition", () => createBayesOptModel({ ...base, acquisition_function: "Thompson" as never }), "acquisition_function"],
    ["unknown model type", () => createBayesOptModel({ ...base, model_type: "Forest" as never }), "model_type"],
    ["bad bounds", () => createBayesOptModel({ ...base, parameter_space: { parameters: [{ name: "a", bounds: [0, 1] }, { name: "b", bounds: [3, -3] }] } }), "parameter_space.parameters.1.bounds"],
    ["unknown kernel", () => createBayesOptModel({ ...base, hyperparameters: { kernel: "Linear" } }), "hyperparameters.kernel"],
    ["length scales count", () => createBayesOptModel({ ...base, hyperparameters: { length_scale: [1, 2, 3] } }), "hyperparameters.length_scale"],
    ["negative noise", () => createBayesOptModel({ ...base, hyperparameters: { noise_variance: -1 } }), "hyperparameters.noise_variance"],
    ["mean function", () => createBayesOptModel({ ...base, hyperparameters: { mean_function: "linear" } }), "hyperparameters.mean_function"],
    ["unknown basis", () => createBayesOptModel({ ...base, model_type: "BayesianLinear", hyperparameters: { basis: "cubic" } }), "hyperparameters.basis"],
    ["truncation", () => createBayesOptModel({ ...base, model_type: "DirichletProcess", hyperparameters: { truncation: 0 } }), "hyperparameters.truncation"],
    ["count", () => suggestPoints(createBayesOptModel(base), 0, {}, createRng(1)), "count"],
    ["observation value", () => observe(createBayesOptModel(base), [{ point: { x1: 0, x2: 0 }, value: Number.NaN }], createRng(1)), "observations.0.value"],
    ["observation point", () => observe(createBayesOptModel(base), [{ point: { x1: 0 }, value: 1 }], createRng(1)), "observations.0.point.x2"],
    ["observation noise", () => observe(createBayesOptModel(base), [{ point: { x1: 0, x2: 1 }, value: 1, noise_variance: -0.1 }], createRng(1)), "observations.0.noise_variance"],
    ["predict before data", () => predictPoints(createBayesOptModel(base), [{ x1: 0, x2: 0 }]), "points"],
    ["state of another model", () => restoreBayesOptModel({ ...base, model_type: "BayesianLinear" }, bayesOptPosteriorState(fitBayesOptModel(base, [{ point: { x1: 0, x2: 0 }, value: 1 }], createRng(1)))), "posterior_state.model_type"],
  ];
  for (const [name, fn, path] of cases) {
    it(name, () => {
      try {
        fn();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        expect((e as InvalidArgumentError).path).toBe(path);
      }
    });
  }
});
