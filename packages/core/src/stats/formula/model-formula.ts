// A parsed model formula in one piece: the AST, the expanded fixed-effects terms (R's terms())
// and the expanded random-effects terms (lme4's findbars), plus the spec summary
// `{fixed_effects, random_effects}` used to check a StatisticalModel specification.

import type { Formula } from "./formula-ast.js";
import { expandTerms, type FormulaVariable, type TermsObject } from "./expand-terms.js";
import { parseFormula } from "./parse-formula.js";
import { randomTerms, type RandomTerm } from "./random-terms.js";

export interface ModelFormula {
  readonly source: string;
  readonly ast: Formula;
  readonly fixed: TermsObject;
  readonly random: readonly RandomTerm[];
}

/** Parses and expands a model formula (R's terms() for the fixed part, lme4's findbars for bars). */
export function parseModelFormula(source: string): ModelFormula {
  const ast = parseFormula(source);
  return { source, ast, fixed: expandTerms(ast), random: randomTerms(ast) };
}

/** Every variable the model reads (response, fixed terms, random left sides, grouping factors). */
export function modelVariables(f: ModelFormula): FormulaVariable[] {
  const out: FormulaVariable[] = [];
  if (f.fixed.response) out.push(f.fixed.response);
  out.push(...f.fixed.variables);
  for (const r of f.random) out.push(...r.lhs.variables, ...r.groupVariables);
  return out;
}

/** The specification summary of a formula. */
export interface SpecificationSummary {
  readonly response: string | null;
  readonly intercept: boolean;
  /** Fixed-effect term labels as R's attr(terms(f), "term.labels") (intercept not listed). */
  readonly fixed_effects: string[];
  /** Random-effect terms after expansion, lme4 style: `(Days | Subject)`, `(1 | b:a)`. */
  readonly random_effects: string[];
  /** Distinct grouping factors in order of appearance. */
  readonly grouping_factors: string[];
}

/** The `{fixed_effects, random_effects}` summary a StatisticalModel specification is checked against. */
export function specificationSummary(formula: string | ModelFormula): SpecificationSummary {
  const f = typeof formula === "string" ? parseModelFormula(formula) : formula;
  return {
    response: f.fixed.response?.label ?? null,
    intercept: f.fixed.intercept,
    fixed_effects: f.fixed.terms.map((t) => t.label),
    random_effects: f.random.map((r) => `(${r.label})`),
    grouping_factors: [...new Set(f.random.map((r) => r.group))],
  };
}
