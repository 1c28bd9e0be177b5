// The profiled deviance of a linear mixed model as a function of θ (Bates, Mächler, Bolker &
// Walker 2015, "Fitting Linear Mixed-Effects Models Using lme4", JSS 67(1), §3.4–3.6, eqs. 34,
// 41–42): with L the Cholesky factor of Λ'Z'ZΛ + I, RZX = L⁻¹Λ'Z'X, RX'RX = X'X − RZX'RZX,
// cu = L⁻¹Λ'Z'y, cβ = RX⁻ᵀ(X'y − RZX'cu) and r² = y'y − |cu|² − |cβ|² (the penalised RSS),
//   ML:   d(θ)   = log|L|² + n (1 + log(2π r² / n))
//   REML: d_R(θ) = log|L|² + log|RX|² + (n − p)(1 + log(2π r² / (n − p))).
// L is computed blockwise: one small Cholesky per level of the block factor (Z1'Z1 is block
// diagonal), then a dense Cholesky of the Schur complement for the other terms (q2 columns).

import { backwardSolveTransposed, choleskyInPlace, forwardSolve } from "../matrix/dense-cholesky.js";
import { lambdaBlock } from "./random-effects-structure.js";
import { lambdaRightColumns, lambdaTimesVector, lambdaTransposeRows, type LambdaRun } from "./lambda-layout.js";
import type { MixedCrossProducts } from "./mixed-cross-products.js";

/** Everything the fit reports at one θ. */
export interface PlsSolution {
  readonly deviance: number;
  /** log|L|² and log|RX|². */
  readonly logDetL: number;
  readonly logDetRX: number;
  /** Penalised residual sum of squares r² (from the cross-products). */
  readonly pwrss: number;
  readonly beta: Float64Array;
  /** Spherical random effects u (block part by level, then dense part). */
  readonly u: Float64Array;
  /** Random effects b = Λu in the same layout. */
  readonly b: Float64Array;
  /** (RX'RX)^{-1} factor: lower Cholesky factor LX of RX'RX (p x p row-major). */
  readonly lx: Float64Array;
}

/** Evaluator of the profiled deviance; allocates its workspaces once. */
export class ProfiledDeviance {
  private readonly l11: Float64Array;
  private readonly rzx1: Float64Array;
  private readonly cu1: Float64Array;
  private readonly a21: Float64Array;
  private readonly s22: Float64Array;
  private readonly rzx2: Float64Array;
  private readonly cu2: Float64Array;
  private readonly lx: Float64Array;
  private readonly cbeta: Float64Array;
  private readonly lamB: Float64Array;
  private readonly blockRuns: LambdaRun[];
  private readonly denseRuns: LambdaRun[];
  /** For each block level j, the dense rows r whose Z2'Z1[r, block j] is not all zero (fixed pattern). */
  private readonly levelRows: Int32Array[];

  constructor(
    readonly cp: MixedCrossProducts,
    readonly reml: boolean,
  ) {
    const { m, kb, p, q2 } = cp;
    this.l11 = new Float64Array(m * kb * kb);
    this.rzx1 = new Float64Array(m * kb * p);
    this.cu1 = new Float64Array(m * kb);
    this.a21 = new Float64Array(q2 * m * kb);
    this.s22 = new Float64Array(q2 * q2);
    this.rzx2 = new Float64Array(q2 * p);
    this.cu2 = new Float64Array(q2);
    this.lx = new Float64Array(p * p);
    this.cbeta = new Float64Array(p);
    this.lamB = new Float64Array(kb * kb);
    this.blockRuns = [{ offset: 0, k: kb, count: 1, lambda: this.lamB }];
    this.denseRuns = cp.denseTerms.map((d) => ({ offset: d.offset, k: d.term.k, count: d.term.levels.length, lambda: new Float64Array(d.term.k * d.term.k) }));
    const q1 = m * kb;
    // Λ mixes the rows of one dense (term, level) block, so a block's rows are kept together.
    const blockStarts: number[] = [];
    for (const d of cp.denseTerms) for (let l = 0; l < d.term.levels.length; l++) blockStarts.push(d.offset + l * d.term.k);
    blockStarts.push(q2);
    this.levelRows = Array.from({ length: m }, (_, j) => {
      const rows: number[] = [];
      for (let b = 0; b + 1 < blockStarts.length; b++) {
        const from = blockStarts[b]!;
        const to = blockStarts[b + 1]!;
        let any = false;
        for (let r = from; r < to && !any; r++) for (let a = 0; a < kb; a++) if (cp.ztzCross[r * q1 + j * kb + a] !== 0) any = true;
        if (any) for (let r = from; r < to; r++) rows.push(r);
      }
      return Int32Array.from(rows);
    });
  }

  private setTheta(theta: ArrayLike<number>): void {
    const { kb } = this.cp;
    this.lamB.fill(0);
    for (const bt of this.cp.blockTerms) {
      const lt = lambdaBlock(bt.term, theta);
      const k = bt.term.k;
      for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) this.lamB[(bt.offset + r) * kb + bt.offset + c] = lt[r * k + c]!;
    }
    this.cp.denseTerms.forEach((d, i) => this.denseRuns[i]!.lambda.set(lambdaBlock(d.term, theta)));
  }

  /** The profiled deviance (REML criterion when reml) at θ; Infinity where the factorisation fails. */
  deviance(theta: ArrayLike<number>): number {
    return this.factor(theta);
  }

  private factor(theta: ArrayLike<number>): number {
    const cp = this.cp;
    const { m, kb, p, q2, n } = cp;
    const q1 = m * kb;
    this.setTheta(theta);
    const lam = this.lamB;
    const l11 = this.l11;
    const rzx1 = this.rzx1;
    const cu1 = this.cu1;
    let logDetL = 0;
    const tmp = new Float64Array(kb * kb);
    // Block part, one level at a time.
    for (let j = 0; j < m; j++) {
      const zo = j * kb * kb;
      // tmp = Z'Z_j Λ
      for (let r = 0; r < kb; r++) {
        for (let c = 0; c < kb; c++) {
          let s = 0;
          for (let t = c; t < kb; t++) s += cp.ztzBlock[zo + r * kb + t]! * lam[t * kb + c]!;
          tmp[r * kb + c] = s;
        }
      }
      // L11_j <- Λ' tmp + I
      for (let r = 0; r < kb; r++) {
        for (let c = 0; c <= r; c++) {
          let s = 0;
          for (let t = r; t < kb; t++) s += lam[t * kb + r]! * tmp[t * kb + c]!;
          l11[zo + r * kb + c] = s + (r === c ? 1 : 0);
          l11[zo + c * kb + r] = l11[zo + r * kb + c]!;
        }
      }
      if (!choleskyInPlace(l11, kb, zo)) return Infinity;
      for (let a = 0; a < kb; a++) logDetL += 2 * Math.log(l11[zo + a * kb + a]!);
      // RZX1_j = L11_j^{-1} Λ' Z'X_j ; cu1_j = L11_j^{-1} Λ' Z'y_j
      const xo = j * kb * p;
      for (let r = 0; r < kb; r++) {
        for (let c = 0; c < p; c++) {
          let s = 0;
          for (let t = r; t < kb; t++) s += lam[t * kb + r]! * cp.ztxBlock[xo + t * p + c]!;
          rzx1[xo + r * p + c] = s;
        }
        let s = 0;
        for (let t = r; t < kb; t++) s += lam[t * kb + r]! * cp.ztyBlock[j * kb + t]!;
        cu1[j * kb + r] = s;
      }
      forwardSolve(l11, kb, rzx1, p, zo, xo);
      forwardSolve(l11, kb, cu1, 1, zo, j * kb);
    }
    // Dense part: Schur complement of the block part.
    if (q2 > 0) {
      const a21 = this.a21;
      a21.set(cp.ztzCross);
      lambdaRightColumns(this.blockRunsFor(m), a21, q2, q1);
      lambdaTransposeRows(this.denseRuns, a21, q1);
      // L21 = A21 L11^{-T}: each row's level block solved with L11_j (rows with a zero block stay zero).
      const levelRows = this.levelRows;
      for (let j = 0; j < m; j++) {
        const lo = j * kb * kb;
        const rowsJ = levelRows[j]!;
        for (let h = 0; h < rowsJ.length; h++) {
          const bo = rowsJ[h]! * q1 + j * kb;
          for (let a = 0; a < kb; a++) {
            let v = a21[bo + a]!;
            for (let c = 0; c < a; c++) v -= l11[lo + a * kb + c]! * a21[bo + c]!;
            a21[bo + a] = v / l11[lo + a * kb + a]!;
          }
        }
      }
      const s22 = this.s22;
      s22.set(cp.ztzDense);
      lambdaTransposeRows(this.denseRuns, s22, q2);
      lambdaRightColumns(this.denseRuns, s22, q2, q2);
      for (let r = 0; r < q2; r++) s22[r * q2 + r]! += 1;
      // S = A22 + I − Σ_j L21_j L21_j' over the nonzero rows of each level block (lower triangle).
      for (let j = 0; j < m; j++) {
        const rowsJ = levelRows[j]!;
        const co = j * kb;
        for (let x = 0; x < rowsJ.length; x++) {
          const r = rowsJ[x]!;
          const ro = r * q1 + co;
          for (let y = 0; y <= x; y++) {
            const c = rowsJ[y]!;
            const oo = c * q1 + co;
            let v = 0;
            for (let a = 0; a < kb; a++) v += a21[ro + a]! * a21[oo + a]!;
            // rowsJ is ascending, so r >= c: the lower triangle.
            s22[r * q2 + c]! -= v;
          }
        }
      }
      for (let r = 0; r < q2; r++) for (let c = 0; c < r; c++) s22[c * q2 + r] = s22[r * q2 + c]!;
      if (!choleskyInPlace(s22, q2)) return Infinity;
      for (let a = 0; a < q2; a++) logDetL += 2 * Math.log(s22[a * q2 + a]!);
      const rzx2 = this.rzx2;
      rzx2.set(cp.ztxDense);
      lambdaTransposeRows(this.denseRuns, rzx2, p);
      const cu2 = this.cu2;
      cu2.set(cp.ztyDense);
      lambdaTransposeRows(this.denseRuns, cu2, 1);
      for (let j = 0; j < m; j++) {
        const rowsJ = levelRows[j]!;
        for (let h = 0; h < rowsJ.length; h++) {
          const r = rowsJ[h]!;
          for (let a = 0; a < kb; a++) {
            const t = j * kb + a;
            const l = a21[r * q1 + t]!;
            if (l === 0) continue;
            const src = t * p;
            for (let c = 0; c < p; c++) rzx2[r * p + c]! -= l * rzx1[src + c]!;
            cu2[r]! -= l * cu1[t]!;
          }
        }
      }
      forwardSolve(s22, q2, rzx2, p);
      forwardSolve(s22, q2, cu2, 1);
    }
    // RX'RX = X'X - RZX'RZX ; cβ = LX^{-1}(X'y - RZX'cu).
    const lx = this.lx;
    lx.set(cp.xtx);
    const cbeta = this.cbeta;
    cbeta.set(cp.xty);
    const subtract = (rzx: Float64Array, cu: Float64Array, rows: number) => {
      for (let r = 0; r < rows; r++) {
        const ro = r * p;
        const cur = cu[r]!;
        for (let a = 0; a < p; a++) {
          const ra = rzx[ro + a]!;
          if (ra === 0) continue;
          for (let b = 0; b <= a; b++) lx[a * p + b]! -= ra * rzx[ro + b]!;
          cbeta[a]! -= ra * cur;
        }
      }
    };
    subtract(rzx1, cu1, q1);
    if (q2 > 0) subtract(this.rzx2, this.cu2, q2);
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) lx[b * p + a] = lx[a * p + b]!;
    if (!choleskyInPlace(lx, p)) return Infinity;
    let logDetRX = 0;
    for (let a = 0; a < p; a++) logDetRX += 2 * Math.log(lx[a * p + a]!);
    forwardSolve(lx, p, cbeta, 1);
    let cuNorm = 0;
    for (let t = 0; t < q1; t++) cuNorm += cu1[t]! ** 2;
    for (let t = 0; t < q2; t++) cuNorm += this.cu2[t]! ** 2;
    let cbNorm = 0;
    for (let a = 0; a < p; a++) cbNorm += cbeta[a]! ** 2;
    const pwrss = cp.yty - cuNorm - cbNorm;
    if (!(pwrss > 0)) return Infinity;
    this.last = { logDetL, logDetRX, pwrss };
    if (this.reml) {
      const nmp = n - p;
      return logDetL + logDetRX + nmp * (1 + Math.log((2 * Math.PI * pwrss) / nmp));
    }
    return logDetL + n * (1 + Math.log((2 * Math.PI * pwrss) / n));
  }

  private last: { logDetL: number; logDetRX: number; pwrss: number } = { logDetL: NaN, logDetRX: NaN, pwrss: NaN };

  private blockRunsFor(m: number): LambdaRun[] {
    return [{ offset: 0, k: this.cp.kb, count: m, lambda: this.lamB }];
  }

  /** Solves the penalised least-squares problem at θ: deviance, β, u, b = Λu and LX. */
  solve(theta: ArrayLike<number>): PlsSolution {
    const deviance = this.factor(theta);
    const { m, kb, p, q2 } = this.cp;
    const q1 = m * kb;
    const beta = Float64Array.from(this.cbeta);
    backwardSolveTransposed(this.lx, p, beta, 1);
    // u = L'^{-1}(cu - RZX β)
    const u = new Float64Array(q1 + q2);
    for (let t = 0; t < q1; t++) {
      let s = this.cu1[t]!;
      for (let c = 0; c < p; c++) s -= this.rzx1[t * p + c]! * beta[c]!;
      u[t] = s;
    }
    const u2 = new Float64Array(q2);
    for (let r = 0; r < q2; r++) {
      let s = this.cu2[r]!;
      for (let c = 0; c < p; c++) s -= this.rzx2[r * p + c]! * beta[c]!;
      u2[r] = s;
    }
    if (q2 > 0) {
      backwardSolveTransposed(this.s22, q2, u2, 1);
      // u1 -= L21' u2, then solve with L11_j'
      for (let r = 0; r < q2; r++) {
        const v = u2[r]!;
        if (v === 0) continue;
        for (let t = 0; t < q1; t++) u[t]! -= this.a21[r * q1 + t]! * v;
      }
    }
    for (let j = 0; j < m; j++) backwardSolveTransposed(this.l11, kb, u, 1, j * kb * kb, j * kb);
    u.set(u2, q1);
    const b = new Float64Array(q1 + q2);
    b.set(lambdaTimesVector(this.blockRunsFor(m), u.subarray(0, q1)), 0);
    if (q2 > 0) b.set(lambdaTimesVector(this.denseRuns, u2), q1);
    return { deviance, ...this.last, beta, u, b, lx: Float64Array.from(this.lx) };
  }
}
