// Parameter maps of R's arima (src/library/stats/src/arima.c): the stationarity-enforcing
// transformation of AR coefficients (tanh to partial autocorrelations, then Durbin–Levinson:
// partrans / invpartrans, Jones 1980), its forward-difference Jacobian as ARIMA_Gradtrans
// computes it (eps = 1e-3), and the expansion of seasonal factors into full AR / MA polynomials
// (ARIMA_transPars). Parameter order: ar (p), ma (q), sar (P), sma (Q).

/** The orders of an ARIMA(p, d, q)(P, D, Q)_s model. */
export interface ArimaOrders {
  readonly p: number;
  readonly d: number;
  readonly q: number;
  readonly P: number;
  readonly D: number;
  readonly Q: number;
  readonly period: number;
}

/** tanh, then Durbin–Levinson: unconstrained values -> coefficients of a stationary AR (R: partrans). */
export function partrans(raw: ArrayLike<number>): Float64Array {
  const p = raw.length;
  const out = Float64Array.from(raw, Math.tanh);
  const work = Float64Array.from(out);
  for (let j = 1; j < p; j++) {
    const a = out[j]!;
    for (let k = 0; k < j; k++) work[k]! -= a * out[j - k - 1]!;
    for (let k = 0; k < j; k++) out[k] = work[k]!;
  }
  return out;
}

/** The inverse of partrans (R: invpartrans); requires a stationary AR. */
export function invPartrans(phi: ArrayLike<number>): Float64Array {
  const p = phi.length;
  const out = Float64Array.from(phi);
  const work = Float64Array.from(out);
  for (let j = p - 1; j > 0; j--) {
    const a = out[j]!;
    for (let k = 0; k < j; k++) work[k] = (out[k]! + a * out[j - k - 1]!) / (1 - a * a);
    for (let k = 0; k < j; k++) out[k] = work[k]!;
  }
  return out.map(Math.atanh);
}

/** Applies partrans to the AR and seasonal AR blocks of a raw parameter vector (R: ARIMA_undoPars). */
export function undoPars(raw: ArrayLike<number>, o: ArimaOrders): Float64Array {
  const out = Float64Array.from(raw);
  if (o.p > 0) out.set(partrans(out.subarray(0, o.p)), 0);
  const v = o.p + o.q;
  if (o.P > 0) out.set(partrans(out.subarray(v, v + o.P)), v);
  return out;
}

/** Inverse of undoPars (R: ARIMA_Invtrans). */
export function invTrans(pars: ArrayLike<number>, o: ArimaOrders): Float64Array {
  const out = Float64Array.from(pars);
  if (o.p > 0) out.set(invPartrans(out.subarray(0, o.p)), 0);
  const v = o.p + o.q;
  if (o.P > 0) out.set(invPartrans(out.subarray(v, v + o.P)), v);
  return out;
}

/** d undoPars / d raw by forward differences with eps = 1e-3, row i = raw parameter i (R: ARIMA_Gradtrans). */
export function gradTrans(raw: ArrayLike<number>, o: ArimaOrders, n: number): Float64Array[] {
  const eps = 1e-3;
  const A = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const block = (start: number, len: number) => {
    if (len === 0) return;
    const w1 = Float64Array.from({ length: len }, (_, i) => raw[start + i]!);
    const w2 = partrans(w1);
    for (let i = 0; i < len; i++) {
      w1[i]! += eps;
      const w3 = partrans(w1);
      for (let j = 0; j < len; j++) A[start + i]![start + j] = (w3[j]! - w2[j]!) / eps;
      w1[i]! -= eps;
    }
  };
  block(0, o.p);
  block(o.p + o.q, o.P);
  return A;
}

/** Full AR and MA polynomials (phi, theta) from the parameters (R: ARIMA_transPars with trans = FALSE). */
export function expandPolynomials(pars: ArrayLike<number>, o: ArimaOrders): { phi: Float64Array; theta: Float64Array } {
  const s = o.period;
  const phi = new Float64Array(o.p + s * o.P);
  const theta = new Float64Array(o.q + s * o.Q);
  for (let i = 0; i < o.p; i++) phi[i] = pars[i]!;
  for (let i = 0; i < o.q; i++) theta[i] = pars[i + o.p]!;
  for (let j = 0; j < o.P; j++) {
    const sj = pars[j + o.p + o.q]!;
    phi[(j + 1) * s - 1]! += sj;
    for (let i = 0; i < o.p; i++) phi[(j + 1) * s + i]! -= pars[i]! * sj;
  }
  for (let j = 0; j < o.Q; j++) {
    const sj = pars[j + o.p + o.q + o.P]!;
    theta[(j + 1) * s - 1]! += sj;
    for (let i = 0; i < o.q; i++) theta[(j + 1) * s + i]! += pars[i + o.p]! * sj;
  }
  return { phi, theta };
}

/** Coefficients Δ of the differencing operator (1 − B)^d (1 − B^s)^D = 1 − Σ Δ_i B^i (R's arima: Delta). */
export function differencingDelta(o: ArimaOrders): Float64Array {
  let poly = [1];
  const mul = (a: number[], b: number[]) => {
    const out = new Array<number>(a.length + b.length - 1).fill(0);
    a.forEach((x, i) => b.forEach((y, j) => (out[i + j]! += x * y)));
    return out;
  };
  for (let i = 0; i < o.d; i++) poly = mul(poly, [1, -1]);
  for (let i = 0; i < o.D; i++) poly = mul(poly, [1, ...new Array<number>(o.period - 1).fill(0), -1]);
  return Float64Array.from(poly.slice(1), (v) => -v);
}
