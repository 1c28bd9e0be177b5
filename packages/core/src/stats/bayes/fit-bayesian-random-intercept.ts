// From a formula such as `y ~ x + (1 | g)` and rows to the Gibbs sampler of the linear model
// with one random intercept (gibbs-random-intercept.ts).

import { InvalidArgumentError } from "../../errors.js";
import type { DataRows } from "../formula/model-frame.js";
import { numericResponse, prepareModelData } from "../formula/model-data.js";
import { parseModelFormula } from "../formula/model-formula.js";
import { gibbsRandomIntercept, type GibbsOptions, type GibbsResult } from "./gibbs-random-intercept.js";

export interface BayesianRandomInterceptFit extends GibbsResult {
  readonly group: string;
  readonly ngroups: number;
  readonly nobs: number;
  readonly dropped_rows: number;
}

/** Posterior of `y ~ fixed + (1 | g)` by Gibbs sampling (compare lme4::lmer REML estimates). */
export function fitBayesianRandomIntercept(formula: string, rows: DataRows, options: GibbsOptions): BayesianRandomInterceptFit {
  const f = parseModelFormula(formula);
  const r = f.random[0];
  if (f.random.length !== 1 || !r || r.lhs.terms.length > 0 || !r.lhs.intercept || r.groupVariables.length !== 1) {
    throw new InvalidArgumentError("Bayesian estimation supports one random intercept, e.g. 'y ~ x + (1 | g)'", "specification.formula");
  }
  const data = prepareModelData(f, rows, { allowRandom: true });
  const g = data.frame.variables.get(r.groupVariables[0]!.label);
  let codes: Int32Array;
  let levels: number;
  if (g?.kind === "factor") {
    codes = g.codes;
    levels = g.levels.length;
  } else {
    const map = new Map<string, number>();
    codes = Int32Array.from(data.frame.rowIndex, (i) => {
      const key = String(rows[i]![r.group]);
      if (!map.has(key)) map.set(key, map.size);
      return map.get(key)!;
    });
    levels = map.size;
  }
  const used = new Set(codes);
  if (used.size !== levels) {
    // Renumber so that every level in 0..J-1 has rows.
    const re = new Map([...used].sort((a, b) => a - b).map((c, k) => [c, k]));
    codes = codes.map((c) => re.get(c)!);
    levels = used.size;
  }
  const y = numericResponse(data);
  const fit = gibbsRandomIntercept(data.X.columns, data.X.columnNames, y, codes, levels, options);
  return { ...fit, group: r.group, ngroups: levels, nobs: y.length, dropped_rows: data.frame.dropped };
}
