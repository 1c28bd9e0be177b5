import { describe, expect, it } from "vitest";
import { createRng, holdbackArm, holdbackProbabilities, validateHoldback } from "../../src/index.js";

describe("holdback and arm floors", () => {
  const o = { control_index: 0, control_share: 0.2, min_arm_share: 0.05 };

  it("mixes the policy's distribution exactly (hand-computed)", () => {
    // q = (0, 0.1, 0.9), K = 3, c = 0.2, m = 0.05:
    // arm 0: 0.2 + 0.8 * (0.05 + 0.85 * 0)   = 0.24
    // arm 1:       0.8 * (0.05 + 0.85 * 0.1) = 0.108
    // arm 2:       0.8 * (0.05 + 0.85 * 0.9) = 0.652
    const p = holdbackProbabilities([0, 0.1, 0.9], o);
    expect(p[0]).toBeCloseTo(0.24, 12);
    expect(p[1]).toBeCloseTo(0.108, 12);
    expect(p[2]).toBeCloseTo(0.652, 12);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("leaves the distribution alone without floors", () => {
    expect(holdbackProbabilities([0.3, 0.7], { control_index: null, control_share: 0.5, min_arm_share: 0 })).toEqual([0.3, 0.7]);
  });

  it("serves arms with the stated propensities (seeded frequencies)", () => {
    const q = [0, 0.1, 0.9];
    const rng = createRng("holdback");
    const counts = [0, 0, 0];
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const policyArm = rng() < 0.1 ? 1 : 2; // a policy with distribution q
      counts[holdbackArm(policyArm, 3, o, rng(), rng(), rng())]!++;
    }
    const p = holdbackProbabilities(q, o);
    // Binomial sd at n = 1e5 is at most 0.0016; allow 5 sd.
    counts.forEach((c, i) => expect(Math.abs(c / n - p[i]!)).toBeLessThan(0.008));
  });

  it("validates the shares", () => {
    expect(() => validateHoldback(3, { control_index: 0, control_share: 1, min_arm_share: 0 })).toThrow(/control_share/);
    expect(() => validateHoldback(3, { control_index: null, control_share: 0, min_arm_share: 0.4 })).toThrow(/min_arm_share/);
    expect(() => validateHoldback(3, { control_index: 3, control_share: 0.1, min_arm_share: 0 })).toThrow(/control arm/);
    expect(() => validateHoldback(3, o)).not.toThrow();
  });
});
