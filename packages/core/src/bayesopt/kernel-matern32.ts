// Matern kernel with nu = 3/2: c(r) = (1 + sqrt3 r) exp(-sqrt3 r) (Rasmussen & Williams 2006,
// eq. 4.17; scikit-learn's Matern(nu=1.5)).

import type { Kernel } from "./kernel.js";

const S3 = Math.sqrt(3);

/** Matern-3/2 correlation; dc/d(r^2) = -(3/2) exp(-sqrt3 r) (Rasmussen & Williams 2006, eq. 4.17). */
export const matern32: Kernel = {
  name: "Matern32",
  corr: (r2) => {
    const a = S3 * Math.sqrt(r2);
    return (1 + a) * Math.exp(-a);
  },
  dcorr: (r2) => -1.5 * Math.exp(-S3 * Math.sqrt(r2)),
  corrAndDerivative: (r2, c, dc, count) => {
    for (let i = 0; i < count; i++) {
      const a = S3 * Math.sqrt(r2[i] as number);
      const e = Math.exp(-a);
      c[i] = (1 + a) * e;
      dc[i] = -1.5 * e;
    }
  },
};
