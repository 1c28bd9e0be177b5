// Covariance matrices of the Gaussian process: K(X, X) with the noise on its diagonal and the
// cross-covariance k(x*, X), for signal_variance * c(r^2) with per-dimension (ARD) or shared
// length scales (Rasmussen & Williams 2006, §5.1).

import type { Kernel } from "./kernel.js";

/** Hyperparameters of a GP: `length_scale` has one entry (shared) or one per input dimension (ARD). */
export interface GpHyperparameters {
  readonly length_scale: readonly number[];
  readonly signal_variance: number;
  readonly noise_variance: number;
}

/** 1 / l_d^2 for every input dimension (a shared length scale is repeated). */
export function inverseSquaredLengthScales(length_scale: readonly number[], dim: number): Float64Array {
  const out = new Float64Array(dim);
  for (let d = 0; d < dim; d++) {
    const l = (length_scale.length === 1 ? length_scale[0] : length_scale[d]) as number;
    out[d] = 1 / (l * l);
  }
  return out;
}

/** Squared scaled distance sum_d (a_d - b_d)^2 / l_d^2. */
export function scaledSquaredDistance(a: readonly number[], b: readonly number[], invL2: Float64Array): number {
  let s = 0;
  for (let d = 0; d < invL2.length; d++) {
    const t = (a[d] as number) - (b[d] as number);
    s += t * t * (invL2[d] as number);
  }
  return s;
}

/**
 * K = signal_variance * C(X, X) + diag(noise_variance + noise_i + jitter): the covariance of the
 * noisy training targets (Rasmussen & Williams 2006, eq. 2.20 with heteroscedastic noise).
 */
export function trainingCovariance(
  kernel: Kernel,
  X: readonly (readonly number[])[],
  hyp: GpHyperparameters,
  noise: readonly number[] | null | undefined,
  jitter = 0,
): Float64Array {
  const n = X.length;
  const dim = n > 0 ? (X[0] as readonly number[]).length : 0;
  const invL2 = inverseSquaredLengthScales(hyp.length_scale, dim);
  const K = new Float64Array(n * n);
  const sf = hyp.signal_variance;
  for (let i = 0; i < n; i++) {
    const xi = X[i] as readonly number[];
    for (let j = 0; j < i; j++) {
      const v = sf * kernel.corr(scaledSquaredDistance(xi, X[j] as readonly number[], invL2));
      K[i * n + j] = v;
      K[j * n + i] = v;
    }
    K[i * n + i] = sf + hyp.noise_variance + (noise ? (noise[i] as number) : 0) + jitter;
  }
  return K;
}

/** The cross-covariance k(x*, X) = signal_variance * c(r^2(x*, x_i)) for i = 1..n. */
export function crossCovariance(
  kernel: Kernel,
  xstar: readonly number[],
  X: readonly (readonly number[])[],
  signal_variance: number,
  invL2: Float64Array,
): Float64Array {
  const out = new Float64Array(X.length);
  for (let i = 0; i < X.length; i++) out[i] = signal_variance * kernel.corr(scaledSquaredDistance(xstar, X[i] as readonly number[], invL2));
  return out;
}
