// Linear and logistic regression against R 4.2.2 (r-reference.json, made by r-reference.R):
// lm(mpg ~ wt + hp + factor(cyl), mtcars) with summary.lm, confint, logLik/AIC/BIC and
// predict(interval = "confidence"/"prediction") to 1e-8 relative; an aliased lm (NA as R);
// glm(am ~ wt + hp, binomial, mtcars) with summary.glm and confint.default to 1e-6 relative.
import { describe, expect, it } from "vitest";
import { fitLinearModel } from "../../src/stats/linear/fit-linear-model.js";
import { predictLinearModel } from "../../src/stats/linear/predict-linear-model.js";
import { fitLogisticRegression } from "../../src/stats/linear/fit-logistic-regression.js";
import { predictLogisticRegression } from "../../src/stats/linear/predict-logistic-regression.js";
import { readCsv, reference, relErr } from "./helpers/fixtures.js";

const mtcars = readCsv("mtcars.csv");
type Row = Record<string, number | string>;

function expectRows(got: readonly Row[], want: readonly Row[], tol: number): number {
  let worst = 0;
  expect(got.map((r) => r.term)).toEqual(want.map((r) => r.term));
  want.forEach((w, i) => {
    for (const k of ["estimate", "std_error", "statistic", "p_value", "ci_lower", "ci_upper"]) {
      const e = relErr(got[i]![k] as number, w[k] as number);
      worst = Math.max(worst, e);
      expect(e, `${w.term} ${k}: got ${got[i]![k]}, R ${w[k]}`).toBeLessThanOrEqual(tol);
    }
  });
  return worst;
}

describe("lm(mpg ~ wt + hp + factor(cyl), mtcars) matches R to 1e-8", () => {
  const ref = reference.lm_mtcars;
  const fit = fitLinearModel(ref.formula, mtcars);
  it("coefficient table with R's term names", () => {
    expectRows(fit.fixed_effects as unknown as Row[], ref.coefficients, 1e-8);
  });
  it("sigma, R², adjusted R², F test, logLik, AIC, BIC", () => {
    for (const [k, v] of [
      ["sigma", fit.sigma], ["r_squared", fit.r_squared], ["adj_r_squared", fit.adj_r_squared],
      ["f_statistic", fit.f_statistic!.value], ["f_p_value", fit.f_statistic!.p_value],
      ["log_likelihood", fit.log_likelihood], ["aic", fit.aic], ["bic", fit.bic],
    ] as const) {
      expect(relErr(v, ref[k]), k).toBeLessThanOrEqual(1e-8);
    }
    expect([fit.f_statistic!.df1, fit.f_statistic!.df2, fit.df_residual, fit.nobs]).toEqual([ref.f_df1, ref.f_df2, ref.df_residual, ref.nobs]);
  });
  it("confidence and prediction intervals (predict.lm)", () => {
    const nd = ref.newdata as Row[];
    for (const kind of ["confidence", "prediction"] as const) {
      const pred = predictLinearModel(fit, nd, { interval: kind });
      pred.forEach((p, i) => {
        expect(relErr(p.estimate, ref[kind].fit[i])).toBeLessThanOrEqual(1e-8);
        expect(relErr(p.lower, ref[kind].lwr[i])).toBeLessThanOrEqual(1e-8);
        expect(relErr(p.upper, ref[kind].upr[i])).toBeLessThanOrEqual(1e-8);
      });
    }
  });
  it("rejects a new factor level in prediction", () => {
    expect(() => predictLinearModel(fit, [{ wt: 3, hp: 100, cyl: 5 }])).toThrow(/new level '5'/);
  });
});

describe("rank deficiency is reported as R's NA", () => {
  it("lm(mpg ~ wt + wt2 + hp) with wt2 = 2 wt", () => {
    const ref = reference.lm_aliased;
    const rows = mtcars.map((r) => ({ ...r, wt2: 2 * Number(r.wt) }));
    const fit = fitLinearModel(ref.formula, rows);
    expect(fit.rank).toBe(ref.rank);
    expect(fit.aliased).toEqual(["wt2"]);
    for (const row of fit.fixed_effects) {
      const want = ref.coefficients[row.term];
      if (want === null) expect(row.estimate).toBeNaN();
      else expect(relErr(row.estimate, want)).toBeLessThanOrEqual(1e-8);
    }
    expect(relErr(fit.sigma, ref.sigma)).toBeLessThanOrEqual(1e-8);
  });
});

describe("glm(am ~ wt + hp, family = binomial, mtcars) matches R to 1e-6", () => {
  const ref = reference.glm_mtcars;
  const fit = fitLogisticRegression(ref.formula, mtcars);
  it("coefficients, standard errors, z, p, Wald intervals", () => {
    expectRows(fit.fixed_effects as unknown as Row[], ref.coefficients, 1e-6);
  });
  it("deviance, null deviance, logLik, AIC, BIC, iterations", () => {
    for (const k of ["deviance", "null_deviance", "log_likelihood", "aic", "bic"] as const) {
      expect(relErr(fit[k], ref[k]), k).toBeLessThanOrEqual(1e-6);
    }
    expect([fit.df_residual, fit.df_null, fit.iterations]).toEqual([ref.df_residual, ref.df_null, ref.iterations]);
    expect(fit.converged).toBe(true);
  });
  it("predictions: link and its standard error (predict(g, newdata, type = 'link', se.fit = TRUE)) to 1e-6", () => {
    const pred = predictLogisticRegression(fit, ref.newdata);
    pred.forEach((p, i) => {
      expect(relErr(p.link, ref.predict_link.fit[i])).toBeLessThanOrEqual(1e-6);
      expect(relErr(p.link_std_error, ref.predict_link.se[i])).toBeLessThanOrEqual(1e-6);
      expect(p.lower).toBeLessThan(p.estimate);
      expect(p.upper).toBeGreaterThan(p.estimate);
    });
  });
  it("a two-level factor response codes the second level as success", () => {
    const rows = mtcars.map((r) => ({ ...r, trans: r.am === "1" ? "manual" : "auto" }));
    const f2 = fitLogisticRegression("trans ~ wt + hp", rows);
    expect(f2.success_level).toBe("manual");
    expect(relErr(f2.deviance, ref.deviance)).toBeLessThanOrEqual(1e-9);
  });
});
