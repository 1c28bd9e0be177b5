// One pass over the data that reduces a linear mixed model to cross-products, after which every
// deviance evaluation costs nothing in n. Z is split as lme4's sparse Cholesky would exploit it:
// the grouping factor with the most random effects is the "block" part (Z1'Z1 is block diagonal,
// one kb x kb block per level, kb = the effects of all its terms); every other term forms the
// "dense" part Z2 (q2 columns), coupled to the block part through Z2'Z1.

import type { DesignMatrix } from "../formula/model-matrix.js";
import type { ReStructure, ReTerm } from "./random-effects-structure.js";

export interface TermPlacement {
  readonly term: ReTerm;
  /** Offset of the term's first effect: within a level's block (block part) or within q2 (dense part). */
  readonly offset: number;
}

export interface MixedCrossProducts {
  readonly n: number;
  readonly p: number;
  /** Block part: number of levels, effects per level, terms. */
  readonly m: number;
  readonly kb: number;
  readonly blockTerms: readonly TermPlacement[];
  /** Per level: Z1j'Z1j (kb x kb), Z1j'X (kb x p), Z1j'y (kb); row-major, concatenated over levels. */
  readonly ztzBlock: Float64Array;
  readonly ztxBlock: Float64Array;
  readonly ztyBlock: Float64Array;
  /** Dense part: q2 effects, terms; Z2'Z2 (q2 x q2), Z2'Z1 (q2 x m kb), Z2'X (q2 x p), Z2'y. */
  readonly q2: number;
  readonly denseTerms: readonly TermPlacement[];
  readonly ztzDense: Float64Array;
  readonly ztzCross: Float64Array;
  readonly ztxDense: Float64Array;
  readonly ztyDense: Float64Array;
  readonly xtx: Float64Array;
  readonly xty: Float64Array;
  readonly yty: number;
}

/** Chooses the block factor (most random effects) and accumulates all cross-products in one pass. */
export function mixedCrossProducts(re: ReStructure, X: DesignMatrix, y: Float64Array): MixedCrossProducts {
  const n = X.n;
  const p = X.p;
  // Group terms by grouping factor; the factor with the largest q = levels x effects is the block part.
  const qByGroup = new Map<string, number>();
  for (const t of re.terms) qByGroup.set(t.group, (qByGroup.get(t.group) ?? 0) + t.levels.length * t.k);
  let blockGroup = "";
  let best = -1;
  for (const [g, q] of qByGroup) {
    if (q > best) {
      best = q;
      blockGroup = g;
    }
  }
  const blockTerms: TermPlacement[] = [];
  const denseTerms: TermPlacement[] = [];
  let kb = 0;
  let q2 = 0;
  for (const t of re.terms) {
    if (t.group === blockGroup) {
      blockTerms.push({ term: t, offset: kb });
      kb += t.k;
    } else {
      denseTerms.push({ term: t, offset: q2 });
      q2 += t.levels.length * t.k;
    }
  }
  const m = blockTerms[0]!.term.levels.length;
  const blockCodes = blockTerms[0]!.term.codes;
  const q1 = m * kb;

  const ztzBlock = new Float64Array(m * kb * kb);
  const ztxBlock = new Float64Array(m * kb * p);
  const ztyBlock = new Float64Array(m * kb);
  const ztzDense = new Float64Array(q2 * q2);
  const ztzCross = new Float64Array(q2 * q1);
  const ztxDense = new Float64Array(q2 * p);
  const ztyDense = new Float64Array(q2);
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  let yty = 0;

  const zb = new Float64Array(kb);
  const x = new Float64Array(p);
  const nnz = denseTerms.reduce((s, d) => s + d.term.k, 0);
  const idx = new Int32Array(nnz);
  const val = new Float64Array(nnz);
  const Xc = X.columns;
  for (let i = 0; i < n; i++) {
    const yi = y[i]!;
    for (let c = 0; c < p; c++) x[c] = Xc[c]![i]!;
    for (const bt of blockTerms) for (let a = 0; a < bt.term.k; a++) zb[bt.offset + a] = bt.term.z[a]![i]!;
    const j = blockCodes[i]!;
    // Block part.
    const zo = j * kb * kb;
    const xo = j * kb * p;
    for (let a = 0; a < kb; a++) {
      const za = zb[a]!;
      if (za === 0) continue;
      for (let b = 0; b < kb; b++) ztzBlock[zo + a * kb + b]! += za * zb[b]!;
      for (let c = 0; c < p; c++) ztxBlock[xo + a * p + c]! += za * x[c]!;
      ztyBlock[j * kb + a]! += za * yi;
    }
    // Dense part.
    if (q2 > 0) {
      let h = 0;
      for (const dt of denseTerms) {
        const base = dt.offset + dt.term.codes[i]! * dt.term.k;
        for (let a = 0; a < dt.term.k; a++) {
          idx[h] = base + a;
          val[h] = dt.term.z[a]![i]!;
          h++;
        }
      }
      for (let s = 0; s < nnz; s++) {
        const r = idx[s]!;
        const v = val[s]!;
        if (v === 0) continue;
        for (let t = 0; t < nnz; t++) ztzDense[r * q2 + idx[t]!]! += v * val[t]!;
        const cross = r * q1 + j * kb;
        for (let a = 0; a < kb; a++) ztzCross[cross + a]! += v * zb[a]!;
        for (let c = 0; c < p; c++) ztxDense[r * p + c]! += v * x[c]!;
        ztyDense[r]! += v * yi;
      }
    }
    for (let a = 0; a < p; a++) {
      const xa = x[a]!;
      for (let b = 0; b < p; b++) xtx[a * p + b]! += xa * x[b]!;
      xty[a]! += xa * yi;
    }
    yty += yi * yi;
  }
  return { n, p, m, kb, blockTerms, ztzBlock, ztxBlock, ztyBlock, q2, denseTerms, ztzDense, ztzCross, ztxDense, ztyDense, xtx, xty, yty };
}
