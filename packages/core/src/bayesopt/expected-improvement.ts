// Expected improvement (Jones, Schonlau & Welch 1998; Mockus 1978) in closed form for a normal
// predictive, a Student-t predictive (Shah, Wilson & Ghahramani 2014, "Student-t processes as
// alternatives to Gaussian processes", §4) and a Gaussian mixture (EI is linear in the density).
// Written for maximisation of u = f - best - xi; minimisation negates f and best.

import { normalCdf, normalPdf } from "./normal.js";
import { studentTCdf, studentTPdf } from "./student-t.js";
import type { LatentDistribution } from "./types.js";

/**
 * EI of a normal predictive for maximisation: with u = mean - best - xi and z = u / std,
 * EI = u Phi(z) + std phi(z), dEI/dmean = Phi(z), dEI/dstd = phi(z) (Jones et al. 1998, eq. 15).
 */
export function expectedImprovementNormal(mean: number, std: number, best: number, xi: number): { value: number; dmean: number; dstd: number } {
  const u = mean - best - xi;
  if (!(std > 0)) return { value: Math.max(u, 0), dmean: u > 0 ? 1 : 0, dstd: 0 };
  const z = u / std;
  const cdf = normalCdf(z);
  const pdf = normalPdf(z);
  return { value: Math.max(0, u * cdf + std * pdf), dmean: cdf, dstd: pdf };
}

/**
 * EI of a Student-t predictive (location m, scale s, dof nu > 1) for maximisation: with
 * z = (m - best - xi) / s, EI = (m - best - xi) T_nu(z) + s (nu + z^2) / (nu - 1) t_nu(z)
 * (Shah, Wilson & Ghahramani 2014, eq. 12, for maximisation).
 */
export function expectedImprovementStudentT(mean: number, scale: number, dof: number, best: number, xi: number): number {
  const u = mean - best - xi;
  if (!(scale > 0)) return Math.max(u, 0);
  if (!(dof > 1)) return Infinity;
  const z = u / scale;
  return Math.max(0, u * studentTCdf(z, dof) + ((scale * (dof + z * z)) / (dof - 1)) * studentTPdf(z, dof));
}

/** EI of any latent distribution, maximising (or minimising: goal "minimize") with margin xi >= 0. */
export function expectedImprovement(dist: LatentDistribution, best: number, xi = 0, goal: "maximize" | "minimize" = "maximize"): number {
  const sign = goal === "minimize" ? -1 : 1;
  switch (dist.family) {
    case "normal":
      return expectedImprovementNormal(sign * dist.mean, dist.std, sign * best, xi).value;
    case "student_t":
      return expectedImprovementStudentT(sign * dist.mean, dist.scale, dist.dof, sign * best, xi);
    case "mixture": {
      let s = 0;
      for (let k = 0; k < dist.weights.length; k++) {
        s += (dist.weights[k] as number) * expectedImprovementNormal(sign * (dist.means[k] as number), dist.stds[k] as number, sign * best, xi).value;
      }
      return s;
    }
  }
}
