// The local-level model y_t = μ_t + ε_t, μ_t = μ_{t−1} + η_t (ε ~ N(0, σ²_ε), η ~ N(0, σ²_η))
// with both variances by maximum likelihood, as R's StructTS(x, type = "level") fits it
// (src/library/stats/R/StructTS.R, KalmanLike / KalmanRun / KalmanSmooth / KalmanForecast in
// src/library/stats/src/arima.c; Durbin & Koopman 2012 ch. 2):
//   - the state starts at a_0 = y_1 with the large-but-finite prior P_0 = 10⁶·var(y)/100 (R's
//     "diffuse" start), and the first prediction step already adds σ²_η (KalmanLike nit = −1);
//   - every non-missing observation enters the likelihood, including the first, so
//     logLik = −½ Σ (v_t²/F_t + log F_t) − ½ n log 2π, as R's fit$loglik (n non-missing y);
//   - variances are optimised on the scale var(y)/100 from (1, 1) within [0, ∞), here by the
//     bounded Nelder–Mead simplex plus a Newton polish (R: optim L-BFGS-B; same optimum);
//   - filtered level a_{t|t} (R: fitted(fit)), smoothed level by the fixed-interval smoother
//     from the same prior (R: tsSmooth(fit)), and forecasts a_{n|n} with variance
//     P_{n|n} + hσ²_η + σ²_ε (R: predict(fit, n.ahead)) plus normal intervals.
// The ARIMA state space in arima-state-space.ts has no observation-noise term and drops
// innovations with F_t ≥ 10⁴ (its diffuse convention), so this scalar filter is separate.

import { InvalidArgumentError } from "../../errors.js";
import { normalUpperQuantile } from "../../power/distributions/normal.js";
import { boundedNelderMead } from "../optimize/bounded-nelder-mead.js";
import { newtonPolish } from "../optimize/newton-polish.js";

export interface LocalLevelOptions {
  /** Forecast horizon (R: predict(fit, n.ahead)). */
  readonly horizon?: number;
  /** Level of the forecast intervals (default 0.95). */
  readonly level?: number;
}

export interface LocalLevelForecastRow {
  readonly step: number;
  readonly estimate: number;
  readonly std_error: number;
  readonly lower: number;
  readonly upper: number;
}

export interface LocalLevelFit {
  /** σ²_η (R: coef(fit)["level"]). */
  readonly sigma2_level: number;
  /** σ²_ε (R: coef(fit)["epsilon"]). */
  readonly sigma2_irregular: number;
  /** R's fit$loglik: −½ Σ (v²/F + log F) − ½ n log 2π over all non-missing y. */
  readonly log_likelihood: number;
  /** Non-missing observations. */
  readonly nobs: number;
  /** Filtered level a_{t|t} (R: fitted(fit)). */
  readonly filtered: Float64Array;
  /** Smoothed level (R: tsSmooth(fit)). */
  readonly smoothed: Float64Array;
  /** Standardised innovations v_t / √F_t (R: residuals(fit)); NaN where y is missing. */
  readonly residuals: Float64Array;
  readonly forecasts: LocalLevelForecastRow[];
  readonly optimizer: { readonly evaluations: number; readonly converged: boolean };
}

interface FilterPass {
  ssq: number;
  sumlog: number;
  nu: number;
  /** Predicted state and variance a_{t|t−1}, P_{t|t−1}, innovation v_t and its variance F_t. */
  aPred?: Float64Array;
  pPred?: Float64Array;
  v?: Float64Array;
  F?: Float64Array;
  aFilt?: Float64Array;
  pFilt?: Float64Array;
}

/** Scalar Kalman filter of the local-level model from a_0, P_0 (R: KalmanLike / KalmanRun with nit = −1). */
function filterLocalLevel(y: Float64Array, q: number, h: number, a0: number, p0: number, keep: boolean): FilterPass {
  const n = y.length;
  const out: FilterPass = { ssq: 0, sumlog: 0, nu: 0 };
  if (keep) {
    out.aPred = new Float64Array(n);
    out.pPred = new Float64Array(n);
    out.v = new Float64Array(n);
    out.F = new Float64Array(n);
    out.aFilt = new Float64Array(n);
    out.pFilt = new Float64Array(n);
  }
  let a = a0;
  let P = p0;
  for (let t = 0; t < n; t++) {
    const pNew = P + q;
    const yt = y[t]!;
    if (keep) {
      out.aPred![t] = a;
      out.pPred![t] = pNew;
    }
    if (Number.isNaN(yt)) {
      P = pNew;
      if (keep) {
        out.v![t] = NaN;
        out.F![t] = NaN;
      }
    } else {
      const v = yt - a;
      const F = pNew + h;
      out.nu++;
      out.ssq += (v * v) / F;
      out.sumlog += Math.log(F);
      a += (pNew * v) / F;
      P = pNew - (pNew * pNew) / F;
      if (keep) {
        out.v![t] = v;
        out.F![t] = F;
      }
    }
    if (keep) {
      out.aFilt![t] = a;
      out.pFilt![t] = P;
    }
  }
  return out;
}

/** Fits the local-level model by ML (R: StructTS(x, type = "level")); NaN marks a missing value. */
export function fitLocalLevel(series: ArrayLike<number>, options: LocalLevelOptions = {}): LocalLevelFit {
  const y = Float64Array.from(series);
  const n = y.length;
  if (n < 3) throw new InvalidArgumentError("the local-level model needs at least 3 observations", "rows");
  if (Number.isNaN(y[0]!)) throw new InvalidArgumentError("the first value of the series must not be missing (R: StructTS)", "rows");
  let mean = 0;
  let m = 0;
  for (const v of y) {
    if (Number.isNaN(v)) continue;
    if (!Number.isFinite(v)) throw new InvalidArgumentError("the series must be finite", "rows");
    m++;
    mean += (v - mean) / m;
  }
  let ss = 0;
  for (const v of y) if (!Number.isNaN(v)) ss += (v - mean) ** 2;
  const vx = ss / (m - 1) / 100;
  if (!(vx > 0)) throw new InvalidArgumentError("the series is constant", "rows");
  const a0 = y[0]!;
  const p0 = 1e6 * vx;
  // R's objective: ½ (ssq + sumlog) / n with parameters on the scale vx.
  const objective = (par: Float64Array) => {
    const q = par[0]! * vx;
    const h = par[1]! * vx;
    if (q === 0 && h === 0) return 1000;
    const r = filterLocalLevel(y, q, h, a0, p0, false);
    return (0.5 * (r.ssq + r.sumlog)) / n;
  };
  const lower = [0, 0];
  const nm = boundedNelderMead(objective, [1, 1], { lower, ftolRel: 1e-15, ftolAbs: 1e-12, xtol: 1e-10, maxEvaluations: 20_000, maxRestarts: 5 });
  const polished = newtonPolish(objective, nm.x, nm.f, lower, 3);
  const par = polished.f <= nm.f ? polished.x : nm.x;
  const value = Math.min(polished.f, nm.f);
  const sigma2Level = Math.max(0, par[0]! * vx);
  const sigma2Irregular = Math.max(0, par[1]! * vx);
  const run = filterLocalLevel(y, sigma2Level, sigma2Irregular, a0, p0, true);
  const filtered = run.aFilt!;
  const residuals = Float64Array.from(run.v!, (v, t) => v / Math.sqrt(run.F![t]!));
  // Fixed-interval smoother (Durbin & Koopman 2012 §2.4): r_{t−1} = v_t/F_t + L_t r_t, α̂_t = a_t + P_t r_{t−1}.
  const smoothed = new Float64Array(n);
  let r = 0;
  for (let t = n - 1; t >= 0; t--) {
    const F = run.F![t]!;
    if (!Number.isNaN(F)) {
      const L = 1 - run.pPred![t]! / F;
      r = run.v![t]! / F + L * r;
    }
    smoothed[t] = run.aPred![t]! + run.pPred![t]! * r;
  }
  const forecasts: LocalLevelForecastRow[] = [];
  const horizon = options.horizon ?? 0;
  if (horizon > 0) {
    const z = normalUpperQuantile((1 - (options.level ?? 0.95)) / 2);
    const aN = filtered[n - 1]!;
    let P = run.pFilt![n - 1]!;
    for (let h = 1; h <= horizon; h++) {
      P += sigma2Level;
      const se = Math.sqrt(P + sigma2Irregular);
      forecasts.push({ step: h, estimate: aN, std_error: se, lower: aN - z * se, upper: aN + z * se });
    }
  }
  return {
    sigma2_level: sigma2Level,
    sigma2_irregular: sigma2Irregular,
    log_likelihood: -n * value - 0.5 * run.nu * Math.log(2 * Math.PI),
    nobs: run.nu,
    filtered,
    smoothed,
    residuals,
    forecasts,
    optimizer: { evaluations: nm.evaluations + polished.evaluations, converged: nm.converged },
  };
}
