// Effect spaces of a design, computed from its runs: each term (a main effect or an interaction)
// spans the products of its factors' contrasts, made orthogonal to the intercept and to the
// term's own lower-order terms (the hierarchical parametrisation). Two terms are aliased when
// their spaces are not orthogonal; the sum of squared cosines between orthonormal bases counts
// the degrees of freedom they share (1 for full aliasing of two one-df effects, 1/9 for the
// partial aliasing of a Plackett-Burman design). This is how a requested interaction is checked
// in any design, regular or not (Wu & Hamada, Experiments, 2nd ed., sec. 8.4 and 9.2).

/**
 * Orthonormal Helmert contrasts on s levels: rows are components, entries per level, with
 * (1/s) * sum c^2 = 1 and sum c = 0 (R's contr.helmert, rescaled).
 */
export function orthonormalContrasts(s: number): number[][] {
  const out: number[][] = [];
  for (let j = 1; j < s; j++) {
    const scale = Math.sqrt(s / (j * (j + 1)));
    out.push([...Array(s).keys()].map((l) => (l < j ? -1 : l === j ? j : 0) * scale));
  }
  return out;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Orthonormalises `cols` against the orthonormal `basis` and each other, dropping dependent columns (modified Gram-Schmidt with reorthogonalisation; Golub & Van Loan, Matrix Computations, 4th ed., sec. 5.2.8). */
export function orthonormalise(cols: readonly number[][], basis: readonly number[][] = []): number[][] {
  const out: number[][] = [];
  for (const c of cols) {
    const v = [...c];
    const norm0 = Math.sqrt(dot(v, v));
    if (norm0 === 0) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (const q of [...basis, ...out]) {
        const a = dot(v, q);
        for (let i = 0; i < v.length; i++) v[i]! -= a * q[i]!;
      }
    }
    const norm = Math.sqrt(dot(v, v));
    if (norm > 1e-8 * norm0) out.push(v.map((x) => x / norm));
  }
  return out;
}

/** Degrees of freedom two orthonormal bases share: the squared Frobenius norm of Q_E' Q_F, the sum of squared canonical correlations (Bjorck & Golub 1973, Math. Comp. 27). */
export function sharedDegreesOfFreedom(e: readonly number[][], f: readonly number[][]): number {
  let s = 0;
  for (const a of e) for (const b of f) s += dot(a, b) ** 2;
  return s;
}

/** The effect spaces of one design (runs of 0-based level indices), memoised per term; hierarchical parametrisation as in Wu & Hamada, Experiments, sec. 6.6. */
export class EffectSpaces {
  private readonly memo = new Map<string, number[][]>();
  private readonly contrasts: number[][][];
  readonly n: number;

  constructor(readonly runs: readonly (readonly number[])[], readonly levelCounts: readonly number[]) {
    this.n = runs.length;
    this.contrasts = levelCounts.map((s) => orthonormalContrasts(s));
  }

  /** Raw product columns of a term (factor indices ascending). */
  columns(term: readonly number[]): number[][] {
    let cols: number[][] = [new Array<number>(this.n).fill(1)];
    for (const f of term) {
      const next: number[][] = [];
      for (const comp of this.contrasts[f]!) {
        for (const c of cols) next.push(c.map((x, r) => x * comp[this.runs[r]![f]!]!));
      }
      cols = next;
    }
    return cols;
  }

  /** Orthonormal basis of a term's space, orthogonal to the intercept and to its lower-order terms. */
  space(term: readonly number[]): number[][] {
    const key = term.join(",");
    const hit = this.memo.get(key);
    if (hit) return hit;
    let result: number[][];
    if (term.length === 0) result = [new Array<number>(this.n).fill(1 / Math.sqrt(this.n))];
    else {
      const lower: number[][] = [];
      for (let mask = 0; mask < (1 << term.length) - 1; mask++) {
        lower.push(...this.space(term.filter((_, i) => mask & (1 << i))));
      }
      result = orthonormalise(this.columns(term), lower);
    }
    this.memo.set(key, result);
    return result;
  }

  /** Full number of degrees of freedom of a term: the product of (levels - 1). */
  fullDf(term: readonly number[]): number {
    return term.reduce((p, f) => p * (this.levelCounts[f]! - 1), 1);
  }
}

/** A requested interaction that is not clear: aliased with a main effect or another requested interaction. */
export interface AliasFinding {
  interaction: number[];
  /** The other term: one factor (a main effect), several (an interaction), or none (not estimable at all). */
  other: number[];
  /** Degrees of freedom the two terms share. */
  shared: number;
  interactionDf: number;
  otherDf: number;
}

/**
 * The first requested interaction that is not clear: not fully estimable, or not orthogonal to
 * a main effect of another factor or to another requested interaction. Undefined when all are clear
 * (clear effects: Wu & Chen 1992, Technometrics 34; Wu & Hamada, Experiments, sec. 5.2).
 */
export function findInteractionAlias(spaces: EffectSpaces, interactions: readonly (readonly number[])[]): AliasFinding | undefined {
  const k = spaces.levelCounts.length;
  const tol = 1e-9;
  for (let a = 0; a < interactions.length; a++) {
    const t = interactions[a]!;
    const st = spaces.space(t);
    const full = spaces.fullDf(t);
    if (st.length < full) {
      return { interaction: [...t], other: [], shared: full - st.length, interactionDf: full, otherDf: 0 };
    }
    for (let f = 0; f < k; f++) {
      if (t.includes(f)) continue;
      const sf = spaces.space([f]);
      const shared = sharedDegreesOfFreedom(st, sf);
      if (shared > tol) return { interaction: [...t], other: [f], shared, interactionDf: st.length, otherDf: sf.length };
    }
    for (let b = 0; b < interactions.length; b++) {
      if (b === a) continue;
      const u = interactions[b]!;
      const su = spaces.space(u);
      const shared = sharedDegreesOfFreedom(st, su);
      if (shared > tol) return { interaction: [...t], other: [...u], shared, interactionDf: st.length, otherDf: su.length };
    }
  }
  return undefined;
}
