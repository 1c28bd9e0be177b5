// Statistical-model benchmark: fit time of a random intercept + slope model `y ~ x + (x | g)`
// (REML, lme4's algorithm) and of OLS `y ~ x` on seeded synthetic data with 1,000 groups, at
// 10K, 100K and 1M rows, then of the other classes at fixed sizes: logistic regression (10K,
// 100K rows), ARIMA(1,0,1) and (0,1,1)(0,1,1)12 and the local-level model on series of 1,000
// and 10,000, CUPED and DiD on 100K rows, 1,000-replicate case bootstraps of lm and logistic regression on
// 10K rows, cluster bootstraps of the mixed model (10K rows / 100 and 1,000 groups, 100K rows) and
// the Gibbs sampler (2 chains x 2,000 draws, 10K rows, 100 groups). Prints tables; asserts
// nothing. BENCH_STATS_ROWS=10000,100000 limits the mixed-model / OLS sizes;
// BENCH_STATS_OTHER=0 skips the other classes.
import { createRng, normalDraw, type Rng } from "../packages/core/src/random/rng.js";
import { fitLogisticRegression } from "../packages/core/src/stats/linear/fit-logistic-regression.js";
import { fitArima } from "../packages/core/src/stats/timeseries/fit-arima.js";
import { fitLocalLevel } from "../packages/core/src/stats/timeseries/local-level.js";
import { fitCausalModel } from "../packages/core/src/stats/causal/fit-causal-model.js";
import { bootstrapRegression } from "../packages/core/src/stats/bootstrap/bootstrap-regression.js";
import { bootstrapLinearMixedModel } from "../packages/core/src/stats/bootstrap/bootstrap-linear-mixed-model.js";
import { fitBayesianRandomIntercept } from "../packages/core/src/stats/bayes/fit-bayesian-random-intercept.js";
import { fitLinearMixedModel } from "../packages/core/src/stats/mixed/fit-linear-mixed-model.js";
import { fitLinearModel } from "../packages/core/src/stats/linear/fit-linear-model.js";

const GROUPS = 1000;

const CROSSED = 100;

type Row = {
  y: number;
  x: number;
  g: string;
  h: string;
};

/** y = 10 + 2x + b0[g] + b1[g] x + c[h] + e with sd(b0, b1, c, e) = (5, 1, 2, 3); h crossed with g. */
function synthetic(n: number, seed: string): Row[] {
  const rng = createRng(seed);
  const b0 = Array.from({ length: GROUPS }, () => 5 * normalDraw(rng));
  const b1 = Array.from({ length: GROUPS }, () => 1 * normalDraw(rng));
  const c = Array.from({ length: CROSSED }, () => 2 * normalDraw(rng));
  const rows = new Array<Row>(n);
  for (let i = 0; i < n; i++) {
    const g = i % GROUPS;
    const h = Math.floor(rng() * CROSSED);
    const x = normalDraw(rng);
    rows[i] = { y: 10 + 2 * x + b0[g]! + b1[g]! * x + c[h]! + 3 * normalDraw(rng), x, g: `g${g}`, h: `h${h}` };
  }
  return rows;
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

export async function runStatsBench(): Promise<void> {
  const sizes = (process.env.BENCH_STATS_ROWS ?? "10000,100000,1000000").split(",").map(Number);
  const table: Record<string, unknown>[] = [];
  for (const n of sizes) {
    const rows = synthetic(n, `stats-bench-${n}`);
    // Warm-up on a small slice so JIT compilation is not charged to the first size.
    if (table.length === 0) fitLinearMixedModel("y ~ x + (x | g)", rows.slice(0, 5000));
    const lmm = time(() => fitLinearMixedModel("y ~ x + (x | g)", rows));
    const crossed = time(() => fitLinearMixedModel("y ~ x + (x | g) + (1 | h)", rows));
    const ols = time(() => fitLinearModel("y ~ x", rows));
    const sds = (vc: { sd: number }[]) => vc.map((v) => v.sd.toFixed(2)).join(" / ");
    table.push({
      rows: n,
      "lmer (x | g) ms": Math.round(lmm.ms),
      evals: lmm.value.optimizer.evaluations,
      "sds (x | g)": sds(lmm.value.variance_components),
      "lmer (x | g) + (1 | h) ms": Math.round(crossed.ms),
      "sds crossed": sds(crossed.value.variance_components),
      "OLS y ~ x ms": Math.round(ols.ms),
    });
  }
  console.log(`Statistical models: fit time (REML, one run each) on seeded synthetic data, g: ${GROUPS} groups, h: ${CROSSED} crossed groups`);
  console.log("True sds: g intercept 5, g slope 1, h 2, residual 3 (the (x | g) model absorbs h into the residual)");
  console.table(table);
  if (process.env.BENCH_STATS_OTHER !== "0") runOtherClasses();
}

/** ARMA(1,1) with phi 0.6, theta 0.3 (as an integrated series when `integrate`), seeded. */
function arma(n: number, rng: Rng): Float64Array {
  const y = new Float64Array(n);
  let prevE = 0;
  let prevY = 0;
  for (let t = 0; t < n; t++) {
    const e = normalDraw(rng);
    prevY = 0.6 * prevY + e + 0.3 * prevE;
    prevE = e;
    y[t] = 10 + prevY;
  }
  return y;
}

/** Airline-model series (1 - B)(1 - B^12) y = (1 - 0.4B)(1 - 0.6B^12) e, seeded. */
function airline(n: number, rng: Rng): Float64Array {
  const e = Float64Array.from({ length: n }, () => normalDraw(rng));
  const w = new Float64Array(n);
  for (let t = 0; t < n; t++) w[t] = e[t]! - 0.4 * (e[t - 1] ?? 0) - 0.6 * (e[t - 12] ?? 0) + 0.24 * (e[t - 13] ?? 0);
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) y[t] = w[t]! + (y[t - 1] ?? 0) + (y[t - 12] ?? 0) - (y[t - 13] ?? 0) + 5 * Math.sin((2 * Math.PI * t) / 12) * (t < 13 ? 1 : 0);
  return y;
}

/** Random walk plus noise: sigma2_level 1, sigma2_irregular 4, seeded. */
function localLevelSeries(n: number, rng: Rng): Float64Array {
  const y = new Float64Array(n);
  let mu = 0;
  for (let t = 0; t < n; t++) {
    mu += normalDraw(rng);
    y[t] = mu + 2 * normalDraw(rng);
  }
  return y;
}

function runOtherClasses(): void {
  const rows: Record<string, unknown>[] = [];
  const push = (model: string, size: string, r: { ms: number }, result: string) => {
    rows.push({ model, size, ms: Math.round(r.ms), result });
    console.error(`  ${model}, ${size}: ${Math.round(r.ms)} ms`);
  };
  for (const n of [10_000, 100_000]) {
    const rng = createRng(`logistic-${n}`);
    const data = Array.from({ length: n }, () => {
      const x = normalDraw(rng);
      const z = normalDraw(rng);
      return { y: rng() < 1 / (1 + Math.exp(-(-0.5 + x - 0.5 * z))) ? 1 : 0, x, z };
    });
    const r = time(() => fitLogisticRegression("y ~ x + z", data));
    push("logistic y ~ x + z", `${n} rows`, r, `b = ${Array.from(r.value.coefficients, (b) => b.toFixed(2)).join(", ")} (true -0.5, 1, -0.5)`);
  }
  for (const n of [1000, 10_000]) {
    const y = arma(n, createRng(`arma-${n}`));
    const r = time(() => fitArima(y, { order: [1, 0, 1] }));
    push("ARIMA(1,0,1)", `series ${n}`, r, r.value.coefficients.map((c) => `${c.term} ${c.estimate.toFixed(2)}`).join(", ") + ` (evals ${r.value.optimizer.evaluations})`);
  }
  for (const n of [1000, 10_000]) {
    const y = airline(n, createRng(`airline-${n}`));
    const r = time(() => fitArima(y, { order: [0, 1, 1], seasonal: { order: [0, 1, 1], period: 12 } }));
    push("ARIMA(0,1,1)(0,1,1)12", `series ${n}`, r, r.value.coefficients.map((c) => `${c.term} ${c.estimate.toFixed(2)}`).join(", ") + ` (evals ${r.value.optimizer.evaluations})`);
  }
  for (const n of [1000, 10_000]) {
    const y = localLevelSeries(n, createRng(`local-level-${n}`));
    const r = time(() => fitLocalLevel(y, { horizon: 10 }));
    push("local level (StructTS)", `series ${n}`, r, `s2 level ${r.value.sigma2_level.toFixed(2)}, irregular ${r.value.sigma2_irregular.toFixed(2)} (true 1, 4)`);
  }
  {
    const n = 100_000;
    const rng = createRng("cuped-did");
    const cuped = Array.from({ length: n }, () => {
      const pre = normalDraw(rng);
      const treatment = rng() < 0.5 ? 1 : 0;
      return { y: 0.1 * treatment + 0.8 * pre + 0.6 * normalDraw(rng), treatment, pre };
    });
    const c = time(() => fitCausalModel("y ~ treatment", cuped, { method: "cuped", covariate: "pre" }));
    push("CUPED", `${n} rows`, c, `effect ${c.value.effect.estimate.toFixed(3)} (true 0.1)`);
    const unitEffects = Array.from({ length: 1000 }, () => normalDraw(rng));
    const did = Array.from({ length: n }, (_, i) => {
      const unit = i % 1000;
      const treated = unit < 500 ? 1 : 0;
      const post = i < n / 2 ? 0 : 1;
      return { y: unitEffects[unit]! + 0.3 * post + 0.2 * treated * post + normalDraw(rng), treated, post, unit: `u${unit}` };
    });
    const d = time(() => fitCausalModel("y ~ treated * post", did, { method: "did", cluster: "unit" }));
    push("DiD (CR1 by unit)", `${n} rows`, d, `effect ${d.value.effect.estimate.toFixed(3)} (true 0.2)`);
  }
  {
    const n = 10_000;
    const rng = createRng("bootstrap");
    const data = Array.from({ length: n }, () => {
      const x = normalDraw(rng);
      return { y: 1 + 2 * x + normalDraw(rng), x };
    });
    const r = time(() => bootstrapRegression("y ~ x", data, { rng: createRng("bootstrap-draws"), replicates: 1000 }));
    push("bootstrap lm y ~ x, 1,000 replicates", `${n} rows`, r, `se(x) ${r.value.rows[1]!.std_error.toFixed(4)}`);
    const b = data.map((row) => ({ b: rng() < 1 / (1 + Math.exp(-(0.3 + row.x))) ? 1 : 0, x: row.x }));
    const l = time(() => bootstrapRegression("b ~ x", b, { rng: createRng("bootstrap-draws"), replicates: 1000, family: "binomial" }));
    push("bootstrap logistic b ~ x, 1,000 replicates", `${n} rows`, l, `se(x) ${l.value.rows[1]!.std_error.toFixed(4)}`);
  }
  for (const [n, groups] of [
    [10_000, 100],
    [10_000, 1000],
    [100_000, 1000],
  ] as const) {
    const rng = createRng(`bootstrap-lmm-${n}-${groups}`);
    const b0 = Array.from({ length: groups }, () => 5 * normalDraw(rng));
    const b1 = Array.from({ length: groups }, () => normalDraw(rng));
    const data = Array.from({ length: n }, (_, i) => {
      const x = normalDraw(rng);
      const g = i % groups;
      return { y: 10 + 2 * x + b0[g]! + b1[g]! * x + 3 * normalDraw(rng), x, g: `g${g}` };
    });
    const r = time(() => bootstrapLinearMixedModel("y ~ x + (x | g)", data, { rng: createRng("bootstrap-lmm-draws"), replicates: 1000 }));
    push("cluster bootstrap lmer y ~ x + (x | g), 1,000 replicates", `${n} rows, ${groups} groups`, r, `se(x) ${r.value.rows[1]!.std_error.toFixed(4)}`);
  }
  {
    const n = 10_000;
    const rng = createRng("gibbs");
    const b = Array.from({ length: 100 }, () => 2 * normalDraw(rng));
    const data = Array.from({ length: n }, (_, i) => {
      const x = normalDraw(rng);
      return { y: 1 + 0.5 * x + b[i % 100]! + normalDraw(rng), x, g: `g${i % 100}` };
    });
    const r = time(() => fitBayesianRandomIntercept("y ~ x + (1 | g)", data, { rng: createRng("gibbs-draws"), chains: 2, draws: 2000 }));
    push("Gibbs y ~ x + (1 | g), 2 x 2,000 draws", `${n} rows, 100 groups`, r, "");
  }
  console.log("Other model classes: fit time (one run each) on seeded synthetic data");
  console.table(rows);
}

if (import.meta.url === `file://${process.argv[1]}`) await runStatsBench();
