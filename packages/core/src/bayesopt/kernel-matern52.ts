// Matern kernel with nu = 5/2: c(r) = (1 + sqrt5 r + 5 r^2 / 3) exp(-sqrt5 r) (Rasmussen &
// Williams 2006, eq. 4.17; scikit-learn's Matern(nu=2.5)).

import type { Kernel } from "./kernel.js";

const S5 = Math.sqrt(5);

/** Matern-5/2 correlation; dc/d(r^2) = -(5/6)(1 + sqrt5 r) exp(-sqrt5 r) (Rasmussen & Williams 2006, eq. 4.17). */
export const matern52: Kernel = {
  name: "Matern52",
  corr: (r2) => {
    const a = S5 * Math.sqrt(r2);
    return (1 + a + (5 / 3) * r2) * Math.exp(-a);
  },
  dcorr: (r2) => {
    const a = S5 * Math.sqrt(r2);
    return (-5 / 6) * (1 + a) * Math.exp(-a);
  },
  corrAndDerivative: (r2, c, dc, count) => {
    for (let i = 0; i < count; i++) {
      const s = r2[i] as number;
      const a = S5 * Math.sqrt(s);
      const e = Math.exp(-a);
      c[i] = (1 + a + (5 / 3) * s) * e;
      dc[i] = (-5 / 6) * (1 + a) * e;
    }
  },
};
