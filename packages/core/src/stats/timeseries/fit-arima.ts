// ARIMA(p, d, q)(P, D, Q)_s with regressors by exact maximum likelihood, as R's
// arima(x, order, seasonal, xreg, include.mean) computes it: the Kalman-filter likelihood of
// arima-state-space.ts concentrated in σ² (objective ½[log(ssq/ν) + Σ log F_t / ν]), AR parts
// kept stationary through partrans, starting values 0 for ARMA terms and least squares on the
// differenced data for regressors (R then refines by CSS first; the ML optimum is the same),
// standard errors from the Hessian exactly as R forms it (central differences of central
// differences with ndeps = 1e-3, parscale 10·se for regressors, the forward-difference Jacobian
// of partrans), logLik / AIC as R (σ² counts as a parameter), and forecasts with standard
// errors as predict.Arima (KalmanForecast) plus normal intervals.

import { ConvergenceError, InvalidArgumentError } from "../../errors.js";
import { normalUpperQuantile } from "../../power/distributions/normal.js";
import { householderQr, qrQty, qrSolveUpper, qrUnscaledCovariance } from "../linear/householder-qr.js";
import { backwardSolveTransposed, choleskyInPlace, forwardSolve } from "../matrix/dense-cholesky.js";
import { boundedNelderMead } from "../optimize/bounded-nelder-mead.js";
import { newtonPolish } from "../optimize/newton-polish.js";
import { differencingDelta, expandPolynomials, gradTrans, undoPars, type ArimaOrders } from "./arima-parameters.js";
import { arimaFilter, arimaForecast, makeArimaStateSpace } from "./arima-state-space.js";

export interface ArimaOptions {
  /** [p, d, q]. */
  readonly order: readonly [number, number, number];
  readonly seasonal?: { readonly order: readonly [number, number, number]; readonly period: number };
  /** Regressors (R: xreg), by column, with their names. */
  readonly xreg?: { readonly names: readonly string[]; readonly columns: readonly ArrayLike<number>[] };
  /** Intercept ("intercept"); default true when d + D = 0, as R. */
  readonly includeMean?: boolean;
  /** Forecast horizon (R: predict(fit, n.ahead)); future regressors by column when xreg is given. */
  readonly forecast?: { readonly horizon: number; readonly xreg?: readonly ArrayLike<number>[]; readonly level?: number };
}

export interface ArimaCoefficient {
  readonly term: string;
  readonly estimate: number;
  readonly std_error: number;
}

export interface ArimaForecastRow {
  readonly step: number;
  readonly estimate: number;
  readonly std_error: number;
  readonly lower: number;
  readonly upper: number;
}

export interface ArimaFit {
  readonly coefficients: ArimaCoefficient[];
  /** Covariance of the coefficients (R: fit$var.coef). */
  readonly covariance: Float64Array[];
  readonly sigma2: number;
  readonly log_likelihood: number;
  readonly aic: number;
  readonly bic: number;
  /** Observations used: non-missing minus the differencing order (R: nobs(fit), n.used). */
  readonly nobs: number;
  /** Standardised innovations (R: residuals(fit)). */
  readonly residuals: Float64Array;
  readonly forecasts: ArimaForecastRow[];
  readonly optimizer: { readonly evaluations: number; readonly converged: boolean };
}

function checkOrder(v: readonly number[] | undefined, what: string): void {
  if (!v || v.length !== 3 || !v.every((x) => Number.isInteger(x) && x >= 0)) {
    throw new InvalidArgumentError(`${what} must be three non-negative integers [p, d, q]`, `time_structure.${what}`);
  }
}

/** Fits an ARIMA model by exact ML (R: arima(x, order, seasonal, xreg, include.mean, method = "CSS-ML")). */
export function fitArima(series: ArrayLike<number>, options: ArimaOptions): ArimaFit {
  checkOrder(options.order, "order");
  if (options.seasonal) {
    checkOrder(options.seasonal.order, "seasonal.order");
    if (!Number.isInteger(options.seasonal.period) || options.seasonal.period < 1) {
      throw new InvalidArgumentError("seasonal.period must be a positive integer", "time_structure.seasonal.period");
    }
  }
  const [p, d, q] = options.order;
  const [P, D, Q] = options.seasonal?.order ?? [0, 0, 0];
  const period = options.seasonal?.period ?? 1;
  const o: ArimaOrders = { p, d, q, P, D, Q, period };
  const x = Float64Array.from(series);
  const n = x.length;
  const delta = differencingDelta(o);
  const includeMean = options.includeMean ?? d + D === 0;
  if (includeMean && d + D > 0) throw new InvalidArgumentError("an intercept is not identifiable with differencing (d + D > 0)", "time_structure");
  const xregNames: string[] = [];
  const xregCols: Float64Array[] = [];
  if (includeMean) {
    xregNames.push("intercept");
    xregCols.push(new Float64Array(n).fill(1));
  }
  for (const [i, c] of (options.xreg?.columns ?? []).entries()) {
    if (c.length !== n) throw new InvalidArgumentError("every regressor needs one value per observation", "xreg");
    xregNames.push(options.xreg!.names[i] ?? `xreg${i + 1}`);
    xregCols.push(Float64Array.from(c));
  }
  const ncx = xregCols.length;
  const narma = p + q + P + Q;
  const nUsed = [...x].filter((v) => !Number.isNaN(v)).length - delta.length;
  if (nUsed <= narma + ncx) throw new InvalidArgumentError(`too few non-missing observations (${nUsed}) for ${narma + ncx} coefficients`, "rows");

  // Regressor starting values and scales: least squares on the differenced data (R: lm(dx ~ dxreg - 1)).
  const beta0 = new Float64Array(ncx);
  const parscale = new Float64Array(narma + ncx).fill(1);
  if (ncx > 0) {
    const diffed = (v: Float64Array) => {
      let w = Float64Array.from(v);
      for (let i = 0; i < d; i++) w = w.subarray(1).map((val, t) => val - w[t]!);
      for (let i = 0; i < D; i++) w = w.subarray(period).map((val, t) => val - w[t]!);
      return w;
    };
    const dx = diffed(x);
    const dX = xregCols.map(diffed);
    const ok = [...dx.keys()].filter((i) => !Number.isNaN(dx[i]!) && dX.every((c) => !Number.isNaN(c[i]!)));
    const qr = householderQr(dX.map((c) => Float64Array.from(ok, (i) => c[i]!)));
    if (qr.rank < ncx) throw new InvalidArgumentError("the regressors are linearly dependent", "xreg");
    const y = Float64Array.from(ok, (i) => dx[i]!);
    const b = qrSolveUpper(qr, qrQty(qr, Float64Array.from(y)));
    let rss = 0;
    for (let t = 0; t < ok.length; t++) {
      let f = 0;
      for (let j = 0; j < ncx; j++) f += dX[qr.pivot[j]!]![ok[t]!]! * b[j]!;
      rss += (y[t]! - f) ** 2;
    }
    const s2 = rss / (ok.length - ncx);
    const cov = qrUnscaledCovariance(qr);
    for (let j = 0; j < ncx; j++) {
      beta0[qr.pivot[j]!] = b[j]!;
      parscale[narma + qr.pivot[j]!] = 10 * Math.sqrt(s2 * cov[j]![j]!);
    }
  }

  const adjusted = new Float64Array(n);
  // R's armafn: 0.5 * (log(ssq / nu) + sumlog / nu).
  const objective = (raw: Float64Array): number => {
    const pars = undoPars(raw, o);
    const { phi, theta } = expandPolynomials(pars, o);
    for (let t = 0; t < n; t++) {
      let v = x[t]!;
      for (let j = 0; j < ncx; j++) v -= xregCols[j]![t]! * raw[narma + j]!;
      adjusted[t] = v;
    }
    const f = arimaFilter(adjusted, makeArimaStateSpace(phi, theta, delta), false);
    if (f.nu === 0 || !(f.ssq > 0)) return Infinity;
    const v = 0.5 * (Math.log(f.ssq / f.nu) + f.sumlog / f.nu);
    return Number.isFinite(v) ? v : Infinity;
  };
  const raw0 = new Float64Array(narma + ncx);
  raw0.set(beta0, narma);
  const scaled = (z: Float64Array) => Float64Array.from(z, (zi, i) => raw0[i]! + parscale[i]! * zi);
  const fz = (z: Float64Array) => objective(scaled(z));
  const lower = new Float64Array(narma + ncx).fill(-Infinity);
  const nm = boundedNelderMead(fz, new Float64Array(narma + ncx), { step: 0.1, ftolRel: 1e-15, ftolAbs: 1e-12 });
  const pol = newtonPolish(fz, nm.x, nm.f, lower, 4);
  const rawHat = scaled(pol.x);
  const value = objective(rawHat);
  if (!Number.isFinite(value)) throw new ConvergenceError("arima: the likelihood is not finite at the optimum");

  // Hessian in the optimisation coordinates as R's optimhess (outer step ndeps = 1e-3, inner 1e-3 * parscale).
  const np = narma + ncx;
  const grad = (at: Float64Array): Float64Array =>
    Float64Array.from({ length: np }, (_, j) => {
      const h = 1e-3 * parscale[j]!;
      const up = Float64Array.from(at);
      const dn = Float64Array.from(at);
      up[j]! += h;
      dn[j]! -= h;
      return (objective(up) - objective(dn)) / (2 * h);
    });
  const H = new Float64Array(np * np);
  for (let i = 0; i < np; i++) {
    const up = Float64Array.from(rawHat);
    const dn = Float64Array.from(rawHat);
    up[i]! += 1e-3;
    dn[i]! -= 1e-3;
    const g1 = grad(up);
    const g2 = grad(dn);
    for (let j = 0; j < np; j++) H[i * np + j] = (g1[j]! - g2[j]!) / (2e-3);
  }
  for (let i = 0; i < np; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (H[i * np + j]! + H[j * np + i]!);
      H[i * np + j] = v;
      H[j * np + i] = v;
    }
  }
  for (let i = 0; i < np * np; i++) H[i]! *= nUsed;
  if (!choleskyInPlace(H, np)) throw new ConvergenceError("arima: the Hessian is not positive definite (no standard errors)");
  const A = gradTrans(rawHat, o, np);
  // var = A' H^{-1} A
  const Hinv = new Float64Array(np * np);
  for (let i = 0; i < np; i++) Hinv[i * np + i] = 1;
  forwardSolve(H, np, Hinv, np);
  backwardSolveTransposed(H, np, Hinv, np);
  const covariance = Array.from({ length: np }, (_, a) =>
    Float64Array.from({ length: np }, (_, b) => {
      let s = 0;
      for (let i = 0; i < np; i++) for (let j = 0; j < np; j++) s += A[i]![a]! * Hinv[i * np + j]! * A[j]![b]!;
      return s;
    }),
  );
  const coef = Float64Array.from(rawHat);
  coef.set(undoPars(rawHat, o).subarray(0, narma), 0);
  const names = [
    ...Array.from({ length: p }, (_, i) => `ar${i + 1}`),
    ...Array.from({ length: q }, (_, i) => `ma${i + 1}`),
    ...Array.from({ length: P }, (_, i) => `sar${i + 1}`),
    ...Array.from({ length: Q }, (_, i) => `sma${i + 1}`),
    ...xregNames,
  ];
  const coefficients = names.map((term, i) => ({ term, estimate: coef[i]!, std_error: Math.sqrt(covariance[i]![i]!) }));

  // Final filter at the estimates: σ², residuals and the state for forecasting.
  const { phi, theta } = expandPolynomials(coef, o);
  const model = makeArimaStateSpace(phi, theta, delta);
  const adj = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let v = x[t]!;
    for (let j = 0; j < ncx; j++) v -= xregCols[j]![t]! * coef[narma + j]!;
    adj[t] = v;
  }
  const filt = arimaFilter(adj, model);
  const sigma2 = filt.ssq / nUsed;
  const dev = 2 * nUsed * value + nUsed + nUsed * Math.log(2 * Math.PI);
  const log_likelihood = -0.5 * dev;
  const k = np + 1;

  const forecasts: ArimaForecastRow[] = [];
  if (options.forecast) {
    const h = options.forecast.horizon;
    if (!Number.isInteger(h) || h < 1) throw new InvalidArgumentError("forecast horizon must be a positive integer", "options.forecast_horizon");
    const level = options.forecast.level ?? 0.95;
    const future = options.forecast.xreg ?? [];
    if (future.length !== (options.xreg?.columns.length ?? 0) || future.some((c) => c.length < h)) {
      throw new InvalidArgumentError("forecasting with regressors needs their future values for every step", "options.forecast_xreg");
    }
    const fc = arimaForecast(h, model);
    const z = normalUpperQuantile((1 - level) / 2);
    for (let s = 0; s < h; s++) {
      let xm = 0;
      let j = 0;
      if (includeMean) xm += coef[narma + j++]!;
      for (const c of future) xm += c[s]! * coef[narma + j++]!;
      const est = fc.mean[s]! + xm;
      const se = Math.sqrt(fc.variance[s]! * sigma2);
      forecasts.push({ step: s + 1, estimate: est, std_error: se, lower: est - z * se, upper: est + z * se });
    }
  }
  return {
    coefficients,
    covariance,
    sigma2,
    log_likelihood,
    aic: dev + 2 * k,
    bic: dev + Math.log(nUsed) * k,
    nobs: nUsed,
    residuals: filt.residuals,
    forecasts,
    optimizer: { evaluations: nm.evaluations + pol.evaluations, converged: nm.converged },
  };
}
