// Householder QR decomposition with R's limited column pivoting (LINPACK dqrdc2 as modified for
// R by Ross Ihaka and Doug Bates, src/appl/dqrdc2.f): a column whose remaining norm falls below
// tol times its original norm is moved to the end and counted as aliased, so rank deficiency is
// detected exactly as lm() does (tol = 1e-7). Stored by columns for long, thin model matrices.

export interface HouseholderQr {
  readonly n: number;
  readonly p: number;
  /** Numerical rank: the first `rank` pivoted columns are linearly independent. */
  readonly rank: number;
  /** pivot[j]: original index of the j-th column of the factorisation (R's qr$pivot - 1). */
  readonly pivot: readonly number[];
  /** Householder vectors below the diagonal and R on and above it, by (pivoted) columns. */
  readonly qr: readonly Float64Array[];
  /** Householder scalars (R's qraux). */
  readonly qraux: Float64Array;
}

function norm2(x: Float64Array, from: number): number {
  // Scaled two-norm to avoid overflow (as BLAS dnrm2).
  let scale = 0;
  let ssq = 1;
  for (let i = from; i < x.length; i++) {
    const v = x[i]!;
    if (v !== 0) {
      const a = Math.abs(v);
      if (scale < a) {
        ssq = 1 + ssq * (scale / a) * (scale / a);
        scale = a;
      } else {
        ssq += (a / scale) * (a / scale);
      }
    }
  }
  return scale * Math.sqrt(ssq);
}

/** QR decomposition of the n x p matrix given by columns (R: qr(X, tol = 1e-7), LAPACK = FALSE). */
export function householderQr(columns: readonly Float64Array[], tol = 1e-7): HouseholderQr {
  const p = columns.length;
  const n = p > 0 ? columns[0]!.length : 0;
  const x = columns.map((c) => Float64Array.from(c));
  const pivot = [...Array(p).keys()];
  const original = x.map((c) => {
    const nr = norm2(c, 0);
    return nr === 0 ? 1 : nr;
  });
  const qraux = new Float64Array(p);
  const lup = Math.min(n, p);
  let k = p; // columns l >= k have been moved to the end as aliased
  for (let l = 0; l < lup && l < k; l++) {
    // Cycle negligible columns to the end.
    while (l < k && norm2(x[l]!, l) < original[l]! * tol) {
      const [col] = x.splice(l, 1);
      const [piv] = pivot.splice(l, 1);
      const [orig] = original.splice(l, 1);
      x.push(col!);
      pivot.push(piv!);
      original.push(orig!);
      k--;
    }
    if (l >= k) break;
    if (l === n - 1) {
      qraux[l] = 0;
      continue;
    }
    const xl = x[l]!;
    let nrmxl = norm2(xl, l);
    if (nrmxl === 0) continue;
    if (xl[l] !== 0) nrmxl = Math.sign(xl[l]!) * Math.abs(nrmxl);
    for (let i = l; i < n; i++) xl[i]! /= nrmxl;
    xl[l] = 1 + xl[l]!;
    const diag = xl[l]!;
    for (let j = l + 1; j < p; j++) {
      const xj = x[j]!;
      let dot = 0;
      for (let i = l; i < n; i++) dot += xl[i]! * xj[i]!;
      const t = -dot / diag;
      for (let i = l; i < n; i++) xj[i]! += t * xl[i]!;
    }
    qraux[l] = diag;
    xl[l] = -nrmxl;
  }
  return { n, p, rank: Math.min(k, n), pivot, qr: x, qraux };
}

/** Applies Q' to y in place (R: qr.qty). */
export function qrQty(qr: HouseholderQr, y: Float64Array): Float64Array {
  const { n, qraux } = qr;
  const ju = Math.min(qr.rank, n - 1);
  for (let j = 0; j < ju; j++) {
    if (qraux[j] === 0) continue;
    const v = qr.qr[j]!;
    const diag = v[j]!;
    v[j] = qraux[j]!;
    let dot = 0;
    for (let i = j; i < n; i++) dot += v[i]! * y[i]!;
    const t = -dot / qraux[j]!;
    for (let i = j; i < n; i++) y[i]! += t * v[i]!;
    v[j] = diag;
  }
  return y;
}

/** Solves R b = (Q'y)[0:rank] for the leading rank x rank block (back-substitution). */
export function qrSolveUpper(qr: HouseholderQr, qty: Float64Array): Float64Array {
  const r = qr.rank;
  const b = new Float64Array(r);
  for (let i = r - 1; i >= 0; i--) {
    let s = qty[i]!;
    for (let j = i + 1; j < r; j++) s -= qr.qr[j]![i]! * b[j]!;
    b[i] = s / qr.qr[i]![i]!;
  }
  return b;
}

/** (R'R)^{-1} of the leading rank x rank block, i.e. (X'X)^{-1} of the non-aliased columns in pivot order (R: chol2inv). */
export function qrUnscaledCovariance(qr: HouseholderQr): Float64Array[] {
  const r = qr.rank;
  // Rinv (upper triangular) by back-substitution on the identity.
  const rinv: Float64Array[] = Array.from({ length: r }, () => new Float64Array(r));
  for (let c = 0; c < r; c++) {
    for (let i = c; i >= 0; i--) {
      let s = i === c ? 1 : 0;
      for (let j = i + 1; j <= c; j++) s -= qr.qr[j]![i]! * rinv[j]![c]!;
      rinv[i]![c] = s / qr.qr[i]![i]!;
    }
  }
  const out: Float64Array[] = Array.from({ length: r }, () => new Float64Array(r));
  for (let i = 0; i < r; i++) {
    for (let j = i; j < r; j++) {
      let s = 0;
      for (let k = j; k < r; k++) s += rinv[i]![k]! * rinv[j]![k]!;
      out[i]![j] = s;
      out[j]![i] = s;
    }
  }
  return out;
}
