import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/index.js";
import { betaPriorOf, createPolicy, nigPriorOf, validateBanditConfiguration } from "../../src/bandit/index.js";
import type { BanditConfigurationInput } from "../../src/bandit/index.js";

const config: BanditConfigurationInput = {
  algorithm: "Contextual",
  exploration_rate: 0.2,
  context_features: { user_features: ["age", { name: "country", type: "categorical", vocabulary: ["FR"] }], content_features: [] },
  arm_definitions: [
    { arm_id: "a", configuration: { color: "red" }, prior: { alpha: 2, beta: 8 } },
    { arm_id: "b", configuration: { color: "blue" } },
  ],
  update_frequency: 60,
  regret_threshold: 0.01,
  non_stationary_params: { window_size: 1000, drift_threshold: 5 },
};

function errorOf(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InvalidArgumentError) return e;
    throw e;
  }
  throw new Error("expected an InvalidArgumentError");
}

describe("validateBanditConfiguration", () => {
  it("accepts a valid configuration", () => {
    expect(() => validateBanditConfiguration(config, { user: ["age", "country"], content: [] })).not.toThrow();
  });

  it("names the broken rule and the field", () => {
    expect(errorOf(() => validateBanditConfiguration({ ...config, exploration_rate: 1.5 })).path).toBe("exploration_rate");
    const one = errorOf(() => validateBanditConfiguration({ ...config, arm_definitions: [{ arm_id: "a" }] }));
    expect(one.path).toBe("arm_definitions");
    expect(one.message).toMatch(/at least 2 arms/);
    expect(errorOf(() => validateBanditConfiguration({ ...config, arm_definitions: [{ arm_id: "a" }, { arm_id: "a" }] })).path).toBe("arm_definitions.1.arm_id");
    expect(errorOf(() => validateBanditConfiguration({ ...config, arm_definitions: [{ arm_id: "a", prior: { alpha: -1 } }, { arm_id: "b" }] })).path).toBe("arm_definitions.0.prior.alpha");
    expect(errorOf(() => validateBanditConfiguration({ ...config, non_stationary_params: { window_size: 0 } })).path).toBe("non_stationary_params.window_size");
    expect(errorOf(() => validateBanditConfiguration({ ...config, non_stationary_params: { drift_threshold: 0 } })).path).toBe("non_stationary_params.drift_threshold");
    expect(errorOf(() => validateBanditConfiguration({ ...config, regret_threshold: -0.1 })).path).toBe("regret_threshold");
    expect(errorOf(() => validateBanditConfiguration({ ...config, algorithm: "Random" as never })).path).toBe("algorithm");
  });

  it("refuses a context feature that the data model does not declare, naming it", () => {
    const e = errorOf(() => validateBanditConfiguration(config, { user: ["age"], content: [] }));
    expect(e.message).toContain('"country"');
    expect(e.path).toBe("context_features.user_features.1");
    expect(errorOf(() => validateBanditConfiguration({ ...config, context_features: { user_features: ["x", "x"] } })).path).toBe("context_features.user_features.1");
    expect(errorOf(() => validateBanditConfiguration({ ...config, context_features: { content_features: [{ name: "t", type: "hashed", buckets: 0 }] } })).path).toBe("context_features.content_features.0.buckets");
  });
});

describe("priors and createPolicy", () => {
  it("read priors from arm_definitions with documented defaults", () => {
    expect(betaPriorOf(config.arm_definitions[0])).toEqual({ alpha: 2, beta: 8 });
    expect(betaPriorOf(config.arm_definitions[1])).toEqual({ alpha: 1, beta: 1 });
    expect(nigPriorOf({ arm_id: "c", prior: { mu0: 5, kappa0: 2 } })).toEqual({ mu0: 5, kappa0: 2, alpha0: 1, beta0: 1 });
    expect(() => betaPriorOf({ arm_id: "c", prior: { alpha: 0 } }, 3)).toThrow(/arm_definitions.3.prior.alpha/);
  });

  it("maps each algorithm to its policy", () => {
    for (const algorithm of ["EpsilonGreedy", "ThompsonSampling", "UCB", "Contextual"] as const) {
      const policy = createPolicy({ ...config, algorithm });
      expect(policy.algorithm).toBe(algorithm);
      expect(policy.arm_ids).toEqual(["a", "b"]);
    }
  });
});
