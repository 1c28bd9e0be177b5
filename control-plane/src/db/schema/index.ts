// Every table of the control plane's libSQL database, one file per aggregate (re-exports only).
export * from "./experiments.js";
export * from "./experiment-events.js";
export * from "./bandits.js";
export * from "./bayesian.js";
export * from "./networks.js";
export * from "./statistical-models.js";
export * from "./sync.js";
