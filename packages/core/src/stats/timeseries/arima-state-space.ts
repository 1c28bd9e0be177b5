// The state-space form of an ARIMA model and its Kalman filter, as R's arima builds and runs
// them (makeARIMA, ARIMA_Like, KalmanFore in src/library/stats; Gardner, Harvey & Phillips 1980;
// Durbin & Koopman 2012 ch. 3): state = r = max(p, q + 1) ARMA components followed by the d
// lagged values of the differencing (Δ), a diffuse prior of variance κ = 1e6 on the latter, and
// observations whose innovation variance is ≥ 1e4 left out of the likelihood (the diffuse start).
// The ARMA block's initial covariance is the stationary one (R's Q0), here by the doubling
// algorithm P = Σ_k T^k V T^k'.

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

/** T M for the ARIMA transition T (rd x rd row-major), exploiting its companion structure. */
function transitionTimes(m: ArimaStateSpace, M: Float64Array, out: Float64Array): void {
  const { phi, r, rd, delta } = m;
  const p = phi.length;
  const d = delta.length;
  for (let i = 0; i < r; i++) {
    const oi = i * rd;
    for (let c = 0; c < rd; c++) {
      let s = i < p ? phi[i]! * M[c]! : 0;
      if (i < r - 1) s += M[(i + 1) * rd + c]!;
      out[oi + c] = s;
    }
  }
  if (d > 0) {
    for (let c = 0; c < rd; c++) {
      let s = M[c]!;
      for (let k = 0; k < d; k++) s += delta[k]! * M[(r + k) * rd + c]!;
      out[r * rd + c] = s;
    }
    for (let i = 1; i < d; i++) for (let c = 0; c < rd; c++) out[(r + i) * rd + c] = M[(r + i - 1) * rd + c]!;
  }
}

function transpose(M: Float64Array, n: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = M[i * n + j]!;
}

/** P <- T P T' + V (V = (1, θ)(1, θ)' in the ARMA block). */
function predictCovariance(m: ArimaStateSpace, P: Float64Array, out: Float64Array, work: Float64Array, work2: Float64Array): void {
  transitionTimes(m, P, work);
  transpose(work, m.rd, work2);
  transitionTimes(m, work2, out);
  const q = m.theta.length;
  for (let i = 0; i <= q && i < m.r; i++) {
    const vi = i === 0 ? 1 : m.theta[i - 1]!;
    for (let j = 0; j <= q && j < m.r; j++) out[i * m.rd + j]! += vi * (j === 0 ? 1 : m.theta[j - 1]!);
  }
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

/** Runs the Kalman filter over y from the prior (R: ARIMA_Like(y, mod, 0, TRUE)); leaves the final state in the model. */
export function arimaFilter(y: ArrayLike<number>, m: ArimaStateSpace): ArimaFilterResult {
  const { r, rd, delta, phi } = m;
  const p = phi.length;
  const d = delta.length;
  const a = new Float64Array(rd);
  let P = new Float64Array(rd * rd);
  let Pnew = new Float64Array(rd * rd);
  const anew = new Float64Array(rd);
  const M = new Float64Array(rd);
  const w1 = new Float64Array(rd * rd);
  const w2 = new Float64Array(rd * rd);
  const residuals = new Float64Array(y.length);
  let ssq = 0;
  let sumlog = 0;
  let nu = 0;
  for (let l = 0; l < y.length; l++) {
    for (let i = 0; i < r; i++) {
      let tmp = i < r - 1 ? a[i + 1]! : 0;
      if (i < p) tmp += phi[i]! * a[0]!;
      anew[i] = tmp;
    }
    if (d > 0) {
      for (let i = r + 1; i < rd; i++) anew[i] = a[i - 1]!;
      let tmp = a[0]!;
      for (let i = 0; i < d; i++) tmp += delta[i]! * a[r + i]!;
      anew[r] = tmp;
    }
    if (l > 0) predictCovariance(m, P, Pnew, w1, w2);
    else Pnew.set(m.Pn);
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
      if (gain < 1e4) {
        nu++;
        ssq += (resid * resid) / gain;
        sumlog += Math.log(gain);
      }
      residuals[l] = resid / Math.sqrt(gain);
      for (let i = 0; i < rd; i++) a[i] = anew[i]! + (M[i]! * resid) / gain;
      for (let i = 0; i < rd; i++) for (let j = 0; j < rd; j++) P[i * rd + j] = Pnew[i * rd + j]! - (M[i]! * M[j]!) / gain;
    } else {
      a.set(anew);
      [P, Pnew] = [Pnew, P];
      residuals[l] = NaN;
    }
  }
  m.a = a;
  m.P = P;
  return { ssq, sumlog, nu, residuals };
}

/** h-step forecasts and their variances in units of σ² from the filtered state (R: KalmanForecast). */
export function arimaForecast(nAhead: number, m: ArimaStateSpace): { mean: Float64Array; variance: Float64Array } {
  const { rd, r, delta } = m;
  const d = delta.length;
  let a = Float64Array.from(m.a);
  let P = Float64Array.from(m.P);
  const Pnew = new Float64Array(rd * rd);
  const w1 = new Float64Array(rd * rd);
  const w2 = new Float64Array(rd * rd);
  const Z = new Float64Array(rd);
  Z[0] = 1;
  for (let i = 0; i < d; i++) Z[r + i] = delta[i]!;
  const mean = new Float64Array(nAhead);
  const variance = new Float64Array(nAhead);
  const A = new Float64Array(rd * rd);
  const aM = new Float64Array(rd * rd);
  for (let h = 0; h < nAhead; h++) {
    // a <- T a (through the structured product on a one-column embedding).
    aM.fill(0);
    for (let i = 0; i < rd; i++) aM[i * rd] = a[i]!;
    transitionTimes(m, aM, A);
    a = Float64Array.from({ length: rd }, (_, i) => A[i * rd]!);
    let fc = 0;
    for (let i = 0; i < rd; i++) fc += Z[i]! * a[i]!;
    mean[h] = fc;
    predictCovariance(m, P, Pnew, w1, w2);
    P = Float64Array.from(Pnew);
    let v = 0;
    for (let i = 0; i < rd; i++) for (let j = 0; j < rd; j++) v += Z[i]! * P[i * rd + j]! * Z[j]!;
    variance[h] = v;
  }
  return { mean, variance };
}
