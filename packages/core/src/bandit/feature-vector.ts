// The contextual feature vector x built from context_features and a unit's context:
// [1 (intercept), user features..., content features...] in declaration order. Numeric features
// as is (booleans 0/1, missing 0); categorical features one-hot over their vocabulary (an unseen
// or missing value is all zeros); hashed features one-hot over `buckets` MurmurHash3 buckets of
// "name=value" (Weinberger et al. 2009, "Feature hashing for large scale multitask learning").

import { InvalidArgumentError } from "../errors.js";
import { murmur3 } from "../random/murmur3.js";
import { assertContextDeclared, featureName } from "./validation.js";
import type { ContextFeatures, FeatureSpec, UnitContext } from "./types.js";

/** Seed of the feature hash (fixed: changing it changes every hashed feature vector). */
export const FEATURE_HASH_SEED = 0x6d7678; // "mvx"

function width(spec: FeatureSpec): number {
  if (typeof spec === "string" || spec.type === "numeric") return 1;
  return spec.type === "categorical" ? spec.vocabulary.length : spec.buckets;
}

/** Dimension d of the feature vector (1 for the intercept plus each feature's width). */
export function featureDimension(features: ContextFeatures | undefined): number {
  let d = 1;
  for (const spec of [...(features?.user_features ?? []), ...(features?.content_features ?? [])]) d += width(spec);
  return d;
}

/** Names of the coordinates of x ("(Intercept)", "user.age", "user.country=FR", "content.tag#3"). */
export function featureLabels(features: ContextFeatures | undefined): string[] {
  const labels = ["(Intercept)"];
  for (const [side, specs] of [["user", features?.user_features ?? []], ["content", features?.content_features ?? []]] as const) {
    for (const spec of specs) {
      const name = featureName(spec);
      if (typeof spec === "string" || spec.type === "numeric") labels.push(`${side}.${name}`);
      else if (spec.type === "categorical") for (const v of spec.vocabulary) labels.push(`${side}.${name}=${v}`);
      else for (let b = 0; b < spec.buckets; b++) labels.push(`${side}.${name}#${b}`);
    }
  }
  return labels;
}

/** Hash bucket of a feature value: murmur3("name=value", FEATURE_HASH_SEED) mod buckets. */
export function hashBucket(name: string, value: string, buckets: number): number {
  return murmur3(`${name}=${value}`, FEATURE_HASH_SEED) % buckets;
}

/**
 * The feature vector of a context. Throws InvalidArgumentError for a context key that is not
 * declared (path `context.user.<name>`) or a numeric feature with a non-numeric value.
 */
export function buildFeatureVector(features: ContextFeatures | undefined, context: UnitContext | undefined): number[] {
  assertContextDeclared(features, context);
  const x: number[] = [1];
  for (const [side, specs] of [["user", features?.user_features ?? []], ["content", features?.content_features ?? []]] as const) {
    const values = context?.[side] ?? {};
    for (const spec of specs) {
      const name = featureName(spec);
      const value = values[name];
      const path = `context.${side}.${name}`;
      if (typeof spec === "string" || spec.type === "numeric") {
        if (value === undefined || value === null) x.push(0);
        else if (typeof value === "boolean") x.push(value ? 1 : 0);
        else if (typeof value === "number" && Number.isFinite(value)) x.push(value);
        else throw new InvalidArgumentError(`feature "${name}" is numeric, got ${JSON.stringify(value)}`, path);
        continue;
      }
      const w = width(spec);
      const start = x.length;
      for (let j = 0; j < w; j++) x.push(0);
      if (value === undefined || value === null) continue;
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
        throw new InvalidArgumentError(`feature "${name}" must be a string, number or boolean`, path);
      }
      const s = String(value);
      if (spec.type === "categorical") {
        const j = spec.vocabulary.indexOf(s);
        if (j >= 0) x[start + j] = 1;
      } else {
        x[start + hashBucket(name, s, spec.buckets)] = 1;
      }
    }
  }
  return x;
}
