// From an lme4 formula with any random-effects terms — `y ~ x + (x | g)` (correlated intercept
// and slope), `(x || g)` (uncorrelated), `(1 | a) + (1 | b)` (crossed), `(1 | a/b)` (nested) —
// and rows to the blocked Gibbs sampler of the Gaussian linear mixed model
// (gibbs-linear-mixed-model.ts). X and the per-term Z blocks come from the same formula
// machinery as the (RE)ML fit (formula/model-data.ts, mixed/random-effects-structure.ts: lme4's
// mkReTrms, `||` expanded by findbars).

import { InvalidArgumentError } from "../../errors.js";
import type { DataRows } from "../formula/model-frame.js";
import { numericResponse, prepareModelData } from "../formula/model-data.js";
import type { ModelFormula } from "../formula/model-formula.js";
import { buildReStructure } from "../mixed/random-effects-structure.js";
import { gibbsLinearMixedModel, type MixedGibbsOptions, type MixedGibbsResult } from "./gibbs-linear-mixed-model.js";

export interface BayesianLinearMixedModelFit extends MixedGibbsResult {
  /** Random-effects terms in lme4's order, e.g. `Days | Subject`. */
  readonly random_terms: readonly { readonly label: string; readonly group: string; readonly columns: readonly string[] }[];
  readonly ngroups: Record<string, number>;
  readonly nobs: number;
  readonly dropped_rows: number;
}

/** Posterior of a Gaussian linear mixed model `y ~ fixed + (terms | g) + ...` by blocked Gibbs sampling (compare lme4::lmer). */
export function fitBayesianLinearMixedModel(formula: string | ModelFormula, rows: DataRows, options: MixedGibbsOptions): BayesianLinearMixedModelFit {
  const data = prepareModelData(formula, rows, { allowRandom: true });
  if (data.formula.random.length === 0) {
    throw new InvalidArgumentError("a mixed model needs at least one random-effects term such as (1 | group)", "specification.formula");
  }
  const y = numericResponse(data);
  const re = buildReStructure(data.formula.random, data.frame);
  const random = re.terms.map((t) => ({ group: t.group, columnNames: t.columnNames, codes: t.codes, levels: t.levels.length, z: t.z }));
  const fit = gibbsLinearMixedModel(data.X.columns, data.X.columnNames, y, random, options);
  const ngroups: Record<string, number> = {};
  for (const t of re.terms) ngroups[t.group] = t.levels.length;
  return {
    ...fit,
    random_terms: re.terms.map((t) => ({ label: t.label, group: t.group, columns: [...t.columnNames] })),
    ngroups,
    nobs: y.length,
    dropped_rows: data.frame.dropped,
  };
}
