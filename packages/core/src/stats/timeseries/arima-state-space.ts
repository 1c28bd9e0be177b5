// The state-space form of an ARIMA model and its Kalman filter, as R's arima builds and runs
// them (makeARIMA, ARIMA_Like, KalmanFore in src/library/stats; Gardner, Harvey & Phillips 1980;
// Durbin & Koopman 2012 ch. 3): state = r = max(p, q + 1) ARMA components followed by the d
// lagged values of the differencing (Δ), a diffuse prior of variance κ = 1e6 on the latter, and
// observations whose innovation variance is ≥ 1e4 left out of the likelihood (the diffuse start).
// The ARMA block's initial covariance is the stationary one (R's Q0), here by the doubling
// algorithm P = Σ_k T^k V T^k'. The filter carries the full state only while some lagged value
// in it is unobserved (the first d steps, and d steps after a missing value); otherwise it runs
// the r-dimensional ARMA filter on the differenced series (arma-kalman.ts), which is the same
// recursion, so R's likelihood, residuals and forecasts are kept at O(r) cost per observation.

import { armaFilteredCovariance, armaFilterRun, armaFilterState, DIFFUSE_GAIN, type LikelihoodSums } from "./arma-kalman.js";

export interface ArimaStateSpace {
  readonly phi: Float64Array;
  /** MA coefficients padded to r − 1. */
  readonly theta: Float64Array;
  readonly delta: Float64Array;
  readonly r: number;
  readonly rd: number;
  /** Filtered state and covariance (updated by arimaFilter, used by arimaForecast). */
  a: Float64Array;
  P: Float64Array;
  /** Prior covariance of the first state. */
  readonly Pn: Float64Array;
}

/** Non-zero entries of the transition T by row (companion ARMA block, then the differencing rows). */
interface SparseTransition {
  readonly rowStart: Int32Array;
  readonly cols: Int32Array;
  readonly vals: Float64Array;
}

function sparseTransition(m: ArimaStateSpace): SparseTransition {
  const { phi, r, rd, delta } = m;
  const starts = [0];
  const cols: number[] = [];
  const vals: number[] = [];
  const push = (c: number, v: number) => {
    if (v !== 0) {
      cols.push(c);
      vals.push(v);
    }
  };
  for (let i = 0; i < rd; i++) {
    if (i < r) {
      if (i < phi.length) push(0, phi[i]!);
      if (i < r - 1) push(i + 1, 1);
    } else if (i === r) {
      push(0, 1);
      for (let k = 0; k < delta.length; k++) push(r + k, delta[k]!);
    } else {
      push(i - 1, 1);
    }
    starts.push(cols.length);
  }
  return { rowStart: Int32Array.from(starts), cols: Int32Array.from(cols), vals: Float64Array.from(vals) };
}

/** a_out = T a. */
function transitionState(m: ArimaStateSpace, a: Float64Array, out: Float64Array): void {
  const { phi, r, rd, delta } = m;
  const p = phi.length;
  const a0 = a[0]!;
  for (let i = 0; i < r; i++) out[i] = (i < r - 1 ? a[i + 1]! : 0) + (i < p ? phi[i]! * a0 : 0);
  if (rd > r) {
    let tmp = a0;
    for (let i = 0; i < delta.length; i++) tmp += delta[i]! * a[r + i]!;
    for (let i = rd - 1; i > r; i--) out[i] = a[i - 1]!;
    out[r] = tmp;
  }
}

/** P_out <- T P T' + V (V = (1, θ)(1, θ)' in the ARMA block), through the sparse rows of T. */
function predictCovariance(m: ArimaStateSpace, T: SparseTransition, P: Float64Array, out: Float64Array, work: Float64Array): void {
  const { rd, r, theta } = m;
  const { rowStart, cols, vals } = T;
  // work = T P
  for (let i = 0; i < rd; i++) {
    const oi = i * rd;
    for (let c = 0; c < rd; c++) work[oi + c] = 0;
    for (let k = rowStart[i]!; k < rowStart[i + 1]!; k++) {
      const ok = cols[k]! * rd;
      const v = vals[k]!;
      for (let c = 0; c < rd; c++) work[oi + c]! += v * P[ok + c]!;
    }
  }
  // out = work T' (symmetric: the upper triangle, mirrored)
  for (let i = 0; i < rd; i++) {
    const oi = i * rd;
    for (let j = i; j < rd; j++) {
      let s = 0;
      for (let k = rowStart[j]!; k < rowStart[j + 1]!; k++) s += work[oi + cols[k]!]! * vals[k]!;
      out[oi + j] = s;
    }
  }
  const q = theta.length;
  for (let i = 0; i <= q && i < r; i++) {
    const vi = i === 0 ? 1 : theta[i - 1]!;
    for (let j = i; j <= q && j < r; j++) out[i * rd + j]! += vi * (j === 0 ? 1 : theta[j - 1]!);
  }
  for (let i = 0; i < rd; i++) for (let j = 0; j < i; j++) out[i * rd + j] = out[j * rd + i]!;
}

/** Stationary covariance of the ARMA state (R: getQ0), by doubling: P = Σ_k T^k V T^k'. */
export function stationaryCovariance(phi: ArrayLike<number>, theta: ArrayLike<number>, r: number): Float64Array {
  const p = phi.length;
  const T = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    if (i < p) T[i * r] = phi[i]!;
    if (i < r - 1) T[i * r + i + 1] = 1;
  }
  const R = Float64Array.from({ length: r }, (_, i) => (i === 0 ? 1 : i - 1 < theta.length ? theta[i - 1]! : 0));
  let P = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) P[i * r + j] = R[i]! * R[j]!;
  let A = T;
  const mul = (X: Float64Array, Y: Float64Array, transY = false) => {
    const out = new Float64Array(r * r);
    for (let i = 0; i < r; i++) {
      for (let k = 0; k < r; k++) {
        const x = X[i * r + k]!;
        if (x === 0) continue;
        for (let j = 0; j < r; j++) out[i * r + j]! += x * (transY ? Y[j * r + k]! : Y[k * r + j]!);
      }
    }
    return out;
  };
  for (let it = 0; it < 200; it++) {
    let norm = 0;
    for (let i = 0; i < r * r; i++) norm = Math.max(norm, Math.abs(A[i]!));
    if (norm < 1e-300) break;
    const APA = mul(mul(A, P), A, true);
    let change = 0;
    let scale = 0;
    for (let i = 0; i < r * r; i++) {
      change = Math.max(change, Math.abs(APA[i]!));
      scale = Math.max(scale, Math.abs(P[i]!));
      P[i]! += APA[i]!;
    }
    if (change <= 1e-17 * scale) break;
    A = mul(A, A);
  }
  P = P.map((v, i) => 0.5 * (v + P[(i % r) * r + Math.floor(i / r)]!));
  return P;
}

/** Builds the state-space model (R: makeARIMA with kappa = 1e6, SSinit "Gardner1980"). */
export function makeArimaStateSpace(phi: Float64Array, theta: Float64Array, delta: Float64Array, kappa = 1e6): ArimaStateSpace {
  const p = phi.length;
  const q = theta.length;
  const r = Math.max(p, q + 1);
  const d = delta.length;
  const rd = r + d;
  const thetaPadded = new Float64Array(r - 1);
  thetaPadded.set(theta.subarray(0, Math.min(q, r - 1)));
  const Pn = new Float64Array(rd * rd);
  if (r > 1) {
    const Q0 = stationaryCovariance(phi, thetaPadded, r);
    for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) Pn[i * rd + j] = Q0[i * r + j]!;
  } else {
    Pn[0] = p > 0 ? 1 / (1 - phi[0]! * phi[0]!) : 1;
  }
  for (let i = 0; i < d; i++) Pn[(r + i) * rd + r + i] = kappa;
  return { phi, theta: thetaPadded, delta, r, rd, a: new Float64Array(rd), P: new Float64Array(rd * rd), Pn };
}

export interface ArimaFilterResult {
  /** Σ v_t² / F_t, Σ log F_t and the number of observations used (R: ARIMA_Like's ssq, sumlog, nu). */
  readonly ssq: number;
  readonly sumlog: number;
  readonly nu: number;
  /** Standardised innovations v_t / sqrt(F_t) (R: residuals(fit)); NaN for missing y. */
  readonly residuals: Float64Array;
}

/**
 * Runs the Kalman filter over y from the prior (R: ARIMA_Like(y, mod, 0, TRUE)); leaves the final
 * state in the model. Whenever the d lagged values in the state are observed (after the first d
 * observations, and d steps after a missing value) their conditional variance is zero, so the
 * filter is that of the ARMA block alone applied to the differenced observation
 * w_t = y_t − Σ Δ_i y_{t−i} (arma-kalman.ts, with its steady-state gain); the full state is used
 * only for the other steps. Standardised innovations are returned when `residuals` is true.
 */
export function arimaFilter(y: ArrayLike<number>, m: ArimaStateSpace, residuals = true): ArimaFilterResult {
  const { r, rd, delta, phi } = m;
  const d = delta.length;
  const n = y.length;
  const sums: LikelihoodSums = { ssq: 0, sumlog: 0, nu: 0, residuals: residuals ? new Float64Array(n) : null };
  const res = sums.residuals;
  if (d === 0) {
    const Q0 = m.Pn;
    const st = armaFilterState(phi, m.theta, r, new Float64Array(r), Q0, true);
    armaFilterRun(st, y, 0, true, sums);
    m.a = Float64Array.from(st.a);
    m.P = armaFilteredCovariance(st);
    return { ssq: sums.ssq, sumlog: sums.sumlog, nu: sums.nu, residuals: res ?? new Float64Array(0) };
  }
  const lags: number[] = [];
  for (let i = 0; i < d; i++) if (delta[i] !== 0) lags.push(i);
  const w = new Float64Array(n).fill(NaN);
  for (let t = d; t < n; t++) {
    let v = y[t]!;
    for (const i of lags) v -= delta[i]! * y[t - i - 1]!;
    w[t] = v;
  }
  const T = sparseTransition(m);
  let a = new Float64Array(rd);
  let anew = new Float64Array(rd);
  let P = new Float64Array(rd * rd);
  let Pnew = new Float64Array(rd * rd);
  const M = new Float64Array(rd);
  const work = new Float64Array(rd * rd);
  let lastMissing = -1;
  let l = 0;
  while (l < n) {
    if (l >= d && lastMissing < l - d && !Number.isNaN(y[l]!)) {
      // The lagged values are known: ARMA block only, until the next missing value.
      const PA = new Float64Array(r * r);
      for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) PA[i * r + j] = P[i * rd + j]!;
      const st = armaFilterState(phi, m.theta, r, a.subarray(0, r), PA);
      const stop = armaFilterRun(st, w, l, false, sums);
      // Back to the full filtered state of step stop − 1: ARMA block, lagged y's, zero variance for them.
      a.fill(0);
      a.set(st.a);
      for (let i = 0; i < d; i++) a[r + i] = y[stop - 2 - i]!;
      P.fill(0);
      const PF = armaFilteredCovariance(st);
      for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) P[i * rd + j] = PF[i * r + j]!;
      l = stop;
      continue;
    }
    if (l > 0) {
      transitionState(m, a, anew);
      predictCovariance(m, T, P, Pnew, work);
    } else {
      anew.fill(0);
      Pnew.set(m.Pn);
    }
    const yl = y[l]!;
    if (!Number.isNaN(yl)) {
      let resid = yl - anew[0]!;
      for (let i = 0; i < d; i++) resid -= delta[i]! * anew[r + i]!;
      for (let i = 0; i < rd; i++) {
        let tmp = Pnew[i * rd]!;
        for (let j = 0; j < d; j++) tmp += Pnew[i * rd + r + j]! * delta[j]!;
        M[i] = tmp;
      }
      let gain = M[0]!;
      for (let j = 0; j < d; j++) gain += delta[j]! * M[r + j]!;
      if (gain < DIFFUSE_GAIN) {
        sums.nu++;
        sums.ssq += (resid * resid) / gain;
        sums.sumlog += Math.log(gain);
      }
      if (res) res[l] = resid / Math.sqrt(gain);
      for (let i = 0; i < rd; i++) a[i] = anew[i]! + (M[i]! * resid) / gain;
      for (let i = 0; i < rd; i++) {
        const mi = M[i]! / gain;
        for (let j = i; j < rd; j++) {
          const v = Pnew[i * rd + j]! - mi * M[j]!;
          P[i * rd + j] = v;
          P[j * rd + i] = v;
        }
      }
    } else {
      lastMissing = l;
      [a, anew] = [anew, a];
      [P, Pnew] = [Pnew, P];
      if (res) res[l] = NaN;
    }
    l++;
  }
  m.a = a;
  m.P = P;
  return { ssq: sums.ssq, sumlog: sums.sumlog, nu: sums.nu, residuals: res ?? new Float64Array(0) };
}

/** h-step forecasts and their variances in units of σ² from the filtered state (R: KalmanForecast). */
export function arimaForecast(nAhead: number, m: ArimaStateSpace): { mean: Float64Array; variance: Float64Array } {
  const { rd, r, delta } = m;
  const d = delta.length;
  const T = sparseTransition(m);
  let a = Float64Array.from(m.a);
  let anew = new Float64Array(rd);
  let P = Float64Array.from(m.P);
  let Pnew = new Float64Array(rd * rd);
  const w1 = new Float64Array(rd * rd);
  const Z = new Float64Array(rd);
  Z[0] = 1;
  for (let i = 0; i < d; i++) Z[r + i] = delta[i]!;
  const mean = new Float64Array(nAhead);
  const variance = new Float64Array(nAhead);
  for (let h = 0; h < nAhead; h++) {
    transitionState(m, a, anew);
    [a, anew] = [anew, a];
    let fc = 0;
    for (let i = 0; i < rd; i++) fc += Z[i]! * a[i]!;
    mean[h] = fc;
    predictCovariance(m, T, P, Pnew, w1);
    [P, Pnew] = [Pnew, P];
    let v = 0;
    for (let i = 0; i < rd; i++) for (let j = 0; j < rd; j++) v += Z[i]! * P[i * rd + j]! * Z[j]!;
    variance[h] = v;
  }
  return { mean, variance };
}
