// Factorial effects of a designed experiment from the per-combination sufficient statistics of
// its responses (n, sum, sum of squares per combination): main effects and requested
// interactions with standard errors and confidence intervals, the ANOVA table, and the alias
// chain of every estimate.
//
// The model is the design's effect coding (designContrasts: an intercept, -1/+1 for two-level
// variables with the first declared level at -1, orthogonal polynomial or Helmert contrasts for
// more levels, products for the interactions), fitted by weighted least squares on the cell
// means with weights n (fitCellMeans). That is exactly ordinary least squares on the raw rows —
// R's lm(y ~ A * B) with contr.helmert (identical to -1/+1 for two levels) — so the estimates,
// standard errors, t tests and the sequential (type I) ANOVA are R's summary(lm(...)) and
// anova(lm(...)); the residual is the within-combination sum of squares plus the lack of fit of
// the combinations' means. The terms enter in the order intercept, main effects (declared
// order), interactions (requested order), as in R's formula y ~ A * B.
//
// Sum-to-zero coding makes a coefficient half a difference: for a two-level variable the
// estimate is half of (mean at the second level - mean at the first), averaged over the other
// variables' levels, and `difference` (= 2 * estimate, with its standard error and interval) is
// that high - low difference itself; for an interaction of two-level variables `difference` is
// the textbook interaction effect (Montgomery, DAE, 8th ed., sec. 6.2: half the change of one
// factor's effect across the other's levels). In a fraction the estimate of a term is that of
// its whole alias chain ("A + BD + CE"), so chains are reported beside the estimates
// (effects-aliases.ts), never separate estimates of aliased effects.

import { InvalidArgumentError } from "../errors.js";
import { fisherUpper } from "../power/distributions/fisher-f.js";
import { studentUpper, studentUpperQuantile } from "../power/distributions/student-t.js";
import { aliasChains, type PartialAlias } from "./effects-aliases.js";
import { fitCellMeans, RankDeficiencyError } from "./effects-fit.js";
import { designContrasts, type ContrastCoding } from "./contrasts.js";
import { lettersOf, parseEffect, resolveFactor } from "./factor-names.js";
import type { Combination, DesignVariable } from "./types.js";
import { levelKey } from "./validate-request.js";

export { fitCellMeans } from "./effects-fit.js";
export type { CellMeansFit, FitCell } from "./effects-fit.js";
export { aliasChains } from "./effects-aliases.js";
export type { AliasChain, PartialAlias } from "./effects-aliases.js";

/** Sufficient statistics of the responses of one combination. */
export interface EffectsCell {
  combination_id: string;
  /** Number of responses. */
  n: number;
  /** Their sum. */
  sum: number;
  /** Their sum of squares, Σ y². */
  sum_sq: number;
  /** Optional: Σ (y - ȳ)², computed in two passes; used instead of sum_sq - sum²/n, which loses digits when the mean is large. */
  ss?: number;
}

/** The design whose effects are estimated: variables, combinations and requested interactions. */
export interface EffectsDesign {
  variables: readonly DesignVariable[];
  combinations: readonly Combination[];
  interaction_matrix?: readonly (readonly string[] | string)[] | null;
}

export interface EffectsOptions {
  /** Contrasts of variables with more than two levels (default "auto": polynomial for continuous, Helmert for categorical). */
  coding?: ContrastCoding;
  /** Interactions to estimate; defaults to the design's interaction_matrix. */
  interactions?: readonly (readonly string[] | string)[];
  /** Level of the confidence intervals (default 0.95). */
  confidence?: number;
}

/** One coefficient of the model, as a row of R's summary(lm(...)). Non-finite statistics are null. */
export interface EffectsCoefficient {
  term: string;
  estimate: number;
  std_error: number;
  statistic: number | null;
  p_value: number | null;
  ci_lower: number;
  ci_upper: number;
}

/** A main effect or an interaction, with its alias chain. */
export interface DesignEffect {
  /** Variable names joined by ":" (R's term label): "color", "color:size". */
  term: string;
  /** The term in letters (A = first variable, ...): "A", "AB". */
  letters: string;
  variables: string[];
  df: number;
  /** The term and the two-factor interactions completely aliased with it, in letters: ["A", "BD", "CE"]. */
  alias_chain: string[];
  /** The same chain in variable names: ["A", "B:D", "C:E"]. */
  alias_chain_terms: string[];
  /** Two-factor interactions sharing part of the term's effect space. */
  partial_aliases: PartialAlias[];
  /** Names of the term's coefficients (rows of `coefficients`). */
  coefficients: string[];
  /** One-df terms: the coefficient and its test and interval. */
  estimate?: number;
  std_error?: number;
  statistic?: number | null;
  p_value?: number | null;
  ci_lower?: number;
  ci_upper?: number;
  /** Terms of two-level variables: 2 * estimate, the high - low difference (main effect) or interaction effect. */
  difference?: number;
  difference_std_error?: number;
  difference_ci_lower?: number;
  difference_ci_upper?: number;
}

/** A row of the sequential ANOVA table (R's anova(lm(...))); the Residual row has F and p_value null. */
export interface EffectsAnovaRow {
  term: string;
  df: number;
  sum_sq: number;
  mean_sq: number;
  F: number | null;
  p_value: number | null;
}

export interface EffectsAnalysis {
  /** Responses used. */
  n: number;
  /** Columns of the model, the intercept included. */
  parameters: number;
  confidence_level: number;
  /** Per variable: how its levels are coded. */
  coding: { variable: string; levels: number; contrasts: "effect" | "polynomial" | "helmert" }[];
  cells: { combination_id: string; n: number; mean: number | null; sd: number | null }[];
  coefficients: EffectsCoefficient[];
  effects: DesignEffect[];
  anova: EffectsAnovaRow[];
  residual: {
    df: number;
    sum_sq: number;
    mean_sq: number;
    sigma: number;
    pure_error_df: number;
    pure_error_sum_sq: number;
    lack_of_fit_df: number;
    lack_of_fit_sum_sq: number;
  };
  r_squared: number | null;
  method: string;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The model terms as factor-index lists: main effects, then the interactions (deduplicated). */
function modelTerms(variables: readonly DesignVariable[], interactions: readonly (readonly string[] | string)[]): number[][] {
  const names = variables.map((v) => v.name);
  const terms: number[][] = names.map((_, i) => [i]);
  const seen = new Set(terms.map((t) => t.join(",")));
  interactions.forEach((entry, i) => {
    const factors =
      typeof entry === "string"
        ? parseEffect(entry, names, `interaction_matrix.${i}`).factors
        : [...new Set(entry.map((t) => resolveFactor(t, names, `interaction_matrix.${i}`)))].sort((a, b) => a - b);
    const key = factors.join(",");
    if (!seen.has(key)) {
      seen.add(key);
      terms.push(factors);
    }
  });
  return terms;
}

function checkCells(design: EffectsDesign, cells: readonly EffectsCell[]): Map<string, EffectsCell> {
  const known = new Set(design.combinations.map((c) => c.combination_id));
  const out = new Map<string, EffectsCell>();
  cells.forEach((c, i) => {
    const path = `cells.${i}`;
    if (!known.has(c.combination_id)) throw new InvalidArgumentError(`combination ${JSON.stringify(c.combination_id)} is not in the design`, `${path}.combination_id`);
    if (out.has(c.combination_id)) throw new InvalidArgumentError(`combination ${c.combination_id} is listed twice`, `${path}.combination_id`);
    if (!Number.isInteger(c.n) || c.n < 0) throw new InvalidArgumentError(`n must be a non-negative integer, got ${c.n}`, `${path}.n`);
    if (!Number.isFinite(c.sum) || !Number.isFinite(c.sum_sq)) throw new InvalidArgumentError("sum and sum_sq must be finite numbers", path);
    if (c.ss !== undefined && !(c.ss >= 0 && Number.isFinite(c.ss))) throw new InvalidArgumentError(`ss must be a finite number >= 0, got ${c.ss}`, `${path}.ss`);
    out.set(c.combination_id, c);
  });
  return out;
}

/** Within-cell Σ (y - ȳ)²: the given ss, else sum_sq - sum²/n (clamped at 0 against rounding). */
function withinSs(c: EffectsCell): number {
  if (c.n === 0) return 0;
  if (c.ss !== undefined) return c.ss;
  return Math.max(0, c.sum_sq - (c.sum * c.sum) / c.n);
}

/**
 * Main effects and interactions of a factorial design from per-combination sufficient statistics:
 * estimates with standard errors and intervals, the sequential ANOVA and the alias chains (see the
 * module comment; matches R's summary(lm(y ~ A * B)) and anova(lm(y ~ A * B)) with contr.helmert).
 * Throws InvalidArgumentError (path "results") when there are fewer than p + 1 responses or the
 * combinations with responses cannot separate a term from the terms before it.
 */
export function analyseEffects(design: EffectsDesign, cells: readonly EffectsCell[], options: EffectsOptions = {}): EffectsAnalysis {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new InvalidArgumentError(`confidence must be in (0, 1), got ${confidence}`, "confidence");
  const { variables, combinations } = design;
  const names = variables.map((v) => v.name);
  const interactions = options.interactions ?? design.interaction_matrix ?? [];
  const coding = options.coding ?? "auto";
  const contrasts = designContrasts({ variables, combinations, interaction_matrix: interactions }, { coding, interactions });
  const terms = modelTerms(variables, interactions);
  const termKey = (t: readonly number[]) => t.map((f) => names[f]!).join(":");
  const p = contrasts.columns.length;
  const byId = checkCells(design, cells);
  const stats = combinations.map((c) => byId.get(c.combination_id) ?? { combination_id: c.combination_id, n: 0, sum: 0, sum_sq: 0 });
  const n = stats.reduce((s, c) => s + c.n, 0);

  const described = `${p} parameters: the intercept, ${variables.length} main effect${variables.length === 1 ? "" : "s"}${terms.length > variables.length ? ` and ${terms.length - variables.length} interaction${terms.length - variables.length === 1 ? "" : "s"}` : ""}`;
  if (n < p + 1) {
    throw new InvalidArgumentError(
      `too few results: the effects model has ${described}, so it needs at least ${p + 1} results (one more than its parameters, for the residual variance); got ${n}`,
      "results",
    );
  }

  let fit;
  try {
    fit = fitCellMeans(
      stats.map((c, r) => ({ x: contrasts.matrix[r]!, n: c.n, sum: c.sum, ss: withinSs(c) })),
      p,
    );
  } catch (e) {
    if (!(e instanceof RankDeficiencyError)) throw e;
    const column = contrasts.columns[e.column]!;
    const term = Object.entries(contrasts.terms).find(([, cols]) => cols.includes(e.column))?.[0] ?? column;
    const empty = stats.filter((c) => c.n === 0).map((c) => c.combination_id);
    const shown = empty.slice(0, 10).join(", ") + (empty.length > 10 ? `, ... (${empty.length} in all)` : "");
    throw new InvalidArgumentError(
      `term ${term} cannot be estimated: the combinations with results do not separate it from the terms before it` +
        (empty.length > 0 ? ` (no results yet for ${shown}); wait for results in every combination of the design` : " (it is aliased with them in this design)"),
      "results",
    );
  }

  const df = fit.residualDf;
  const meanSq = fit.residualSs / df;
  const sigma = Math.sqrt(meanSq);
  const tCrit = studentUpperQuantile((1 - confidence) / 2, df);
  const coefficients: EffectsCoefficient[] = contrasts.columns.map((term, j) => {
    const estimate = fit.coefficients[j]!;
    const se = Math.sqrt(meanSq * fit.unscaledCovariance[j]![j]!);
    const t = estimate / se;
    return {
      term,
      estimate,
      std_error: se,
      statistic: finiteOrNull(t),
      p_value: Number.isFinite(t) ? 2 * studentUpper(Math.abs(t), df) : null,
      ci_lower: estimate - tCrit * se,
      ci_upper: estimate + tCrit * se,
    };
  });

  // Sequential sums of squares: squares of the QR effects of each term's columns.
  const anova: EffectsAnovaRow[] = terms.map((t) => {
    const cols = contrasts.terms[termKey(t)]!;
    const ss = cols.reduce((s, j) => s + fit.effects[j]! ** 2, 0);
    const ms = ss / cols.length;
    const F = ms / meanSq;
    return { term: termKey(t), df: cols.length, sum_sq: ss, mean_sq: ms, F: finiteOrNull(F), p_value: Number.isFinite(F) ? fisherUpper(F, cols.length, df) : null };
  });
  anova.push({ term: "Residual", df, sum_sq: fit.residualSs, mean_sq: meanSq, F: null, p_value: null });

  const levelCounts = variables.map((v) => v.levels.length);
  const indexOf = variables.map((v) => new Map(v.levels.map((l, i) => [levelKey(l), i])));
  const runs = combinations.map((c) => variables.map((v, i) => indexOf[i]!.get(levelKey(c.variable_values[v.name]))!));
  const chains = aliasChains(runs, levelCounts, names, terms);

  const effects: DesignEffect[] = terms.map((t, k) => {
    const cols = contrasts.terms[termKey(t)]!;
    const chain = chains[k]!;
    const e: DesignEffect = {
      term: termKey(t),
      letters: lettersOf(t),
      variables: t.map((f) => names[f]!),
      df: cols.length,
      alias_chain: chain.letters,
      alias_chain_terms: chain.names,
      partial_aliases: chain.partial,
      coefficients: cols.map((j) => contrasts.columns[j]!),
    };
    if (cols.length === 1) {
      const c = coefficients[cols[0]!]!;
      Object.assign(e, { estimate: c.estimate, std_error: c.std_error, statistic: c.statistic, p_value: c.p_value, ci_lower: c.ci_lower, ci_upper: c.ci_upper });
      if (t.every((f) => levelCounts[f] === 2)) {
        Object.assign(e, {
          difference: 2 * c.estimate,
          difference_std_error: 2 * c.std_error,
          difference_ci_lower: 2 * c.ci_lower,
          difference_ci_upper: 2 * c.ci_upper,
        });
      }
    }
    return e;
  });

  const withData = stats.filter((c) => c.n > 0);
  const grand = withData.reduce((s, c) => s + c.sum, 0) / n;
  const total = fit.withinSs + withData.reduce((s, c) => s + c.n * (c.sum / c.n - grand) ** 2, 0);
  return {
    n,
    parameters: p,
    confidence_level: confidence,
    coding: variables.map((v) => ({
      variable: v.name,
      levels: v.levels.length,
      contrasts: v.levels.length === 2 ? "effect" : coding === "polynomial" || (coding === "auto" && v.type === "continuous") ? "polynomial" : "helmert",
    })),
    cells: stats.map((c) => ({
      combination_id: c.combination_id,
      n: c.n,
      mean: c.n > 0 ? c.sum / c.n : null,
      sd: c.n > 1 ? Math.sqrt(withinSs(c) / (c.n - 1)) : null,
    })),
    coefficients,
    effects,
    anova,
    residual: {
      df,
      sum_sq: fit.residualSs,
      mean_sq: meanSq,
      sigma,
      pure_error_df: n - withData.length,
      pure_error_sum_sq: fit.withinSs,
      lack_of_fit_df: withData.length - p,
      lack_of_fit_sum_sq: fit.lackOfFitSs,
    },
    r_squared: total > 0 ? 1 - fit.residualSs / total : null,
    method:
      `least squares on the combinations' means weighted by their counts (equal to OLS on the ${n} responses), ${described}; ` +
      "two-level variables coded -1 (first level) / +1, more levels by " +
      (coding === "auto" ? "orthogonal polynomials (continuous) or Helmert contrasts (categorical)" : coding === "polynomial" ? "orthogonal polynomials" : "Helmert contrasts") +
      "; sequential (type I) sums of squares as R's anova(lm(...)); two-factor interactions outside the model appear in the alias chains, higher ones are taken as negligible",
  };
}
