// Feature maps of the BayesianLinear surrogate: linear, quadratic, and random Fourier features
// (Rahimi & Recht 2007, "Random features for large-scale kernel machines"), all on inputs
// standardised by the training data's mean and standard deviation, with an intercept first.

import { InvalidArgumentError } from "../errors.js";
import { normalDraw } from "../random/rng.js";
import type { Rng } from "../random/rng.js";

export type BasisKind = "linear" | "quadratic" | "rff";
export const BASIS_KINDS: readonly BasisKind[] = ["linear", "quadratic", "rff"];

/** A feature map, plain JSON (the random features' frequencies and phases are stored, not re-drawn). */
export interface BasisSpec {
  readonly kind: BasisKind;
  /** Input standardisation z = (x - center) / scale. */
  readonly center: number[];
  readonly scale: number[];
  /** rff only: frequencies (features x d, in standardised units) and phases. */
  readonly omega?: number[][];
  readonly phase?: number[];
  /** rff only: the length scale in standardised units the frequencies were drawn with. */
  readonly length_scale?: number;
}

/**
 * Builds a feature map for inputs X (n x d): linear [1, z], quadratic [1, z, z_i z_j (i <= j)], or
 * `features` random Fourier features sqrt(2/D) cos(omega' z + b), omega ~ N(0, I / l^2),
 * b ~ U(0, 2 pi), approximating an RBF kernel of length scale l (Rahimi & Recht 2007).
 */
export function createBasis(
  kind: BasisKind,
  X: readonly (readonly number[])[],
  options: { features?: number; length_scale?: number },
  rng: Rng,
): BasisSpec {
  if (!BASIS_KINDS.includes(kind)) throw new InvalidArgumentError(`basis must be one of ${BASIS_KINDS.join(", ")}, got ${JSON.stringify(kind)}`, "hyperparameters.basis");
  const d = (X[0] as readonly number[]).length;
  const n = X.length;
  const center: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (const r of X) m += r[j] as number;
    m /= n;
    let v = 0;
    for (const r of X) v += ((r[j] as number) - m) ** 2;
    const sd = Math.sqrt(v / n);
    center.push(m);
    scale.push(sd > 0 ? sd : 1);
  }
  if (kind !== "rff") return { kind, center, scale };
  const D = options.features ?? 100;
  if (!Number.isInteger(D) || D < 1) throw new InvalidArgumentError(`features must be a positive integer, got ${D}`, "hyperparameters.features");
  const l = options.length_scale ?? 1;
  if (!(l > 0) || !Number.isFinite(l)) throw new InvalidArgumentError(`length_scale must be > 0, got ${l}`, "hyperparameters.length_scale");
  const omega: number[][] = [];
  const phase: number[] = [];
  for (let k = 0; k < D; k++) {
    const w: number[] = [];
    for (let j = 0; j < d; j++) w.push(normalDraw(rng) / l);
    omega.push(w);
    phase.push(2 * Math.PI * rng());
  }
  return { kind, center, scale, omega, phase, length_scale: l };
}

/** Number of features of a basis (intercept included). */
export function basisSize(spec: BasisSpec): number {
  const d = spec.center.length;
  if (spec.kind === "linear") return 1 + d;
  if (spec.kind === "quadratic") return 1 + d + (d * (d + 1)) / 2;
  return 1 + (spec.omega as number[][]).length;
}

/** The feature vector phi(x). */
export function basisVector(spec: BasisSpec, x: readonly number[]): number[] {
  const d = spec.center.length;
  const z = new Array<number>(d);
  for (let j = 0; j < d; j++) z[j] = ((x[j] as number) - (spec.center[j] as number)) / (spec.scale[j] as number);
  const out = [1];
  if (spec.kind === "rff") {
    const omega = spec.omega as number[][];
    const phase = spec.phase as number[];
    const c = Math.sqrt(2 / omega.length);
    for (let k = 0; k < omega.length; k++) {
      const w = omega[k] as number[];
      let s = phase[k] as number;
      for (let j = 0; j < d; j++) s += (w[j] as number) * (z[j] as number);
      out.push(c * Math.cos(s));
    }
    return out;
  }
  out.push(...z);
  if (spec.kind === "quadratic") for (let i = 0; i < d; i++) for (let j = i; j < d; j++) out.push((z[i] as number) * (z[j] as number));
  return out;
}

/** The design matrix Phi (n x p), one feature vector per row. */
export function basisMatrix(spec: BasisSpec, X: readonly (readonly number[])[]): number[][] {
  return X.map((x) => basisVector(spec, x));
}
