// Draws from the inverse-Wishart distribution by Bartlett's decomposition, the conjugate update
// of a covariance matrix in Gibbs samplers (Gelman et al., BDA3, appendix A and section 15.4).
// Sigma ~ IW(df, S) (density ∝ |Sigma|^{-(df+k+1)/2} exp(-tr(S Sigma^{-1}) / 2), E = S / (df - k - 1))
// is the inverse of W ~ Wishart(df, S^{-1}). With S = U U' (Cholesky) and A lower triangular,
// A_ii = sqrt(chi^2_{df - i}) (i = 0..k-1), A_ij ~ N(0, 1) below the diagonal (Bartlett 1933;
// Odell & Feiveson 1966), W = B B' with B = U^{-T} A. For k = 1 this is the inverse-gamma
// IG(df / 2, S / 2).

import { InvalidArgumentError } from "../../errors.js";
import { gammaDraw } from "../../bandit/sampling.js";
import { normalDraw, type Rng } from "../../random/rng.js";
import { backwardSolveTransposed, choleskyInPlace, choleskyInverse } from "../matrix/dense-cholesky.js";

export interface InverseWishartDraw {
  /** The draw Sigma (k x k, row-major). */
  readonly sigma: Float64Array;
  /** Its inverse W = Sigma^{-1} (k x k, row-major). */
  readonly precision: Float64Array;
}

/** One draw of Sigma ~ IW(df, scale) (scale k x k row-major, positive definite; df > k - 1). */
export function inverseWishartDraw(rng: Rng, df: number, scale: Float64Array, k: number): InverseWishartDraw {
  if (!(df > k - 1)) throw new InvalidArgumentError(`inverse-Wishart degrees of freedom ${df} must exceed k - 1 = ${k - 1}`);
  const U = Float64Array.from(scale);
  if (!choleskyInPlace(U, k)) throw new InvalidArgumentError("the inverse-Wishart scale matrix is not positive definite");
  const B = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    B[i * k + i] = Math.sqrt(2 * gammaDraw(rng, (df - i) / 2));
    for (let j = 0; j < i; j++) B[i * k + j] = normalDraw(rng);
  }
  // B <- U^{-T} A (solve U' B = A).
  backwardSolveTransposed(U, k, B, k);
  const precision = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += B[a * k + c]! * B[b * k + c]!;
      precision[a * k + b] = s;
      precision[b * k + a] = s;
    }
  }
  const L = Float64Array.from(precision);
  if (!choleskyInPlace(L, k)) throw new InvalidArgumentError("the Wishart draw is not positive definite");
  return { sigma: choleskyInverse(L, k), precision };
}
