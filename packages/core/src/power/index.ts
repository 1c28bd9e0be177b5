// Power analysis: sample size and power for two proportions, t tests and one-way ANOVA,
// matching R's power.prop.test, power.t.test and pwr::pwr.anova.test, and for the main effects
// and two-factor interactions of factorial designs (noncentral F). Re-exports only.
export * from "./two-proportions.js";
export * from "./two-means.js";
export * from "./anova.js";
export * from "./solve-power.js";
export * from "./factorial.js";
export * from "./factorial-effect-size.js";
export type { PowerAlternative } from "./validate.js";
