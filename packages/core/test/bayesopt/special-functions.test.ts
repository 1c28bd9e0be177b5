// Normal, Student-t, log-gamma and digamma against scipy 1.10.1 (golden/special-scipy.json,
// produced by the Python in its `source` field).

import { describe, expect, it } from "vitest";
import { digamma, logGamma } from "../../src/bayesopt/log-gamma.js";
import { erfc, normalCdf, normalPdf } from "../../src/bayesopt/normal.js";
import { studentTCdf, studentTPdf } from "../../src/bayesopt/student-t.js";
import golden from "./golden/special-scipy.json";

const rel = (a: number, b: number) => (b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b));

describe("normal distribution (Cody erfc) vs scipy.special.ndtr / scipy.stats.norm.pdf", () => {
  it("cdf to 1e-15 relative for |z| <= 8 (1e-13 in the far lower tail)", () => {
    for (const c of golden.normal) {
      // far out, the rounding of z / sqrt(2) is amplified by z^2 in the relative error
      const tol = Math.abs(c.z) <= 8 ? 1e-15 * Math.max(1, c.z * c.z) : 1e-13;
      expect(rel(normalCdf(c.z), c.cdf), `z=${c.z}`).toBeLessThan(tol);
      expect(rel(normalPdf(c.z), c.pdf), `pdf z=${c.z}`).toBeLessThan(Math.abs(c.z) <= 8 ? 1e-15 * Math.max(1, c.z * c.z) : 1e-13);
    }
  });
  it("erfc limits and symmetry", () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
    for (const x of [0.1, 0.4, 0.9, 2.5, 5]) expect(Math.abs(erfc(x) + erfc(-x) - 2)).toBeLessThan(4e-16);
  });
});

describe("Student-t vs scipy.stats.t", () => {
  it("cdf and pdf to 1e-12 relative", () => {
    for (const c of golden.student_t) {
      expect(rel(studentTCdf(c.t, c.dof), c.cdf), `cdf t=${c.t} dof=${c.dof}`).toBeLessThan(1e-12);
      expect(rel(studentTPdf(c.t, c.dof), c.pdf), `pdf t=${c.t} dof=${c.dof}`).toBeLessThan(1e-12);
    }
  });
});

describe("log-gamma and digamma vs scipy.special", () => {
  it("gammaln to 1e-13 (absolute near its zeros), digamma to 5e-14", () => {
    for (const c of golden.gamma) {
      expect(Math.abs(logGamma(c.x) - c.lgamma), `lgamma(${c.x})`).toBeLessThan(1e-13 * Math.max(1, Math.abs(c.lgamma)));
      expect(Math.abs(digamma(c.x) - c.digamma), `digamma(${c.x})`).toBeLessThan(5e-14 * Math.max(1, Math.abs(c.digamma)));
    }
  });
});
