// Bayesian-optimisation benchmark: for n = 50, 200, 500 observations in 2 and 5 dimensions,
// times a posterior update (one new observation at fixed hyperparameters, O(n^2)), a full
// hyperparameter refit from scratch (multi-start projected L-BFGS on the log marginal likelihood,
// on nested subsets above 150 observations, O(n^3) per evaluation), the refit after one more
// observation warm-started from the previous fit (what the API's posterior update runs), and
// suggestions of 1 and 5 points (multi-start EI search; batches by kriging
// believer), for a Matern-5/2 ARD Gaussian process. Prints medians; asserts nothing about time.
import { createRng } from "../packages/core/src/random/rng.js";
import { addObservation, fitGaussianProcess, restoreBayesOptModel, suggestPoints } from "../packages/core/src/bayesopt/index.js";
import type { BayesOptSpec } from "../packages/core/src/bayesopt/index.js";

function medianMs(fn: (rep: number) => unknown, reps: number): number {
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    fn(r);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const m = Math.floor(times.length / 2);
  return times.length % 2 ? (times[m] as number) : ((times[m - 1] as number) + (times[m] as number)) / 2;
}

const round = (ms: number) => (ms < 10 ? Number(ms.toFixed(2)) : Math.round(ms));

export async function runBayesoptBench(): Promise<void> {
  const rows: Record<string, number | string>[] = [];
  for (const d of [2, 5]) {
    for (const n of [50, 200, 500]) {
      const rng = createRng(`bench-${d}-${n}`);
      const X = Array.from({ length: n }, () => Array.from({ length: d }, () => rng()));
      const f = (x: number[]) => x.reduce((s, v, j) => s + Math.sin(3 * v + j), 0);
      const y = X.map((x) => f(x) + 0.05 * (rng() - 0.5));
      const refitReps = n <= 200 ? 7 : 5;
      let gp = fitGaussianProcess(X, y, { kernel: "Matern52" }, createRng(0));
      // each repetition with its own seed (the seed picks the random restarts and the subsets)
      const refit = medianMs((rep) => {
        gp = fitGaussianProcess(X, y, { kernel: "Matern52" }, createRng(`refit-${rep}`));
      }, refitReps);
      const xNew = Array.from({ length: d }, () => rng());
      const update = medianMs(() => addObservation(gp, xNew, f(xNew)), 7);
      // what a posterior update through the API does: one more observation, then a refit
      // warm-started from the previous hyperparameters
      const grown = addObservation(gp, xNew, f(xNew)).posterior_state.training_data;
      const warm = medianMs(() => fitGaussianProcess(grown.X, grown.y, { kernel: "Matern52", warm_start: gp.hyperparameters }, createRng(4)), refitReps);
      const spec: BayesOptSpec = {
        model_type: "GaussianProcess",
        hyperparameters: { kernel: "Matern52" },
        acquisition_function: "ExpectedImprovement",
        parameter_space: { parameters: Array.from({ length: d }, (_, j) => ({ name: `x${j}`, bounds: [0, 1] as [number, number] })) },
      };
      const model = restoreBayesOptModel(spec, gp.posterior_state);
      const s1 = medianMs(() => suggestPoints(model, 1, {}, createRng(2)), 3);
      const s5 = medianMs(() => suggestPoints(model, 5, {}, createRng(3)), 3);
      rows.push({
        d,
        n,
        "update 1 obs (ms)": round(update),
        "full refit (ms)": round(refit),
        "warm refit +1 obs (ms)": round(warm),
        "refit seeds": refitReps,
        "log ML": Number(gp.posterior_state.log_marginal_likelihood.toFixed(3)),
        "suggest 1 (ms)": round(s1),
        "suggest 5 (ms)": round(s5),
        "suggestions/s": Number((1000 / s1).toFixed(1)),
      });
    }
  }
  console.log("Bayesian optimisation (GaussianProcess Matern52 ARD, constant mean; medians)");
  console.table(rows);
}
