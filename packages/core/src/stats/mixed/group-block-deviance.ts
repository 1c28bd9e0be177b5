// The profiled (RE)ML deviance of a linear mixed model whose random effects all belong to one
// grouping factor, computed from per-group sufficient statistics with a weight per group
// (Bates, Mächler, Bolker & Walker 2015, JSS 67(1), §3.4–3.6, eqs. 34, 41–42). With a single
// grouping factor Z is block diagonal by group, so L, RZX and cu split into one small block per
// group: with A_g = Λ'Z_g'Z_gΛ + I = L_g L_g', RZX_g = L_g⁻¹Λ'Z_g'X_g and cu_g = L_g⁻¹Λ'Z_g'y_g,
//   log|L|² = Σ_g w_g log|L_g|²,   RX'RX = Σ_g w_g (X_g'X_g − RZX_g'RZX_g),
//   cβ = RX⁻ᵀ Σ_g w_g (X_g'y_g − RZX_g'cu_g),   r² = Σ_g w_g (y_g'y_g − |cu_g|²) − |cβ|²,
// and n = Σ_g w_g n_g. An integer weight w_g is the data set holding w_g copies of group g, each
// a level of its own (its block factorisation is the same for every copy), which is what a
// cluster bootstrap draw is; weight 0 leaves the group out (the jackknife over groups). One
// evaluation costs O(G kb³ + G kb² p + p³), nothing in the number of rows. The per-group blocks
// of Z are those of mixed-cross-products.ts (its block part, with no dense part).

import type { DesignMatrix } from "../formula/model-matrix.js";
import { backwardSolveTransposed, choleskyInPlace, choleskyInverse, forwardSolve } from "../matrix/dense-cholesky.js";
import { mixedCrossProducts } from "./mixed-cross-products.js";
import { lambdaBlock, type ReStructure } from "./random-effects-structure.js";

/** Per-group cross-products of a single-grouping-factor model (row-major, concatenated over groups). */
export interface GroupBlocks {
  /** Groups, effects per group (all terms), fixed effects. */
  readonly G: number;
  readonly kb: number;
  readonly p: number;
  /** Offset of each random-effects term within a group's kb effects (the order of re.terms). */
  readonly termOffsets: readonly number[];
  /** Z_g'Z_g (kb x kb), Z_g'X_g (kb x p), Z_g'y_g (kb). */
  readonly ztz: Float64Array;
  readonly ztx: Float64Array;
  readonly zty: Float64Array;
  /** X_g'X_g (p x p), X_g'y_g (p), y_g'y_g, n_g. */
  readonly xtx: Float64Array;
  readonly xty: Float64Array;
  readonly yty: Float64Array;
  readonly n: Float64Array;
}

/** One pass over the rows; every random-effects term of `re` must share one grouping factor. */
export function groupBlocks(re: ReStructure, X: DesignMatrix, y: Float64Array): GroupBlocks {
  const group = re.terms[0]!.group;
  if (re.terms.some((t) => t.group !== group)) throw new Error("groupBlocks: the random-effects terms have more than one grouping factor");
  const cp = mixedCrossProducts(re, X, y);
  const { m: G, kb, p } = cp;
  const codes = re.terms[0]!.codes;
  const xtx = new Float64Array(G * p * p);
  const xty = new Float64Array(G * p);
  const yty = new Float64Array(G);
  const n = new Float64Array(G);
  const x = new Float64Array(p);
  for (let i = 0; i < X.n; i++) {
    const g = codes[i]!;
    const yi = y[i]!;
    for (let c = 0; c < p; c++) x[c] = X.columns[c]![i]!;
    const xo = g * p * p;
    for (let a = 0; a < p; a++) {
      const xa = x[a]!;
      for (let b = 0; b < p; b++) xtx[xo + a * p + b]! += xa * x[b]!;
      xty[g * p + a]! += xa * yi;
    }
    yty[g]! += yi * yi;
    n[g]!++;
  }
  // mixedCrossProducts lays the block part out in the order of re.terms.
  const termOffsets = re.terms.map((t) => cp.blockTerms.find((b) => b.term === t)!.offset);
  return { G, kb, p, termOffsets, ztz: cp.ztzBlock, ztx: cp.ztxBlock, zty: cp.ztyBlock, xtx, xty, yty, n };
}

/** What the deviance leaves behind for β and σ at the last θ evaluated. */
export interface GroupBlockSolution {
  readonly deviance: number;
  readonly beta: Float64Array;
  /** Penalised residual sum of squares r². */
  readonly pwrss: number;
  /** Σ_g w_g n_g. */
  readonly n: number;
}

/** The profiled deviance over weighted groups; set the weights, then evaluate at any θ. */
export class GroupBlockDeviance {
  private active = new Int32Array(0);
  private weight = new Float64Array(0);
  private nObs = 0;
  private readonly xtx: Float64Array;
  private readonly xty: Float64Array;
  private ytySum = 0;
  private readonly lam: Float64Array;
  private readonly a: Float64Array;
  private readonly t: Float64Array;
  private readonly rzx: Float64Array;
  private readonly cu: Float64Array;
  private readonly lx: Float64Array;
  private readonly cbeta: Float64Array;
  private pwrss = NaN;

  constructor(
    readonly blocks: GroupBlocks,
    readonly re: ReStructure,
    readonly reml: boolean,
  ) {
    const { kb, p } = blocks;
    this.xtx = new Float64Array(p * p);
    this.xty = new Float64Array(p);
    this.lam = new Float64Array(kb * kb);
    this.a = new Float64Array(blocks.G * kb * kb);
    this.t = new Float64Array(kb * kb);
    this.rzx = new Float64Array(blocks.G * kb * p);
    this.cu = new Float64Array(blocks.G * kb);
    this.lx = new Float64Array(p * p);
    this.cbeta = new Float64Array(p);
  }

  /** Weights per group (non-negative; copies of the group); the totals X'X, X'y, y'y, n follow. */
  setWeights(weights: ArrayLike<number>): void {
    const { G, p } = this.blocks;
    const b = this.blocks;
    const active: number[] = [];
    for (let g = 0; g < G; g++) if (weights[g]! > 0) active.push(g);
    this.active = Int32Array.from(active);
    this.weight = Float64Array.from(active, (g) => weights[g]!);
    this.xtx.fill(0);
    this.xty.fill(0);
    this.ytySum = 0;
    this.nObs = 0;
    for (let h = 0; h < active.length; h++) {
      const g = active[h]!;
      const w = this.weight[h]!;
      for (let e = 0; e < p * p; e++) this.xtx[e]! += w * b.xtx[g * p * p + e]!;
      for (let e = 0; e < p; e++) this.xty[e]! += w * b.xty[g * p + e]!;
      this.ytySum += w * b.yty[g]!;
      this.nObs += w * b.n[g]!;
    }
  }

  /** Observations Σ_g w_g n_g under the current weights. */
  get n(): number {
    return this.nObs;
  }

  /** Total X'X under the current weights (p x p row-major). */
  get crossProducts(): Float64Array {
    return this.xtx;
  }

  /** Λ (kb x kb, lower) of one group's effects from θ. */
  private setTheta(theta: ArrayLike<number>): void {
    const kb = this.blocks.kb;
    const lam = this.lam;
    lam.fill(0);
    this.re.terms.forEach((t, i) => {
      const lt = lambdaBlock(t, theta);
      const o = this.blocks.termOffsets[i]!;
      for (let r = 0; r < t.k; r++) for (let c = 0; c <= r; c++) lam[(o + r) * kb + o + c] = lt[r * t.k + c]!;
    });
  }

  /** The profiled deviance (REML criterion when reml) at θ; Infinity where a factorisation fails. */
  deviance(theta: ArrayLike<number>): number {
    const { kb, p, ztz, ztx, zty } = this.blocks;
    this.setTheta(theta);
    const lam = this.lam;
    const T = this.t;
    const A = this.a;
    const rzx = this.rzx;
    const cu = this.cu;
    const lx = this.lx;
    const cbeta = this.cbeta;
    lx.set(this.xtx);
    cbeta.set(this.xty);
    let logDetL = 0;
    let cuNorm = 0;
    const active = this.active;
    const weight = this.weight;
    for (let h = 0; h < active.length; h++) {
      const g = active[h]!;
      const w = weight[h]!;
      const zo = g * kb * kb;
      // L_g, RZX_g and cu_g of the h-th active group are kept (at ao, bo, co) for the gradient.
      const ao = h * kb * kb;
      const bo = h * kb * p;
      const co = h * kb;
      // T = Z'Z_g Λ, then A = Λ' T + I (lower triangle), factorised in place as L_g (Golub & Van Loan, Alg. 4.2.1).
      for (let r = 0; r < kb; r++) {
        for (let c = 0; c < kb; c++) {
          let s = 0;
          for (let v = c; v < kb; v++) s += ztz[zo + r * kb + v]! * lam[v * kb + c]!;
          T[r * kb + c] = s;
        }
      }
      let det = 1;
      for (let r = 0; r < kb; r++) {
        for (let c = 0; c <= r; c++) {
          let s = r === c ? 1 : 0;
          for (let u = r; u < kb; u++) s += lam[u * kb + r]! * T[u * kb + c]!;
          for (let e = 0; e < c; e++) s -= A[ao + r * kb + e]! * A[ao + c * kb + e]!;
          if (r === c) {
            if (!(s > 0)) return Infinity;
            const d = Math.sqrt(s);
            A[ao + r * kb + r] = d;
            det *= d;
          } else A[ao + r * kb + c] = s / A[ao + c * kb + c]!;
        }
      }
      logDetL += 2 * w * Math.log(det);
      // RZX_g = L_g⁻¹ Λ' Z'X_g and cu_g = L_g⁻¹ Λ' Z'y_g, row by row (forward substitution).
      const xo = g * kb * p;
      for (let r = 0; r < kb; r++) {
        const ro = r * p;
        const inv = 1 / A[ao + r * kb + r]!;
        for (let c = 0; c < p; c++) {
          let s = 0;
          for (let u = r; u < kb; u++) s += lam[u * kb + r]! * ztx[xo + u * p + c]!;
          for (let e = 0; e < r; e++) s -= A[ao + r * kb + e]! * rzx[bo + e * p + c]!;
          rzx[bo + ro + c] = s * inv;
        }
        let s = 0;
        for (let u = r; u < kb; u++) s += lam[u * kb + r]! * zty[g * kb + u]!;
        for (let e = 0; e < r; e++) s -= A[ao + r * kb + e]! * cu[co + e]!;
        const cur = s * inv;
        cu[co + r] = cur;
        cuNorm += w * cur * cur;
        for (let c = 0; c < p; c++) {
          const wr = w * rzx[bo + ro + c]!;
          for (let d = 0; d <= c; d++) lx[c * p + d]! -= wr * rzx[bo + ro + d]!;
          cbeta[c]! -= wr * cur;
        }
      }
    }
    for (let c = 0; c < p; c++) for (let d = 0; d < c; d++) lx[d * p + c] = lx[c * p + d]!;
    if (!choleskyInPlace(lx, p)) return Infinity;
    let logDetRX = 0;
    for (let c = 0; c < p; c++) logDetRX += 2 * Math.log(lx[c * p + c]!);
    forwardSolve(lx, p, cbeta, 1);
    let cbNorm = 0;
    for (let c = 0; c < p; c++) cbNorm += cbeta[c]! ** 2;
    const pwrss = this.ytySum - cuNorm - cbNorm;
    this.pwrss = pwrss;
    if (!(pwrss > 0)) return Infinity;
    const n = this.nObs;
    if (this.reml) {
      const nmp = n - p;
      return logDetL + logDetRX + nmp * (1 + Math.log((2 * Math.PI * pwrss) / nmp));
    }
    return logDetL + n * (1 + Math.log((2 * Math.PI * pwrss) / n));
  }

  /**
   * The deviance at θ and its gradient in `grad` (θ order). With K_g = ΛA_g⁻¹Λ', M_g = Z_g'Z_g,
   * B_g = Z_g'X_g, S_g = B_g(RX'RX)⁻¹B_g' and at the conditional modes û_g, β̂ (so that r² is
   * stationary in β and u: the envelope theorem), the derivatives with respect to Λ are
   *   ∂log|L|²/∂Λ = 2 Σ_g w_g M_g ΛA_g⁻¹,   ∂log|RX|²/∂Λ = −2 Σ_g w_g (I − M_g K_g) S_g ΛA_g⁻¹,
   *   ∂r²/∂Λ = −2 Σ_g w_g Z_g'(y_g − X_g β̂ − Z_gΛû_g) û_g',
   * and d = log|L|² [+ log|RX|²] + ν log r² + const with ν = n − p (REML) or n (ML); θ holds
   * the lower triangle of each term's block of Λ. Infinity (grad untouched) where d is.
   */
  gradient(theta: ArrayLike<number>, grad: Float64Array): number {
    const dev = this.deviance(theta);
    if (!Number.isFinite(dev)) return dev;
    const { kb, p, ztz, ztx, zty } = this.blocks;
    const lam = this.lam;
    const A = this.a;
    const rzx = this.rzx;
    const cu = this.cu;
    const beta = Float64Array.from(this.cbeta);
    backwardSolveTransposed(this.lx, p, beta, 1);
    const cinv = this.reml ? choleskyInverse(this.lx, p) : null;
    const nu = this.reml ? this.nObs - p : this.nObs;
    const scale = nu / this.pwrss;
    const gl = new Float64Array(kb * kb);
    const u = new Float64Array(kb);
    const linv = new Float64Array(kb * kb);
    const hp = new Float64Array(kb * kb);
    const zr = new Float64Array(kb);
    const lu = new Float64Array(kb);
    const k = new Float64Array(kb * kb);
    const bc = new Float64Array(kb * p);
    const sm = new Float64Array(kb * kb);
    const imk = new Float64Array(kb * kb);
    const tmp = new Float64Array(kb * kb);
    for (let h = 0; h < this.active.length; h++) {
      const g = this.active[h]!;
      const w = this.weight[h]!;
      const ao = h * kb * kb;
      const bo = h * kb * p;
      const co = h * kb;
      const zo = g * kb * kb;
      const xo = g * kb * p;
      // û_g = L_g⁻ᵀ (cu_g − RZX_g β̂)
      for (let r = 0; r < kb; r++) {
        let s = cu[co + r]!;
        for (let c = 0; c < p; c++) s -= rzx[bo + r * p + c]! * beta[c]!;
        u[r] = s;
      }
      for (let r = kb - 1; r >= 0; r--) {
        let s = u[r]!;
        for (let e = r + 1; e < kb; e++) s -= A[ao + e * kb + r]! * u[e]!;
        u[r] = s / A[ao + r * kb + r]!;
      }
      // L_g⁻¹ (lower), then ΛA_g⁻¹ = Λ L_g⁻ᵀ L_g⁻¹.
      linv.fill(0);
      for (let c = 0; c < kb; c++) {
        for (let r = c; r < kb; r++) {
          let s = r === c ? 1 : 0;
          for (let e = c; e < r; e++) s -= A[ao + r * kb + e]! * linv[e * kb + c]!;
          linv[r * kb + c] = s / A[ao + r * kb + r]!;
        }
      }
      for (let r = 0; r < kb; r++) {
        for (let c = 0; c < kb; c++) {
          // A⁻¹[e, c] = Σ_f linv[f, e] linv[f, c]
          let s = 0;
          for (let e = 0; e <= r; e++) {
            const l = lam[r * kb + e]!;
            if (l === 0) continue;
            let ainv = 0;
            for (let f = Math.max(e, c); f < kb; f++) ainv += linv[f * kb + e]! * linv[f * kb + c]!;
            s += l * ainv;
          }
          hp[r * kb + c] = s;
        }
      }
      // Z_g'r_g = Z'y_g − B_g β̂ − M_g Λ û_g
      for (let r = 0; r < kb; r++) {
        let s = 0;
        for (let c = 0; c <= r; c++) s += lam[r * kb + c]! * u[c]!;
        lu[r] = s;
      }
      for (let r = 0; r < kb; r++) {
        let s = zty[g * kb + r]!;
        for (let c = 0; c < p; c++) s -= ztx[xo + r * p + c]! * beta[c]!;
        for (let c = 0; c < kb; c++) s -= ztz[zo + r * kb + c]! * lu[c]!;
        zr[r] = s;
      }
      for (let r = 0; r < kb; r++) {
        for (let c = 0; c < kb; c++) {
          let s = 0;
          for (let e = 0; e < kb; e++) s += ztz[zo + r * kb + e]! * hp[e * kb + c]!;
          gl[r * kb + c]! += 2 * w * (s - scale * zr[r]! * u[c]!);
        }
      }
      if (cinv) {
        // K = ΛA⁻¹Λ', I − M K, S = B C⁻¹ B'
        for (let r = 0; r < kb; r++) {
          for (let c = 0; c < kb; c++) {
            let s = 0;
            for (let e = 0; e <= c; e++) s += hp[r * kb + e]! * lam[c * kb + e]!;
            k[r * kb + c] = s;
          }
        }
        for (let r = 0; r < kb; r++) {
          for (let c = 0; c < kb; c++) {
            let s = r === c ? 1 : 0;
            for (let e = 0; e < kb; e++) s -= ztz[zo + r * kb + e]! * k[e * kb + c]!;
            imk[r * kb + c] = s;
          }
          for (let c = 0; c < p; c++) {
            let s = 0;
            for (let e = 0; e < p; e++) s += ztx[xo + r * p + e]! * cinv[e * p + c]!;
            bc[r * p + c] = s;
          }
        }
        for (let r = 0; r < kb; r++) {
          for (let c = 0; c < kb; c++) {
            let s = 0;
            for (let e = 0; e < p; e++) s += bc[r * p + e]! * ztx[xo + c * p + e]!;
            sm[r * kb + c] = s;
          }
        }
        for (let r = 0; r < kb; r++) {
          for (let c = 0; c < kb; c++) {
            let s = 0;
            for (let e = 0; e < kb; e++) s += sm[r * kb + e]! * hp[e * kb + c]!;
            tmp[r * kb + c] = s;
          }
        }
        for (let r = 0; r < kb; r++) {
          for (let c = 0; c < kb; c++) {
            let s = 0;
            for (let e = 0; e < kb; e++) s += imk[r * kb + e]! * tmp[e * kb + c]!;
            gl[r * kb + c]! -= 2 * w * s;
          }
        }
      }
    }
    this.re.terms.forEach((t, i) => {
      const o = this.blocks.termOffsets[i]!;
      let idx = t.thetaOffset;
      for (let c = 0; c < t.k; c++) for (let r = c; r < t.k; r++) grad[idx++] = gl[(o + r) * kb + o + c]!;
    });
    return dev;
  }

  /**
   * The Hessian at θ (d x d row-major) by central differences of the analytic gradient
   * (Nocedal & Wright 2006, §8.1), forward differences within a step of a bound; null when it
   * is not positive definite.
   */
  hessian(theta: ArrayLike<number>): Float64Array | null {
    const d = theta.length;
    const lower = this.re.lower;
    const H = new Float64Array(d * d);
    const gp = new Float64Array(d);
    const gm = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      const h = 1e-5 * Math.max(1, Math.abs(theta[i]!));
      const central = theta[i]! - h > lower[i]!;
      const x = Float64Array.from(theta);
      x[i] = theta[i]! + h;
      const fp = this.gradient(x, gp);
      x[i] = central ? theta[i]! - h : theta[i]!;
      const fm = this.gradient(x, gm);
      if (!Number.isFinite(fp) || !Number.isFinite(fm)) return null;
      for (let j = 0; j < d; j++) H[j * d + i] = (gp[j]! - gm[j]!) / (central ? 2 * h : h);
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) H[i * d + j] = H[j * d + i] = (H[i * d + j]! + H[j * d + i]!) / 2;
    return choleskyInPlace(Float64Array.from(H), d) ? H : null;
  }

  /** The deviance, β = RX⁻¹cβ and r² at θ. */
  solve(theta: ArrayLike<number>): GroupBlockSolution {
    const deviance = this.deviance(theta);
    const p = this.blocks.p;
    const beta = Float64Array.from(this.cbeta);
    if (Number.isFinite(deviance)) backwardSolveTransposed(this.lx, p, beta, 1);
    else beta.fill(NaN);
    return { deviance, beta, pwrss: this.pwrss, n: this.nObs };
  }
}
