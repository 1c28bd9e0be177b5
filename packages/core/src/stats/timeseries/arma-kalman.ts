// The Kalman filter of a stationary ARMA(p, q) in R's state-space form (state r = max(p, q + 1),
// transition the companion matrix of φ, disturbance loading (1, θ)), written for speed: the
// prediction T P T' + V uses the companion structure (O(r²) per step, as R's ARIMA_Like does for
// d = 0 and Gardner, Harvey & Phillips 1980, AS154), and once the predicted covariance stops
// changing the filter switches to the steady-state gain (the "fast" recursions of R's
// KalmanLike; Harvey 1989 §3.3.4), so a long series costs O(r) per observation. A missing
// value skips the update and returns the filter to the full recursions.

/** Relative change of the predicted covariance below which the filter is taken as converged. */
const STEADY_TOLERANCE = 1e-14;

/** Observations whose innovation variance reaches this are left out of the likelihood (R: ARIMA_Like). */
export const DIFFUSE_GAIN = 1e4;

/** The running filter: filtered state and covariance, and the predicted covariance of the last step. */
export interface ArmaFilterState {
  readonly r: number;
  readonly phi: Float64Array;
  /** (1, θ_1, …, θ_{r−1}). */
  readonly loading: Float64Array;
  readonly a: Float64Array;
  /** Filtered covariance, upper triangle, stride r + 1 with a zero last row and column. */
  readonly P: Float64Array;
  /** Predicted covariance, upper triangle, stride r. */
  readonly Pnew: Float64Array;
  readonly K: Float64Array;
  gain: number;
  steady: boolean;
  /** Whether Pnew holds the prediction of the step before (for the convergence test). */
  comparable: boolean;
  /** a and Pnew already hold the prediction for the next step (a prior, not a filtered state). */
  predicted: boolean;
}

/** Running sums of R's ARIMA_Like: Σ v²/F, Σ log F, the count, and the standardised innovations. */
export interface LikelihoodSums {
  ssq: number;
  sumlog: number;
  nu: number;
  readonly residuals: Float64Array | null;
}

/**
 * A filter state for ARMA(φ, θ) from the filtered state a and covariance P (r x r, row-major) of
 * the step before, or, when predicted, from the prior mean a and covariance P of the first state.
 */
export function armaFilterState(phi: ArrayLike<number>, theta: ArrayLike<number>, r: number, a: ArrayLike<number>, P: ArrayLike<number>, predicted = false): ArmaFilterState {
  const s = r + 1;
  const phiPad = new Float64Array(r);
  for (let i = 0; i < Math.min(phi.length, r); i++) phiPad[i] = phi[i]!;
  const loading = new Float64Array(r);
  loading[0] = 1;
  for (let i = 1; i < r; i++) loading[i] = theta[i - 1] ?? 0;
  const Pp = new Float64Array(s * s);
  const Pnew = new Float64Array(r * r);
  if (predicted) Pnew.set(P);
  else for (let i = 0; i < r; i++) for (let j = i; j < r; j++) Pp[i * s + j] = P[i * r + j]!;
  return { r, phi: phiPad, loading, a: Float64Array.from(a), P: Pp, Pnew, K: new Float64Array(r), gain: 0, steady: false, comparable: false, predicted };
}

/** The filtered covariance as a full r x r row-major matrix. */
export function armaFilteredCovariance(st: ArmaFilterState): Float64Array {
  const { r, P } = st;
  const s = r + 1;
  const out = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let j = i; j < r; j++) {
      out[i * r + j] = P[i * s + j]!;
      out[j * r + i] = P[i * s + j]!;
    }
  }
  return out;
}

/** Pnew <- T P T' + V from the filtered covariance; returns the largest change of an entry. */
function predictCovariance(st: ArmaFilterState): number {
  const { r, phi, loading, P, Pnew } = st;
  const s = r + 1;
  const p00 = P[0]!;
  let change = 0;
  for (let i = 0; i < r; i++) {
    const phii = phi[i]!;
    const ri = loading[i]!;
    const row1 = (i + 1) * s;
    const pi0 = P[i + 1]!;
    const oi = i * r;
    for (let j = i; j < r; j++) {
      const phij = phi[j]!;
      const v = ri * loading[j]! + phii * (phij * p00 + P[j + 1]!) + phij * pi0 + P[row1 + j + 1]!;
      const c = Math.abs(v - Pnew[oi + j]!);
      if (c > change) change = c;
      Pnew[oi + j] = v;
    }
  }
  return change;
}

/** a <- T a. */
function predictState(st: ArmaFilterState): void {
  const { r, phi, a } = st;
  const a0 = a[0]!;
  for (let i = 0; i < r - 1; i++) a[i] = a[i + 1]! + phi[i]! * a0;
  a[r - 1] = phi[r - 1]! * a0;
}

function addToSums(gain: number, v: number, sums: LikelihoodSums, l: number): void {
  if (gain < DIFFUSE_GAIN) {
    sums.nu++;
    sums.ssq += (v * v) / gain;
    sums.sumlog += Math.log(gain);
  }
  if (sums.residuals) sums.residuals[l] = v / Math.sqrt(gain);
}

/** Gain K = Pnew e1 / F and filtered covariance P = Pnew − Pnew e1 e1' Pnew / F; adds v to the sums. */
function filterUpdate(st: ArmaFilterState, v: number, sums: LikelihoodSums, l: number): void {
  const { r, K, P, Pnew } = st;
  const s = r + 1;
  const gain = Pnew[0]!;
  st.gain = gain;
  for (let i = 0; i < r; i++) K[i] = Pnew[i]! / gain;
  for (let i = 0; i < r; i++) {
    const ki = K[i]!;
    const oi = i * r;
    const pi = i * s;
    for (let j = i; j < r; j++) P[pi + j] = Pnew[oi + j]! - ki * Pnew[j]!;
  }
  st.comparable = true;
  addToSums(gain, v, sums, l);
}

/**
 * Filters w[from], w[from + 1], … (w_t the observation of the ARMA state's first component),
 * adding to the sums; a missing value is skipped when skipMissing, otherwise the run stops there.
 * Returns the index at which it stopped (w.length when it ran to the end).
 */
export function armaFilterRun(st: ArmaFilterState, w: ArrayLike<number>, from: number, skipMissing: boolean, sums: LikelihoodSums): number {
  const { r, phi, a, K, P, Pnew } = st;
  const s = r + 1;
  const n = w.length;
  const res = sums.residuals;
  for (let l = from; l < n; l++) {
    if (st.steady) {
      // Steady state: a <- T a + K v with fixed K and F, until the next missing value.
      const gain = st.gain;
      const sd = Math.sqrt(gain);
      let t = l;
      let ss = 0;
      for (; t < n; t++) {
        const wt = w[t]!;
        if (Number.isNaN(wt)) break;
        const a0 = a[0]!;
        const v = wt - (phi[0]! * a0 + (r > 1 ? a[1]! : 0));
        for (let i = 0; i < r - 1; i++) a[i] = a[i + 1]! + phi[i]! * a0 + K[i]! * v;
        a[r - 1] = phi[r - 1]! * a0 + K[r - 1]! * v;
        ss += v * v;
        if (res) res[t] = v / sd;
      }
      if (gain < DIFFUSE_GAIN) {
        sums.ssq += ss / gain;
        sums.nu += t - l;
        sums.sumlog += (t - l) * Math.log(gain);
      }
      l = t;
      if (t >= n) return n;
      // The filtered quantities are those after step l − 1.
      if (!skipMissing) return l;
      // Missing: predict from the steady state and carry on with the full recursions.
      predictState(st);
      for (let i = 0; i < r; i++) for (let j = i; j < r; j++) P[i * s + j] = Pnew[i * r + j]!;
      st.steady = false;
      st.comparable = false;
      if (res) res[l] = NaN;
      continue;
    }
    const wl = w[l]!;
    if (Number.isNaN(wl) && !skipMissing) return l;
    if (st.predicted) {
      // The first state's prior: a and Pnew already are this step's prediction.
      st.predicted = false;
      if (Number.isNaN(wl)) {
        for (let i = 0; i < r; i++) for (let j = i; j < r; j++) P[i * s + j] = Pnew[i * r + j]!;
        if (res) res[l] = NaN;
        continue;
      }
      const v = wl - a[0]!;
      filterUpdate(st, v, sums, l);
      for (let i = 0; i < r; i++) a[i]! += K[i]! * v;
      continue;
    }
    const change = predictCovariance(st);
    if (st.comparable && change <= STEADY_TOLERANCE * Pnew[0]!) st.steady = true;
    const a0 = a[0]!;
    if (Number.isNaN(wl)) {
      predictState(st);
      for (let i = 0; i < r; i++) for (let j = i; j < r; j++) P[i * s + j] = Pnew[i * r + j]!;
      st.steady = false;
      st.comparable = false;
      if (res) res[l] = NaN;
      continue;
    }
    const v = wl - (phi[0]! * a0 + (r > 1 ? a[1]! : 0));
    if (!st.steady) filterUpdate(st, v, sums, l);
    else addToSums(st.gain, v, sums, l);
    for (let i = 0; i < r - 1; i++) a[i] = a[i + 1]! + phi[i]! * a0 + K[i]! * v;
    a[r - 1] = phi[r - 1]! * a0 + K[r - 1]! * v;
  }
  return n;
}
