// Preconditions of bandit configurations and inputs (DATA-MODEL.md, BanditConfiguration:
// exploration rate in [0, 1], at least 2 arms, context features declared). Each helper throws an
// InvalidArgumentError whose message names the broken rule and whose path names the field.

import { InvalidArgumentError } from "../errors.js";
import { BANDIT_ALGORITHMS } from "./types.js";
import type { BanditConfigurationInput, ContextFeatures, FeatureSpec, UnitContext } from "./types.js";

/** Throws unless there are at least 2 arms. */
export function assertArmCount(k: number, path = "arm_definitions"): void {
  if (!Number.isInteger(k) || k < 2) throw new InvalidArgumentError(`a bandit needs at least 2 arms, got ${k}`, path);
}

/** Throws unless `rate` is a number in [0, 1]. */
export function assertExplorationRate(rate: number, path = "exploration_rate"): void {
  if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new InvalidArgumentError(`exploration_rate must be between 0 and 1, got ${String(rate)}`, path);
  }
}

/** Throws unless `reward` is a finite number. */
export function assertReward(reward: number, path = "reward"): void {
  if (typeof reward !== "number" || !Number.isFinite(reward)) throw new InvalidArgumentError(`reward must be a finite number, got ${String(reward)}`, path);
}

/** Throws unless `i` indexes one of `k` arms. */
export function assertArmIndex(i: number, k: number, path = "arm_index"): void {
  if (!Number.isInteger(i) || i < 0 || i >= k) throw new InvalidArgumentError(`arm_index must be an integer in [0, ${k - 1}], got ${i}`, path);
}

/** The name of a feature declaration. */
export function featureName(spec: FeatureSpec): string {
  return typeof spec === "string" ? spec : spec.name;
}

/** Throws if a feature declaration is malformed or a name is declared twice in one group. */
export function validateContextFeatures(features: ContextFeatures | undefined, known?: { user?: readonly string[]; content?: readonly string[] }): void {
  if (!features) return;
  for (const group of ["user_features", "content_features"] as const) {
    const specs = features[group] ?? [];
    if (!Array.isArray(specs)) throw new InvalidArgumentError(`${group} must be an array`, `context_features.${group}`);
    const seen = new Set<string>();
    const allowed = group === "user_features" ? known?.user : known?.content;
    specs.forEach((spec, i) => {
      const path = `context_features.${group}.${i}`;
      const name = featureName(spec);
      if (typeof name !== "string" || name.length === 0) throw new InvalidArgumentError("a feature needs a non-empty name", path);
      if (seen.has(name)) throw new InvalidArgumentError(`feature "${name}" is declared twice in ${group}`, path);
      seen.add(name);
      if (allowed && !allowed.includes(name)) throw new InvalidArgumentError(`unknown context feature "${name}": not in the data model's ${group}`, path);
      if (typeof spec === "string") return;
      if (spec.type === "categorical") {
        if (!Array.isArray(spec.vocabulary) || spec.vocabulary.length === 0) throw new InvalidArgumentError(`categorical feature "${name}" needs a non-empty vocabulary`, `${path}.vocabulary`);
      } else if (spec.type === "hashed") {
        if (!Number.isInteger(spec.buckets) || spec.buckets < 1) throw new InvalidArgumentError(`hashed feature "${name}" needs an integer number of buckets >= 1`, `${path}.buckets`);
      } else if (spec.type !== "numeric") {
        throw new InvalidArgumentError(`feature "${name}" has unknown type "${String((spec as { type: unknown }).type)}"`, `${path}.type`);
      }
    });
  }
}

/**
 * Throws if the context carries a feature that the configuration does not declare; the path
 * names it (e.g. `context.user.age`).
 */
export function assertContextDeclared(features: ContextFeatures | undefined, context: UnitContext | undefined): void {
  if (!context) return;
  for (const [side, group] of [["user", "user_features"], ["content", "content_features"]] as const) {
    const values = context[side];
    if (values === undefined || values === null) continue;
    if (typeof values !== "object") throw new InvalidArgumentError(`context.${side} must be an object`, `context.${side}`);
    const declared = new Set((features?.[group] ?? []).map(featureName));
    for (const key of Object.keys(values)) {
      if (!declared.has(key)) throw new InvalidArgumentError(`unknown context feature "${key}": not declared in context_features.${group}`, `context.${side}.${key}`);
    }
  }
}

/**
 * Validates the maths-relevant fields of a BanditConfiguration: algorithm, exploration_rate in
 * [0, 1], at least 2 arms with unique ids, priors (positive parameters), regret_threshold >= 0,
 * non_stationary_params (positive integer window, positive threshold), context features (and,
 * when `known` is given, that each declared feature exists in the data model).
 */
export function validateBanditConfiguration(config: BanditConfigurationInput, known?: { user?: readonly string[]; content?: readonly string[] }): void {
  if (!BANDIT_ALGORITHMS.includes(config.algorithm)) {
    throw new InvalidArgumentError(`algorithm must be one of ${BANDIT_ALGORITHMS.join(", ")}, got ${String(config.algorithm)}`, "algorithm");
  }
  assertExplorationRate(config.exploration_rate);
  if (!Array.isArray(config.arm_definitions)) throw new InvalidArgumentError("arm_definitions must be an array", "arm_definitions");
  assertArmCount(config.arm_definitions.length);
  const ids = new Set<string>();
  config.arm_definitions.forEach((arm, i) => {
    if (typeof arm.arm_id !== "string" || arm.arm_id.length === 0) throw new InvalidArgumentError("arm_id must be a non-empty string", `arm_definitions.${i}.arm_id`);
    if (ids.has(arm.arm_id)) throw new InvalidArgumentError(`arm_id "${arm.arm_id}" is not unique`, `arm_definitions.${i}.arm_id`);
    ids.add(arm.arm_id);
    for (const [key, value] of Object.entries(arm.prior ?? {})) {
      if (typeof value !== "number" || !Number.isFinite(value)) throw new InvalidArgumentError(`prior.${key} must be a finite number`, `arm_definitions.${i}.prior.${key}`);
      if (key !== "mu0" && !(value > 0)) throw new InvalidArgumentError(`prior.${key} must be > 0, got ${value}`, `arm_definitions.${i}.prior.${key}`);
    }
  });
  if (config.regret_threshold !== undefined && !(Number.isFinite(config.regret_threshold) && config.regret_threshold >= 0)) {
    throw new InvalidArgumentError(`regret_threshold must be a number >= 0, got ${config.regret_threshold}`, "regret_threshold");
  }
  const ns = config.non_stationary_params;
  if (ns) {
    if (ns.window_size !== undefined && !(Number.isInteger(ns.window_size) && ns.window_size >= 1)) {
      throw new InvalidArgumentError(`window_size must be an integer >= 1, got ${ns.window_size}`, "non_stationary_params.window_size");
    }
    if (ns.drift_threshold !== undefined && !(Number.isFinite(ns.drift_threshold) && ns.drift_threshold > 0)) {
      throw new InvalidArgumentError(`drift_threshold must be a number > 0, got ${ns.drift_threshold}`, "non_stationary_params.drift_threshold");
    }
  }
  validateContextFeatures(config.context_features, known);
}
