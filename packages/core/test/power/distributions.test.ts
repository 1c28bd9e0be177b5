// The distribution functions under the power solvers, against R 4.2.2 (values printed with
// options(digits = 17)) and, where R itself approximates, against mpmath 1.3 at 30-40 digits
// (a direct quadrature of the defining integral; the script lines are quoted beside the values).

import { describe, expect, it } from "vitest";
import { fisherUpper, fisherUpperQuantile } from "../../src/power/distributions/fisher-f.js";
import { noncentralFUpper } from "../../src/power/distributions/noncentral-f.js";
import { noncentralTLower, noncentralTUpper } from "../../src/power/distributions/noncentral-t.js";
import { normalUpper, normalUpperQuantile } from "../../src/power/distributions/normal.js";
import { studentUpper, studentUpperQuantile } from "../../src/power/distributions/student-t.js";
import { incompleteBeta } from "../../src/power/special/incomplete-beta.js";
import { logBeta, logGamma } from "../../src/power/special/log-gamma.js";
import { brentRoot } from "../../src/power/root-find.js";

const rel = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe("normal", () => {
  it.each([
    // [z, R: pnorm(z, lower.tail = FALSE)]
    [1.96, 0.024997895148220428],
    [-3, 1 - 0.0013498980316300946], // pnorm(-3) is the lower tail
    [8.5, 9.4795348222033192e-18], // far tail keeps relative accuracy
  ])("upper tail at %d", (z, want) => {
    expect(rel(normalUpper(z), want)).toBeLessThan(1e-14);
  });
  it.each([
    // [p, R: qnorm(p, lower.tail = FALSE)]
    [0.025, 1.9599639845400538],
    [1e-10, 6.3613409024040557],
    [0.7, -0.52440051270804067],
  ])("upper quantile at %d", (p, want) => {
    expect(rel(normalUpperQuantile(p), want)).toBeLessThan(1e-14);
  });
});

describe("special functions", () => {
  it("log-gamma and log-beta (R: lgamma, lbeta)", () => {
    expect(rel(logGamma(123.4), 469.33609744219063)).toBeLessThan(1e-15); // lgamma(123.4)
    expect(rel(logGamma(3.3), 0.98709857789473443)).toBeLessThan(1e-15); // lgamma(3.3)
    expect(rel(logBeta(5e6, 0.5), -7.1401092672744877)).toBeLessThan(1e-14); // lbeta(5e6, .5)
  });
  it("incomplete beta, both tails (R: pbeta)", () => {
    expect(rel(incompleteBeta(0.3, 2.5, 7).lower, 0.64122246297172114)).toBeLessThan(1e-14); // pbeta(.3, 2.5, 7)
    expect(rel(incompleteBeta(0.999, 400, 3).upper, 0.0079908219288229304)).toBeLessThan(1e-13); // pbeta(.999, 400, 3, lower = FALSE)
  });
  it("incomplete beta where the continued fraction is ill-conditioned (t with ν = 1e7)", () => {
    // mpmath: betainc(5e6, 1/2, 0, mpf(10**7)/(10**7 + 4), regularized=True) at 40 digits
    // (R's pbeta gives 0.045500290884203112 here, 2e-10 off).
    const want = 0.04550029089184295;
    expect(rel(incompleteBeta(1e7 / (1e7 + 4), 5e6, 0.5, 4 / (1e7 + 4)).lower, want)).toBeLessThan(1e-13);
  });
});

describe("Student t", () => {
  it.each([
    // [t, df, R: pt(t, df, lower.tail = FALSE)]
    [2.1, 7.5, 0.035618535729039023],
    [-1.3, 3, 0.85776624563605153],
  ])("upper tail pt(%d, %d)", (t, df, want) => {
    expect(rel(studentUpper(t, df), want)).toBeLessThan(1e-13);
  });
  it.each([
    // [p, df, R: qt(p, df, lower.tail = FALSE)]
    [0.025, 2.5, 3.5746548420036932],
    [0.005, 1e5, 2.5758784699083743],
  ])("upper quantile qt(%d, %d)", (p, df, want) => {
    expect(rel(studentUpperQuantile(p, df), want)).toBeLessThan(1e-12);
  });
});

describe("noncentral t (AS 243 from the Poisson mode)", () => {
  it.each([
    // [t, df, ncp, R: pt(t, df, ncp, lower.tail = FALSE)]; R's own error bound is 1e-12
    [2, 30, 2.5, 0.69166554635252964],
    [-0.5, 10, -1, 0.30528023262168835],
    [25, 4, 30, 0.78077749850326483],
  ])("pt(%d, %d, ncp = %d, lower.tail = FALSE)", (t, df, ncp, want) => {
    expect(Math.abs(noncentralTUpper(t, df, ncp) - want)).toBeLessThan(1e-12);
  });
  it("lower tail (R: pt(1.5, 12, ncp = 2) = 0.30546435174292741)", () => {
    expect(Math.abs(noncentralTLower(1.5, 12, 2) - 0.30546435174292741)).toBeLessThan(1e-12);
  });
  it.each([
    // Where R switches to a normal approximation (ncp > 37.62, or df > 4e5) or loses digits to
    // large df, against mpmath:
    // quad(2 df s dchisq(df s^2, df) * ncdf(ncp - t s), s in (0, inf)) at 30 digits.
    [12, 2, 39, 0.999970310136902], // R: 0.99999860273461694 (approximation)
    [40, 7.5, 45, 0.7393740087769463],
    [2, 1e6, 2.5, 0.6914624612742112],
    [2, 3e5, 2.5, 0.6914624612762135], // R: 0.69146246136419909
    [1.7, 1e5, 3, 0.9031986341613341], // R: 0.90319863417810686 (its series loses ~1e-11 at large df)
  ])("P(T > %d) with df %d, ncp %d", (t, df, ncp, want) => {
    expect(Math.abs(noncentralTUpper(t, df, ncp) - want)).toBeLessThan(1e-13);
  });
  it("reduces to the central t at ncp = 0 and sums to one", () => {
    expect(noncentralTUpper(1.3, 9, 0)).toBe(studentUpper(1.3, 9));
    expect(noncentralTUpper(0.7, 14.5, 3.2) + noncentralTLower(0.7, 14.5, 3.2)).toBeCloseTo(1, 14);
  });
});

describe("F and noncentral F", () => {
  it("central F (R: pf, qf)", () => {
    expect(rel(fisherUpper(3, 4, 20), 0.043200998334214105)).toBeLessThan(1e-13); // pf(3, 4, 20, lower = FALSE)
    expect(rel(fisherUpperQuantile(0.01, 3, 40), 4.3125692124921446)).toBeLessThan(1e-13); // qf(.01, 3, 40, lower = FALSE)
  });
  it("noncentral F (R: pf(2.5, 3, 60, ncp = 12, lower.tail = FALSE); R's pnbeta errmax is 1e-9)", () => {
    expect(Math.abs(noncentralFUpper(2.5, 3, 60, 12) - 0.8492216843361009)).toBeLessThan(1e-9);
  });
  it.each([
    // Against mpmath at 25 digits: quad over V ~ chi2(df2) of the noncentral chi-square tail
    // sum_j Poisson(j; ncp/2) Q(df1/2 + j, f df1 V / (2 df2)) (R's pnbeta is only good to 1e-9).
    [2, 3.5, 1e5, 4, 0.46482833062360635],
    [5, 9, 1e6, 20, 0.06566828941732389],
    [1.5, 2, 1e6, 12, 0.9737341993295513],
  ])("P(F > %d) with df %d, %d and ncp %d", (f, df1, df2, ncp, want) => {
    expect(Math.abs(noncentralFUpper(f, df1, df2, ncp) - want)).toBeLessThan(1e-13);
  });
  it("noncentral F with a large ncp (summed from the Poisson mode) is a probability and monotone", () => {
    const values = [0.5, 2, 8, 20].map((f) => noncentralFUpper(f, 4, 100, 2000));
    expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!);
  });
});

describe("Brent root finder", () => {
  it("finds roots to machine precision", () => {
    expect(Math.abs(brentRoot((x) => x * x - 2, 0, 2, { xAbsTol: 0, xRelTol: Number.EPSILON }) - Math.SQRT2)).toBeLessThan(4e-16);
    expect(Math.abs(brentRoot((x) => Math.cos(x) - x, 0, 1) - 0.7390851332151607)).toBeLessThan(1e-14);
  });
  it("rejects an interval that does not bracket a root", () => {
    expect(() => brentRoot((x) => x * x + 1, -1, 1)).toThrow(/bracket/);
  });
});
