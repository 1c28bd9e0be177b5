// Squared-exponential (RBF) kernel: c(r) = exp(-r^2 / 2) (Rasmussen & Williams 2006, eq. 4.9;
// scikit-learn's RBF).

import type { Kernel } from "./kernel.js";

/** RBF correlation c(r^2) = exp(-r^2/2), dc/d(r^2) = -c/2 (Rasmussen & Williams 2006, eq. 4.9). */
export const rbf: Kernel = {
  name: "RBF",
  corr: (r2) => Math.exp(-0.5 * r2),
  dcorr: (r2) => -0.5 * Math.exp(-0.5 * r2),
  corrAndDerivative: (r2, c, dc, count) => {
    for (let i = 0; i < count; i++) {
      const e = Math.exp(-0.5 * (r2[i] as number));
      c[i] = e;
      dc[i] = -0.5 * e;
    }
  },
};
