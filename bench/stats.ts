// Statistical-model benchmark: fit time of a random intercept + slope model `y ~ x + (x | g)`
// (REML, lme4's algorithm) and of OLS `y ~ x` on seeded synthetic data with 1,000 groups, at
// 10K, 100K and 1M rows. Prints tables; asserts nothing. BENCH_STATS_ROWS=10000,100000 limits sizes.
import { createRng, normalDraw } from "../packages/core/src/random/rng.js";
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
}

if (import.meta.url === `file://${process.argv[1]}`) await runStatsBench();
