// The local-level model against R 4.2: StructTS(Nile, type = "level"), tsSmooth(fit) and
// predict(fit, n.ahead = 10) (r-reference-local-level.R writes r-reference-local-level.json
// and fixtures/nile.json).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fitLocalLevel } from "../../src/stats/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const ref = JSON.parse(readFileSync(join(here, "r-reference-local-level.json"), "utf8")) as {
  coef: { level: number; epsilon: number };
  loglik: number;
  filtered: number[];
  smoothed: number[];
  forecast: { pred: number[]; se: number[]; lower: number[]; upper: number[] };
};
const nile = JSON.parse(readFileSync(join(here, "fixtures", "nile.json"), "utf8")) as { flow: number[] };

function expectRel(actual: ArrayLike<number>, expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i]! - e) / Math.max(1, Math.abs(e))).toBeLessThan(tol));
}

describe("local-level model (R: StructTS(Nile, type = 'level'))", () => {
  const fit = fitLocalLevel(nile.flow, { horizon: 10 });

  it("variances by ML equal R's to 1e-3 relative", () => {
    expect(Math.abs(fit.sigma2_level / ref.coef.level - 1)).toBeLessThan(1e-3);
    expect(Math.abs(fit.sigma2_irregular / ref.coef.epsilon - 1)).toBeLessThan(1e-3);
  });

  it("logLik equals R's fit$loglik (all observations, prior P0 = 1e6 var(y)/100)", () => {
    expect(fit.log_likelihood).toBeGreaterThanOrEqual(ref.loglik - 1e-6);
    expect(Math.abs(fit.log_likelihood - ref.loglik)).toBeLessThan(1e-5);
    expect(fit.nobs).toBe(100);
  });

  it("filtered (fitted) and smoothed (tsSmooth) levels to 1e-4", () => {
    expectRel(fit.filtered, ref.filtered, 1e-4);
    expectRel(fit.smoothed, ref.smoothed, 1e-4);
  });

  it("forecasts, standard errors and 95% intervals (predict, n.ahead = 10) to 1e-4", () => {
    expectRel(fit.forecasts.map((f) => f.estimate), ref.forecast.pred, 1e-4);
    expectRel(fit.forecasts.map((f) => f.std_error), ref.forecast.se, 1e-4);
    expectRel(fit.forecasts.map((f) => f.lower), ref.forecast.lower, 1e-4);
    expectRel(fit.forecasts.map((f) => f.upper), ref.forecast.upper, 1e-4);
  });

  it("keeps missing values as gaps and rejects a missing first value", () => {
    const y = nile.flow.slice();
    y[40] = NaN;
    const g = fitLocalLevel(y, { horizon: 1 });
    expect(g.nobs).toBe(99);
    expect(Number.isNaN(g.residuals[40]!)).toBe(true);
    expect(Number.isFinite(g.smoothed[40]!)).toBe(true);
    expect(() => fitLocalLevel([NaN, 1, 2, 3])).toThrow(/first value/);
  });
});
