// Weighted least squares for refitting one model matrix many times under different row weights
// (bootstrap multiplicities, IRLS working weights). The columns are centred at their weighted
// means, so the intercept separates from the slopes; the centred cross-products are factorised
// by a Cholesky decomposition that takes the columns in order and treats a column as aliased
// when its remaining norm falls below tol times its norm, the rule of R's dqrdc2 (lm's QR, tol
// 1e-7). Where the normal equations would lose accuracy (a column's remaining norm below 1e-4 of
// its centred norm, i.e. a variance inflation above 1e8), the weighted rows are solved by
// Householder QR with that same pivoting instead, as lm(weights = w) does (Golub & Van Loan 2013,
// §5.3.2 and §5.3.7 on the normal equations against QR).

import { householderQr, qrQty, qrSolveUpper } from "../linear/householder-qr.js";

/** Smallest squared ratio of a column's remaining norm to its centred norm solved by Cholesky. */
const MIN_REMAINING_RATIO2 = 1e-8;

/** A factorisation kept after a Cholesky solve, for leave-one-out updates. */
interface CentredFactor {
  /** Accepted (non-aliased) slope columns in order; L is their Cholesky factor (r x r row-major). */
  readonly accepted: Int32Array;
  readonly l: Float64Array;
  readonly means: Float64Array;
  readonly weightSum: number;
}

/** Repeated weighted least-squares solves of one model matrix (columns of length n). */
export class WeightedLeastSquares {
  readonly n: number;
  readonly p: number;
  /** The all-ones first column is the intercept (R's model.matrix puts it first). */
  readonly intercept: boolean;
  private readonly active: Int32Array;
  private readonly wa: Float64Array;
  private readonly za: Float64Array;
  private readonly centred: Float64Array[];
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly l: Float64Array;
  private readonly means: Float64Array;
  private factor: CentredFactor | null = null;

  constructor(
    private readonly columns: readonly Float64Array[],
    intercept: boolean,
    private readonly tol = 1e-7,
  ) {
    this.p = columns.length;
    this.n = this.p > 0 ? columns[0]!.length : 0;
    this.intercept = intercept && this.p > 0;
    const n = this.n;
    const p = this.p;
    this.active = new Int32Array(n);
    this.wa = new Float64Array(n);
    this.za = new Float64Array(n);
    this.centred = Array.from({ length: p }, () => new Float64Array(n));
    this.a = new Float64Array(p * p);
    this.b = new Float64Array(p);
    this.l = new Float64Array(p * p);
    this.means = new Float64Array(p);
  }

  /** Whether the last solve kept a Cholesky factorisation (so dropOne can downdate it). */
  get factorised(): boolean {
    return this.factor !== null;
  }

  /**
   * Coefficients minimising sum w_i (z_i - x_i b)^2 (w >= 0; rows with w = 0 are left out), NaN
   * for aliased columns (R: lm.wfit(X, z, w)$coefficients).
   */
  solve(z: ArrayLike<number>, w: ArrayLike<number>): Float64Array {
    const { n, p } = this;
    const out = new Float64Array(p).fill(NaN);
    this.factor = null;
    if (p === 0) return out;
    const active = this.active;
    let na = 0;
    let W = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      if (wi > 0) {
        active[na] = i;
        this.wa[na] = wi;
        this.za[na] = z[i]!;
        na++;
        W += wi;
      }
    }
    if (na === 0) return out;
    const wa = this.wa;
    const za = this.za;
    const first = this.intercept ? 1 : 0;
    const means = this.means;
    means.fill(0);
    let zbar = 0;
    if (this.intercept) {
      means[0] = 1;
      for (let k = 0; k < na; k++) zbar += wa[k]! * za[k]!;
      zbar /= W;
      for (let j = 1; j < p; j++) {
        const col = this.columns[j]!;
        let s = 0;
        for (let k = 0; k < na; k++) s += wa[k]! * col[active[k]!]!;
        means[j] = s / W;
      }
    }
    // Centred slope columns and cross-products over the active rows.
    const q = p - first;
    for (let j = 0; j < q; j++) {
      const col = this.columns[j + first]!;
      const u = this.centred[j]!;
      const m = means[j + first]!;
      for (let k = 0; k < na; k++) u[k] = col[active[k]!]! - m;
    }
    const a = this.a;
    const b = this.b;
    for (let j = 0; j < q; j++) {
      const uj = this.centred[j]!;
      let sb = 0;
      for (let k = 0; k < na; k++) sb += wa[k]! * uj[k]! * (za[k]! - zbar);
      b[j] = sb;
      for (let c = 0; c <= j; c++) {
        const uc = this.centred[c]!;
        let s = 0;
        for (let k = 0; k < na; k++) s += wa[k]! * uj[k]! * uc[k]!;
        a[j * q + c] = s;
      }
    }
    // Cholesky in column order with dqrdc2's aliasing rule.
    const l = this.l;
    const accepted: number[] = [];
    const tol2 = this.tol * this.tol;
    for (let j = 0; j < q; j++) {
      const ajj = a[j * q + j]!;
      const r = accepted.length;
      let d = ajj;
      for (let s = 0; s < r; s++) {
        const c = accepted[s]!;
        let v = a[j * q + c]!;
        for (let t = 0; t < s; t++) v -= l[r * q + t]! * l[s * q + t]!;
        v /= l[s * q + s]!;
        l[r * q + s] = v;
        d -= v * v;
      }
      if (ajj === 0) continue; // constant on the active rows: aliased with the intercept (or zero)
      if (!(d >= MIN_REMAINING_RATIO2 * ajj)) return this.solveByQr(z, w);
      const norm2 = ajj + W * means[j + first]! ** 2;
      if (d < tol2 * norm2) continue;
      l[r * q + r] = Math.sqrt(d);
      accepted.push(j);
    }
    const r = accepted.length;
    const beta = new Float64Array(r);
    for (let s = 0; s < r; s++) {
      let v = b[accepted[s]!]!;
      for (let t = 0; t < s; t++) v -= l[s * q + t]! * beta[t]!;
      beta[s] = v / l[s * q + s]!;
    }
    for (let s = r - 1; s >= 0; s--) {
      let v = beta[s]!;
      for (let t = s + 1; t < r; t++) v -= l[t * q + s]! * beta[t]!;
      beta[s] = v / l[s * q + s]!;
    }
    let intercept = zbar;
    for (let s = 0; s < r; s++) {
      const j = accepted[s]! + first;
      out[j] = beta[s]!;
      intercept -= means[j]! * beta[s]!;
    }
    if (this.intercept) out[0] = intercept;
    const lc = new Float64Array(r * r);
    for (let s = 0; s < r; s++) for (let t = 0; t <= s; t++) lc[s * r + t] = l[s * q + t]!;
    this.factor = { accepted: Int32Array.from(accepted, (j) => j + first), l: lc, means: Float64Array.from(means), weightSum: W };
    return out;
  }

  /** The lm route: Householder QR of the rows scaled by sqrt(w) (R: lm.wfit). */
  private solveByQr(z: ArrayLike<number>, w: ArrayLike<number>): Float64Array {
    const { n, p } = this;
    const rowsIdx: number[] = [];
    for (let i = 0; i < n; i++) if (w[i]! > 0) rowsIdx.push(i);
    const m = rowsIdx.length;
    const sw = Float64Array.from(rowsIdx, (i) => Math.sqrt(w[i]!));
    const cols = this.columns.map((c) => Float64Array.from(rowsIdx, (i, k) => c[i]! * sw[k]!));
    const qr = householderQr(cols, this.tol);
    const coef = qrSolveUpper(qr, qrQty(qr, Float64Array.from(rowsIdx, (i, k) => z[i]! * sw[k]!)));
    const out = new Float64Array(p).fill(NaN);
    for (let j = 0; j < Math.min(qr.rank, m); j++) out[qr.pivot[j]!] = coef[j]!;
    this.factor = null;
    return out;
  }

  /**
   * After a Cholesky solve: the coefficients without row i, given its working residual r_i =
   * z_i - x_i b and weight w_i, by the rank-one downdate b_(i) = b - (X'WX)^-1 x_i w_i r_i / (1 - h_ii)
   * (exact for least squares; the one-step approximation for IRLS fits, R: lm.influence(fit)$coefficients);
   * null when no factorisation is kept or row i holds all the weight of some direction (h_ii ~ 1).
   */
  dropOne(coefficients: Float64Array, i: number, residual: number, weight: number): Float64Array | null {
    const f = this.factor;
    if (f === null) return null;
    const out = Float64Array.from(coefficients);
    if (!(weight > 0)) return out;
    const r = f.accepted.length;
    // Centred coordinates: (X~'WX~)^-1 = diag(1/W, A^-1) with A the centred slope cross-products.
    const v = new Float64Array(r);
    for (let s = 0; s < r; s++) {
      const j = f.accepted[s]!;
      v[s] = this.columns[j]![i]! - f.means[j]!;
    }
    const u = Float64Array.from(v);
    for (let s = 0; s < r; s++) {
      let x = u[s]!;
      for (let t = 0; t < s; t++) x -= f.l[s * r + t]! * u[t]!;
      u[s] = x / f.l[s * r + s]!;
    }
    let h = 0;
    for (let s = 0; s < r; s++) h += u[s]! * u[s]!;
    for (let s = r - 1; s >= 0; s--) {
      let x = u[s]!;
      for (let t = s + 1; t < r; t++) x -= f.l[t * r + s]! * u[t]!;
      u[s] = x / f.l[s * r + s]!;
    }
    if (this.intercept) h += 1 / f.weightSum;
    h *= weight;
    if (!(1 - h > 1e-10)) return null;
    const scale = (weight * residual) / (1 - h);
    let dIntercept = this.intercept ? scale / f.weightSum : 0;
    for (let s = 0; s < r; s++) {
      const j = f.accepted[s]!;
      const d = scale * u[s]!;
      out[j] = out[j]! - d;
      dIntercept -= f.means[j]! * d;
    }
    if (this.intercept) out[0] = out[0]! - dIntercept;
    return out;
  }
}
