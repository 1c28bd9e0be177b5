// The stationary covariance kernels of the Gaussian process, as correlation functions of the
// squared scaled distance r^2 = sum_d (x_d - x'_d)^2 / l_d^2 (Rasmussen & Williams 2006, ch. 4),
// and the registry that maps a kernel name to its implementation.

import { InvalidArgumentError } from "../errors.js";
import { matern32 } from "./kernel-matern32.js";
import { matern52 } from "./kernel-matern52.js";
import { rbf } from "./kernel-rbf.js";
import type { KernelName } from "./types.js";

/** A stationary, isotropic-in-scaled-distance correlation function c(r^2) with c(0) = 1. */
export interface Kernel {
  readonly name: KernelName;
  /** The correlation at squared scaled distance r2. */
  corr(r2: number): number;
  /** d corr / d(r^2) at r2 (finite at r2 = 0 for every kernel here). */
  dcorr(r2: number): number;
  /** c[i] = corr(r2[i]) and dc[i] = dcorr(r2[i]) for i < count, sharing one exp per entry. */
  corrAndDerivative(r2: Float64Array, c: Float64Array, dc: Float64Array, count: number): void;
}

const KERNELS: Readonly<Record<KernelName, Kernel>> = { RBF: rbf, Matern32: matern32, Matern52: matern52 };

/** The kernel of a name; throws InvalidArgumentError for an unknown name. */
export function getKernel(name: string, path = "hyperparameters.kernel"): Kernel {
  const k = (KERNELS as Record<string, Kernel | undefined>)[name];
  if (!k) throw new InvalidArgumentError(`kernel must be one of ${Object.keys(KERNELS).join(", ")}, got ${JSON.stringify(name)}`, path);
  return k;
}
