// Upper confidence bound (GP-UCB, Srinivas, Krause, Kakade & Seeger 2010) in BoTorch's
// convention: mean + sqrt(beta) std for maximisation, -mean + sqrt(beta) std for minimisation
// (the negated lower confidence bound), with std the predictive distribution's standard deviation.

import type { LatentDistribution } from "./types.js";

/** The standard deviation of a latent distribution (Student-t: s sqrt(nu / (nu - 2)); mixture: by total variance). */
export function distributionStd(dist: LatentDistribution): number {
  switch (dist.family) {
    case "normal":
      return dist.std;
    case "student_t":
      return dist.dof > 2 ? dist.scale * Math.sqrt(dist.dof / (dist.dof - 2)) : Infinity;
    case "mixture": {
      let m = 0;
      for (let k = 0; k < dist.weights.length; k++) m += (dist.weights[k] as number) * (dist.means[k] as number);
      let v = 0;
      for (let k = 0; k < dist.weights.length; k++) v += (dist.weights[k] as number) * ((dist.stds[k] as number) ** 2 + ((dist.means[k] as number) - m) ** 2);
      return Math.sqrt(v);
    }
  }
}

/** The mean of a latent distribution. */
export function distributionMean(dist: LatentDistribution): number {
  if (dist.family !== "mixture") return dist.mean;
  let m = 0;
  for (let k = 0; k < dist.weights.length; k++) m += (dist.weights[k] as number) * (dist.means[k] as number);
  return m;
}

/** UCB = sign * mean + sqrt(beta) * std, sign = +1 to maximise, -1 to minimise (Srinivas et al. 2010; BoTorch UpperConfidenceBound). */
export function upperConfidenceBound(dist: LatentDistribution, beta: number, goal: "maximize" | "minimize" = "maximize"): number {
  const sign = goal === "minimize" ? -1 : 1;
  return sign * distributionMean(dist) + Math.sqrt(beta) * distributionStd(dist);
}
