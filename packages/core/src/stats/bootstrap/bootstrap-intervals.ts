// Bootstrap confidence intervals from replicate statistics: percentile and BCa (Efron 1987,
// "Better bootstrap confidence intervals", JASA 82:171-185) with the jackknife acceleration,
// interpolating order statistics on the normal scale exactly as R's boot::boot.ci does.

import { InvalidArgumentError } from "../../errors.js";
import { normalLower, normalQuantile } from "../../power/distributions/normal.js";

/** Quantiles of replicates by interpolation on the normal scale (R: boot:::norm.inter). */
export function normalInterpolatedQuantiles(replicates: readonly number[], alphas: readonly number[]): number[] {
  const t = replicates.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const R = t.length;
  if (R < 2) throw new InvalidArgumentError("bootstrap intervals need at least 2 finite replicates", "options.replicates");
  return alphas.map((alpha) => {
    const rk = (R + 1) * alpha;
    const k = Math.trunc(rk);
    if (k === rk && k >= 1 && k <= R) return t[k - 1]!;
    if (k <= 0) return t[0]!;
    if (k >= R) return t[R - 1]!;
    const z = normalQuantile(alpha);
    const zk = normalQuantile(k / (R + 1));
    const zk1 = normalQuantile((k + 1) / (R + 1));
    const tk = t[k - 1]!;
    const tk1 = t[k]!;
    return tk + ((z - zk) / (zk1 - zk)) * (tk1 - tk);
  });
}

/** Percentile interval (R: boot.ci(type = "perc")). */
export function percentileInterval(replicates: readonly number[], level: number): [number, number] {
  const [lo, hi] = normalInterpolatedQuantiles(replicates, [(1 - level) / 2, (1 + level) / 2]);
  return [lo!, hi!];
}

/**
 * Jackknife acceleration a = sum(L^3) / (6 sum(L^2)^1.5) with L_i = (n-1)(c - theta_(i)), c the
 * mean of the jackknife estimates (Efron & Tibshirani 1993, eq. 14.15) or, given `center`, the
 * estimate itself (R: boot::empinf(type = "jack")).
 */
export function jackknifeAcceleration(jackknife: readonly number[], center?: number): number {
  const n = jackknife.length;
  const m = center ?? jackknife.reduce((a, b) => a + b, 0) / n;
  let s2 = 0;
  let s3 = 0;
  for (const v of jackknife) {
    const l = (n - 1) * (m - v);
    s2 += l * l;
    s3 += l * l * l;
  }
  return s2 > 0 ? s3 / (6 * s2 ** 1.5) : 0;
}

export interface BcaInterval {
  readonly lower: number;
  readonly upper: number;
  /** Bias correction z0 = qnorm(#{t* < theta_hat} / R). */
  readonly bias_correction: number;
  readonly acceleration: number;
}

/**
 * BCa interval as a pure function of the estimate, its bootstrap replicates and its
 * leave-one-out (jackknife) estimates (R: boot.ci(type = "bca", L = (n-1)(mean(jack) - jack)));
 * `center: "estimate"` centres the influence values at the estimate as
 * boot.ci(type = "bca", L = empinf(b, type = "jack")) does.
 */
export function bcaInterval(
  thetaHat: number,
  replicates: readonly number[],
  jackknife: readonly number[],
  level: number,
  center: "jackknife-mean" | "estimate" = "jackknife-mean",
): BcaInterval {
  if (!(level > 0 && level < 1)) throw new InvalidArgumentError("level must be in (0, 1)", "options.level");
  const finite = replicates.filter((v) => Number.isFinite(v));
  const below = finite.filter((v) => v < thetaHat).length;
  const w = normalQuantile(below / finite.length);
  if (!Number.isFinite(w)) {
    throw new InvalidArgumentError("the BCa bias correction is infinite: every replicate lies on one side of the estimate", "options.replicates");
  }
  const a = jackknifeAcceleration(jackknife, center === "estimate" ? thetaHat : undefined);
  const alphas = [(1 - level) / 2, (1 + level) / 2].map((al) => {
    const z = normalQuantile(al);
    return normalLower(w + (w + z) / (1 - a * (w + z)));
  });
  const [lower, upper] = normalInterpolatedQuantiles(finite, alphas);
  return { lower: lower!, upper: upper!, bias_correction: w, acceleration: a };
}
