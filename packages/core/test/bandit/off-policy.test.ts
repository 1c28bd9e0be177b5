import { describe, expect, it } from "vitest";
import { createRng, InvalidArgumentError } from "../../src/index.js";
import { aipwEstimates, epsilonGreedy, hajekEstimates, ipwEstimates } from "../../src/bandit/index.js";
import type { LoggedDecision } from "../../src/bandit/index.js";

const MEANS = [0.3, 0.5, 0.6];

/** A log of adaptive (epsilon-greedy, eps 0.3) decisions on Bernoulli arms with known means. */
function adaptiveLog(T: number, seed: string): LoggedDecision[] {
  const policy = epsilonGreedy({ exploration_rate: 0.3, arm_ids: ["a", "b", "c"] });
  const rng = createRng(seed);
  let state = policy.initialState();
  const log: LoggedDecision[] = [];
  for (let t = 0; t < T; t++) {
    const d = policy.decide(state, {}, rng);
    const reward = rng() < MEANS[d.arm_index]! ? 1 : 0;
    log.push({ arm_index: d.arm_index, propensity: d.probability, reward });
    state = policy.update(state, d.arm_index, reward);
  }
  return log;
}

const estimators = [
  ["IPW", ipwEstimates],
  ["Hajek", hajekEstimates],
  ["AIPW", (log: LoggedDecision[], k: number) => aipwEstimates(log, k)],
] as const;

describe.each(estimators)("%s arm estimates on adaptively collected data", (_name, estimate) => {
  // One seeded log (a seed whose 9 intervals all cover; with 3 correlated arms x 3 estimators about
  // 1 seed in 3 misses somewhere). The coverage rate itself is the next test's.
  it("cover the true means with their 95% intervals (seed 'opl-seed-7', T = 3000)", () => {
    const est = estimate(adaptiveLog(3000, "opl-seed-7"), 3);
    est.forEach((e, a) => {
      expect(e.ci95[0]).toBeLessThan(MEANS[a]!);
      expect(e.ci95[1]).toBeGreaterThan(MEANS[a]!);
      expect(e.std_error).toBeGreaterThan(0);
      expect(e.ci95[1] - e.estimate).toBeCloseTo(1.959963984540054 * e.std_error, 12);
    });
  });

  it("are unbiased with about 95% coverage over 150 seeded logs (loose bounds)", () => {
    const R = 150;
    const covered = [0, 0, 0];
    const mean = [0, 0, 0];
    for (let r = 0; r < R; r++) {
      estimate(adaptiveLog(400, `opl-${r}`), 3).forEach((e, a) => {
        if (e.ci95[0] <= MEANS[a]! && MEANS[a]! <= e.ci95[1]) covered[a]! += 1;
        mean[a]! += e.estimate / R;
      });
    }
    covered.forEach((c) => {
      expect(c / R).toBeGreaterThan(0.87);
      expect(c / R).toBeLessThan(0.995);
    });
    // Mean of the estimates within 0.03 of the truth (about 3 of their standard errors).
    mean.forEach((m, a) => expect(Math.abs(m - MEANS[a]!)).toBeLessThan(0.03));
  });
});

describe("off-policy estimators", () => {
  it("AIPW is more precise than IPW (smaller standard errors)", () => {
    const log = adaptiveLog(3000, "opl-seed-7");
    const ipw = ipwEstimates(log, 3);
    aipwEstimates(log, 3).forEach((e, a) => expect(e.std_error).toBeLessThan(ipw[a]!.std_error));
  });

  it("equal the sample mean when every propensity is 1/K (uniform logging) for Hajek", () => {
    const log: LoggedDecision[] = [0, 1, 0, 1, 0].map((a, t) => ({ arm_index: a, propensity: 0.5, reward: t }));
    expect(hajekEstimates(log, 2)[0]!.estimate).toBeCloseTo((0 + 2 + 4) / 3, 14);
    expect(ipwEstimates(log, 2)[1]!.estimate).toBeCloseTo(((1 + 3) / 0.5) / 5, 14);
  });

  it("refuse zero propensities and bad arms, with a path", () => {
    let error: unknown;
    try {
      ipwEstimates([{ arm_index: 0, propensity: 1, reward: 1 }, { arm_index: 1, propensity: 0, reward: 1 }], 2);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).path).toBe("logs.1.propensity");
    expect(() => aipwEstimates([{ arm_index: 2, propensity: 0.5, reward: 1 }], 2)).toThrow(InvalidArgumentError);
    expect(() => hajekEstimates([], 2)).toThrow(InvalidArgumentError);
  });
});
