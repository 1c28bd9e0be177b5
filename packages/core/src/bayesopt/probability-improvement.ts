// Probability of improvement (Kushner 1964) in closed form for normal, Student-t and
// Gaussian-mixture predictives: P(f > best + xi) for maximisation, P(f < best - xi) for minimisation.

import { normalCdf, normalPdf } from "./normal.js";
import { studentTCdf } from "./student-t.js";
import type { LatentDistribution } from "./types.js";

/**
 * PI of a normal predictive for maximisation: Phi(z), z = (mean - best - xi) / std, with
 * dPI/dmean = phi(z)/std and dPI/dstd = -z phi(z)/std (Kushner 1964).
 */
export function probabilityImprovementNormal(mean: number, std: number, best: number, xi: number): { value: number; dmean: number; dstd: number } {
  const u = mean - best - xi;
  if (!(std > 0)) return { value: u > 0 ? 1 : 0, dmean: 0, dstd: 0 };
  const z = u / std;
  const pdf = normalPdf(z);
  return { value: normalCdf(z), dmean: pdf / std, dstd: (-z * pdf) / std };
}

/** PI of any latent distribution (Kushner 1964): the predictive mass beyond best + xi in the goal's direction. */
export function probabilityImprovement(dist: LatentDistribution, best: number, xi = 0, goal: "maximize" | "minimize" = "maximize"): number {
  const sign = goal === "minimize" ? -1 : 1;
  switch (dist.family) {
    case "normal":
      return probabilityImprovementNormal(sign * dist.mean, dist.std, sign * best, xi).value;
    case "student_t": {
      const u = sign * dist.mean - sign * best - xi;
      if (!(dist.scale > 0)) return u > 0 ? 1 : 0;
      return studentTCdf(u / dist.scale, dist.dof);
    }
    case "mixture": {
      let s = 0;
      for (let k = 0; k < dist.weights.length; k++) {
        s += (dist.weights[k] as number) * probabilityImprovementNormal(sign * (dist.means[k] as number), dist.stds[k] as number, sign * best, xi).value;
      }
      return s;
    }
  }
}
