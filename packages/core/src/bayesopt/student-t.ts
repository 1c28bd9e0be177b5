// Student-t density and distribution function (the predictive of BayesianLinear), from the shared
// distribution functions of packages/core/src/power/distributions (accurate to ~1e-14).

import { studentDensity, studentUpper } from "../power/distributions/student-t.js";

/** Density of Student's t with `dof` degrees of freedom (R: dt). */
export function studentTPdf(t: number, dof: number): number {
  return studentDensity(t, dof);
}

/** Distribution function of Student's t with `dof` degrees of freedom (R: pt), accurate in both tails. */
export function studentTCdf(t: number, dof: number): number {
  return t >= 0 ? 1 - studentUpper(t, dof) : studentUpper(-t, dof);
}
