// @mvx/core/edge: the part of core the edge worker bundles (hashing, bucketing, rng, signatures,
// sufficient statistics, bandit policies), so the worker does not ship the modelling code
// (designs, power, Bayesian optimisation, networks, statistical models). Re-exports only.
export * from "./errors.js";
export * from "./random/murmur3.js";
export * from "./random/hash.js";
export * from "./random/bucket.js";
export * from "./random/rng.js";
export * from "./sync/signature.js";
export * from "./descriptive/sufficient-stats.js";
export * from "./bandit/index.js";
