// Least squares from cell sufficient statistics. When every row of a cell (a combination of the
// design) has the same regressors x_c, ordinary least squares on the raw rows equals weighted
// least squares on the cell means with weights n_c: X'X = Σ n_c x_c x_c' and X'y = Σ x_c sum_c,
// so the coefficients, their covariance and the sequential (type I) sums of squares are those of
// the raw-row fit, and the raw residual sum of squares splits into the within-cell part
// Σ (sum_sq_c - sum_c²/n_c) and the lack of fit Σ n_c (ȳ_c - x_c'β)². Solved by Householder QR of
// W^½X (no normal equations), as R's lm.fit does; the QR "effects" Q'W^½ȳ give the sequential
// sums of squares exactly as anova.lm takes them (Chambers & Hastie, Statistical Models in S,
// 1992, ch. 4-5; Golub & Van Loan, Matrix Computations, 4th ed., sec. 5.1-5.3).

import { InvalidArgumentError } from "../errors.js";

/** One cell: its regressor row and the sufficient statistics of its responses. */
export interface FitCell {
  /** Regressors of the cell (one entry per model column). */
  x: readonly number[];
  /** Number of responses. */
  n: number;
  /** Sum of the responses. */
  sum: number;
  /** Within-cell sum of squared deviations from the cell mean, Σ (y - ȳ_c)². */
  ss: number;
}

/** The result of {@link fitCellMeans}. */
export interface CellMeansFit {
  /** Coefficients, one per column. */
  coefficients: number[];
  /** (X'WX)⁻¹, the covariance of the coefficients divided by σ². */
  unscaledCovariance: number[][];
  /** Q'W^½ȳ: the j-th entry squared is the sequential sum of squares of column j. */
  effects: number[];
  /** Fitted cell means, per cell. */
  fitted: number[];
  /** Units: Σ n_c. */
  n: number;
  /** Pure error: the within-cell sum of squares Σ ss_c. */
  withinSs: number;
  /** Σ n_c (ȳ_c - fitted_c)². */
  lackOfFitSs: number;
  /** Residual sum of squares of the raw rows: within + lack of fit. */
  residualSs: number;
  /** Residual degrees of freedom: n - number of columns. */
  residualDf: number;
}

/** Raised when a column of the model is (numerically) a combination of the columns before it. */
export class RankDeficiencyError extends InvalidArgumentError {
  override readonly name: string = "RankDeficiencyError";
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message, "results");
  }
}

/** Relative size below which a column's remainder after the earlier columns counts as zero. */
const RANK_TOL = 1e-9;

/**
 * Weighted least squares on cell means with weights n_c, equivalent to OLS on the raw rows (see
 * the module comment). Cells with n = 0 carry no weight and are left out. Throws
 * RankDeficiencyError naming the first column that the cells with data cannot separate from the
 * earlier ones (R's lm would report it NA).
 */
export function fitCellMeans(cells: readonly FitCell[], p: number): CellMeansFit {
  const used = cells.filter((c) => c.n > 0);
  const m = used.length;
  const n = used.reduce((s, c) => s + c.n, 0);
  // A = W^½ X (m x p), b = W^½ ȳ.
  const a = used.map((c) => {
    if (c.x.length !== p) throw new InvalidArgumentError(`every cell needs ${p} regressors, got ${c.x.length}`);
    const w = Math.sqrt(c.n);
    return c.x.map((v) => v * w);
  });
  const b = used.map((c) => Math.sqrt(c.n) * (c.sum / c.n));
  const norms = [...Array(p).keys()].map((j) => Math.sqrt(a.reduce((s, row) => s + row[j]! ** 2, 0)));
  const r: number[][] = [...Array(p)].map(() => new Array<number>(p).fill(0));

  for (let j = 0; j < p; j++) {
    // Householder reflection zeroing column j below the diagonal (Golub & Van Loan, alg. 5.1.1).
    let sigma = 0;
    for (let i = j; i < m; i++) sigma += a[i]![j]! ** 2;
    const alpha = Math.sqrt(sigma);
    if (j >= m || !(alpha > RANK_TOL * Math.max(norms[j]!, Number.MIN_VALUE)) || norms[j] === 0) {
      throw new RankDeficiencyError(`column ${j + 1} is not estimable from the cells with data`, j);
    }
    const x0 = a[j]![j]!;
    const beta = x0 > 0 ? -alpha : alpha; // the new diagonal, sign chosen against cancellation
    const v = new Array<number>(m).fill(0);
    v[j] = x0 - beta;
    for (let i = j + 1; i < m; i++) v[i] = a[i]![j]!;
    const vv = v.reduce((s, t) => s + t * t, 0);
    const apply = (col: (i: number) => number, set: (i: number, value: number) => void) => {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i]! * col(i);
      const f = (2 * dot) / vv;
      for (let i = j; i < m; i++) set(i, col(i) - f * v[i]!);
    };
    for (let k = j; k < p; k++) {
      apply(
        (i) => a[i]![k]!,
        (i, value) => (a[i]![k] = value),
      );
    }
    apply(
      (i) => b[i]!,
      (i, value) => (b[i] = value),
    );
    for (let k = j; k < p; k++) r[j]![k] = a[j]![k]!;
  }

  const effects = b.slice(0, p);
  // Back substitution R β = Q'b.
  const coefficients = new Array<number>(p).fill(0);
  for (let j = p - 1; j >= 0; j--) {
    let s = effects[j]!;
    for (let k = j + 1; k < p; k++) s -= r[j]![k]! * coefficients[k]!;
    coefficients[j] = s / r[j]![j]!;
  }
  // R⁻¹ (upper triangular), then (X'WX)⁻¹ = R⁻¹ R⁻ᵀ.
  const rinv: number[][] = [...Array(p)].map(() => new Array<number>(p).fill(0));
  for (let j = 0; j < p; j++) {
    rinv[j]![j] = 1 / r[j]![j]!;
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += r[i]![k]! * rinv[k]![j]!;
      rinv[i]![j] = -s / r[i]![i]!;
    }
  }
  const unscaledCovariance = [...Array(p)].map((_, i) =>
    [...Array(p)].map((__, j) => {
      let s = 0;
      for (let k = Math.max(i, j); k < p; k++) s += rinv[i]![k]! * rinv[j]![k]!;
      return s;
    }),
  );

  const fittedAll = cells.map((c) => c.x.reduce((s, v, j) => s + v * coefficients[j]!, 0));
  let lackOfFitSs = 0;
  let withinSs = 0;
  cells.forEach((c, i) => {
    if (c.n <= 0) return;
    lackOfFitSs += c.n * (c.sum / c.n - fittedAll[i]!) ** 2;
    withinSs += c.ss;
  });
  return {
    coefficients,
    unscaledCovariance,
    effects,
    fitted: fittedAll,
    n,
    withinSs,
    lackOfFitSs,
    residualSs: withinSs + lackOfFitSs,
    residualDf: n - p,
  };
}
