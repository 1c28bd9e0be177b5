// @mvx/core: pure maths shared by the edge and the control plane. Re-exports only.
export * from "./errors.js";
export * from "./random/murmur3.js";
export * from "./random/hash.js";
export * from "./random/bucket.js";
export * from "./random/rng.js";
export * from "./sync/signature.js";
export * from "./bandit/index.js";
export * from "./design/index.js";
export * from "./power/index.js";
export * from "./descriptive/sufficient-stats.js";
export * from "./bayesopt/index.js";
export * from "./stats/index.js";
export * from "./network/index.js";
