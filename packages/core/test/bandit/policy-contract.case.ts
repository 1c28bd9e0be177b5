// The ONE contract suite every bandit policy runs (cf. Hono's router/common.case.test.ts):
// probabilities in [0, 1] summing to 1, the chosen arm's propensity equal to its probability,
// determinism given a seed, choose() agreeing with decide(), pure and persistable state, the
// empirical choice frequencies matching the reported probabilities, at least 2 arms and the
// exploration_rate bounds enforced.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createRng, normalDraw, InvalidArgumentError } from "../../src/index.js";
import type { Rng } from "../../src/random/rng.js";
import type { BanditPolicy, DecisionContext } from "../../src/bandit/index.js";

export interface PolicyCase<S> {
  readonly name: string;
  /** Builds the policy for the given exploration rate and arm ids. */
  make(exploration_rate: number, arm_ids: readonly string[]): BanditPolicy<S>;
  /** The exploration rate used by the suite (within [0, 1]). */
  readonly exploration_rate: number;
  /** The context sent with every decision. */
  readonly ctx: DecisionContext;
  /** A reward of arm i (binary or continuous, per policy). */
  reward(rng: Rng, arm: number): number;
  /** Probabilities are exact (not Monte Carlo). */
  readonly exact: boolean;
}

/** Bernoulli rewards with means 0.2, 0.35, 0.5, ... */
export const bernoulliReward = (rng: Rng, arm: number): number => (rng() < 0.2 + 0.15 * arm ? 1 : 0);
/** Normal rewards with means 1, 2, 3, ... and sd 1.5. */
export const normalReward = (rng: Rng, arm: number): number => 1 + arm + 1.5 * normalDraw(rng);

function trained<S>(c: PolicyCase<S>, policy: BanditPolicy<S>, steps: number, seed: string): S {
  const rng = createRng(seed);
  let state = policy.initialState();
  for (let t = 0; t < steps; t++) {
    const arm = policy.choose(state, c.ctx, rng);
    state = policy.update(state, arm, c.reward(rng, arm), c.ctx);
  }
  return state;
}

const ids = (k: number) => Array.from({ length: k }, (_, i) => `arm-${i}`);

export function runPolicyContract<S>(c: PolicyCase<S>): void {
  describe(`policy contract: ${c.name}`, () => {
    it("reports probabilities in [0, 1] that sum to 1, and the chosen arm's propensity is its probability", () => {
      for (const k of [2, 3, 5]) {
        const policy = c.make(c.exploration_rate, ids(k));
        for (const steps of [0, 1, 7, 60]) {
          const state = trained(c, policy, steps, `train-${k}-${steps}`);
          for (let s = 0; s < 3; s++) {
            const d = policy.decide(state, c.ctx, createRng(`decide-${k}-${steps}-${s}`));
            expect(Number.isInteger(d.arm_index)).toBe(true);
            expect(d.arm_index).toBeGreaterThanOrEqual(0);
            expect(d.arm_index).toBeLessThan(k);
            expect(d.arm_id).toBe(policy.arm_ids[d.arm_index]);
            expect(d.probability).toBeGreaterThan(0);
            expect(d.probability).toBeLessThanOrEqual(1);
            expect(d.probabilities).toBeDefined();
            const p = d.probabilities!;
            expect(p).toHaveLength(k);
            for (const x of p) {
              expect(x).toBeGreaterThanOrEqual(0);
              expect(x).toBeLessThanOrEqual(1);
            }
            expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
            expect(d.probability).toBe(p[d.arm_index]);
          }
        }
      }
    });

    it("holds for arbitrary reward histories (property)", () => {
      const policy = c.make(c.exploration_rate, ids(3));
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 1000 })), { maxLength: 30 }), fc.integer(), (history, seed) => {
          let state = policy.initialState();
          for (const [arm, r] of history) state = policy.update(state, arm, c.reward(createRng(r), arm), c.ctx);
          const d = policy.decide(state, c.ctx, createRng(seed));
          const sum = d.probabilities!.reduce((a, b) => a + b, 0);
          return Math.abs(sum - 1) < 1e-9 && d.probability === d.probabilities![d.arm_index] && d.probability > 0;
        }),
        { numRuns: 25, seed: 20240601 },
      );
    });

    it("is deterministic given a seed, and choose() picks the arm decide() picks", () => {
      const policy = c.make(c.exploration_rate, ids(4));
      const state = trained(c, policy, 40, "determinism");
      for (let s = 0; s < 20; s++) {
        const a = policy.decide(state, c.ctx, createRng(`seed-${s}`));
        const b = policy.decide(state, c.ctx, createRng(`seed-${s}`));
        expect(b).toEqual(a);
        expect(policy.choose(state, c.ctx, createRng(`seed-${s}`))).toBe(a.arm_index);
      }
      expect(trained(c, policy, 30, "x")).toEqual(trained(c, policy, 30, "x"));
    });

    it("chooses arms with the frequencies it reports", () => {
      const policy = c.make(c.exploration_rate, ids(3));
      const state = trained(c, policy, 12, "frequencies");
      const n = 3000;
      const counts = [0, 0, 0];
      for (let s = 0; s < n; s++) counts[policy.choose(state, c.ctx, createRng(`f-${s}`))]! += 1;
      const p = policy.decide(state, c.ctx, createRng("f-probabilities")).probabilities!;
      // Binomial sd <= 0.5/sqrt(3000) = 0.009; Monte Carlo propensities (1,000 draws) add <= 0.016.
      const tol = c.exact ? 0.03 : 0.06;
      counts.forEach((cnt, i) => expect(Math.abs(cnt / n - p[i]!)).toBeLessThan(tol));
    });

    it("updates purely and keeps a JSON-persistable state", () => {
      const policy = c.make(c.exploration_rate, ids(3));
      const state = trained(c, policy, 20, "pure");
      const snapshot = JSON.stringify(state);
      const next = policy.update(state, 1, c.reward(createRng("r"), 1), c.ctx);
      expect(JSON.stringify(state)).toBe(snapshot);
      expect(next).not.toBe(state);
      const revived = JSON.parse(JSON.stringify(next)) as S;
      expect(policy.decide(revived, c.ctx, createRng("p"))).toEqual(policy.decide(next, c.ctx, createRng("p")));
      expect(() => policy.update(state, 3, 1, c.ctx)).toThrow(InvalidArgumentError);
      expect(() => policy.update(state, 0, Number.NaN, c.ctx)).toThrow(InvalidArgumentError);
    });

    it("enforces at least 2 arms", () => {
      expect(() => c.make(c.exploration_rate, ["only"])).toThrow(InvalidArgumentError);
      expect(() => c.make(c.exploration_rate, [])).toThrow(InvalidArgumentError);
      const two = c.make(c.exploration_rate, ids(2));
      const one = c.make(c.exploration_rate, ids(2)).initialState();
      // A state with a single arm is refused as well.
      const shrunk = (Array.isArray(one) ? one.slice(0, 1) : { ...(one as object), arms: (one as unknown as { arms: unknown[] }).arms.slice(0, 1) }) as S;
      expect(() => two.decide(shrunk, c.ctx, createRng(1))).toThrow(InvalidArgumentError);
    });

    it("enforces exploration_rate in [0, 1]", () => {
      for (const bad of [-0.01, 1.01, Number.NaN, Infinity]) {
        let error: unknown;
        try {
          c.make(bad, ids(2));
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as InvalidArgumentError).path).toBe("exploration_rate");
      }
      for (const ok of [0, 1]) {
        const policy = c.make(ok, ids(3));
        const d = policy.decide(trained(c, policy, 10, "bounds"), c.ctx, createRng(ok));
        expect(d.probabilities!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      }
    });
  });
}
