import { describe, expect, it } from "vitest";
import { createRng, InvalidArgumentError } from "../../src/index.js";
import { armPosteriors, cumulativeRegretCurve, estimatedCumulativeRegret, regretMetrics, shouldDeclareWinner } from "../../src/bandit/index.js";
import { evanMillerProbBBeatsA } from "./reference.js";

// A: 12/100, B: 20/100 with Beta(1, 1) priors -> Beta(13, 89) and Beta(21, 81).
const stats = [
  { arm_id: "A", n: 100, sum: 12, sum_sq: 12 },
  { arm_id: "B", n: 100, sum: 20, sum_sq: 20 },
];

describe("regret metrics (Scott 2015)", () => {
  it("estimate P(best) and expected loss against exact values", () => {
    const m = regretMetrics(armPosteriors(stats), createRng("regret"), 20_000);
    expect(Math.abs(m.probability_best[1]! - evanMillerProbBBeatsA(13, 89, 21, 81))).toBeLessThan(0.01);
    expect(m.probability_best[0]! + m.probability_best[1]!).toBeCloseTo(1, 12);
    expect(m.best_arm_index).toBe(1);
    // E[(B - A)+] and E[(A - B)+] by scipy.integrate.quad of
    // beta.pdf(b, 21, 81) * (b * beta.cdf(b, 13, 89) - 13/102 * beta.cdf(b, 14, 89)) (and symmetrically).
    expect(Math.abs(m.expected_loss[0]! - 0.07987303024845231)).toBeLessThan(0.002);
    expect(Math.abs(m.expected_loss[1]! - 0.0014416576994327318)).toBeLessThan(0.0004);
    expect(m.value_remaining.relative).toBe(true);
    expect(m.value_remaining.p95).toBeGreaterThan(0);
    expect(m.value_remaining.p95).toBeGreaterThanOrEqual(m.value_remaining.mean);
  });

  it("are deterministic given a seed", () => {
    expect(regretMetrics(armPosteriors(stats), createRng(5), 2000)).toEqual(regretMetrics(armPosteriors(stats), createRng(5), 2000));
  });

  it("use absolute value remaining for continuous rewards with non-positive means", () => {
    const s = [{ arm_id: "A", n: 50, sum: -100, sum_sq: 260 }, { arm_id: "B", n: 50, sum: -90, sum_sq: 220 }];
    const m = regretMetrics(armPosteriors(s, "continuous"), createRng(1), 5000);
    expect(m.value_remaining.relative).toBe(false);
    expect(m.best_arm_index).toBe(1);
  });

  it("declare a winner when the expected loss is within regret_threshold", () => {
    expect(shouldDeclareWinner(0.0014, 0.01)).toBe(true);
    expect(shouldDeclareWinner(0.08, 0.01)).toBe(false);
    expect(shouldDeclareWinner(0.01, 0.01)).toBe(true);
    expect(() => shouldDeclareWinner(0.1, -1)).toThrow(InvalidArgumentError);
  });

  it("compute cumulative estimated regret from decisions", () => {
    expect(estimatedCumulativeRegret([{ arm_id: "a", n: 10, sum: 5, sum_sq: 5 }, { arm_id: "b", n: 20, sum: 6, sum_sq: 6 }], [0.5, 0.3])).toBeCloseTo(4, 14);
    const curve = cumulativeRegretCurve([0, 1, 1, 0], [0.5, 0.3]);
    [0, 0.2, 0.4, 0.4].forEach((v, i) => expect(curve[i]).toBeCloseTo(v, 14));
  });
});
