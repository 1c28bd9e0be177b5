// Power and sample size for the F tests of a fixed-effects factorial model: main effects and
// two-factor interactions (2FIs) of 2^k, mixed-level and fractional designs, with the design's own
// degrees of freedom. The model holds an intercept, every main effect (L_i − 1 df each) and the
// requested 2FIs ((L_i − 1)(L_j − 1) df each): p parameters. With N units spread evenly over the
// design's `cells` distinct combinations, the F test of a term with u numerator df has
//   v = N − p denominator df,  ncp λ = f² · N,  power = 1 − F_{u,v,λ}(F_{1−α; u, v}),
// Cohen's f being the sd of the term's effects over the residual sd. λ = f² N is the convention of
// Cohen (1988, "Statistical Power Analysis for the Behavioral Sciences", 2nd ed., ch. 8: main
// effects and interactions in factorial designs) and of G*Power's "ANOVA: fixed effects, special,
// main effects and interactions" (Faul et al. 2007, Behav Res Methods 39:175–191); it is not
// pwr::pwr.f2.test's λ = f² (u + v + 1), which agrees only when the model holds a single effect.
//
// A design tests several terms (target "main_effects": every main effect; "interactions": the
// requested 2FIs, or, when none are requested, every 2FI, all then part of the model). The
// required N is the largest of the tested terms' N (so every tested term reaches the power), the
// power at a given N the smallest of theirs, the detectable f the largest of theirs.
//
// Limits: units are assumed balanced over the cells, and estimability is only counted (p <= cells);
// whether a fraction aliases a requested 2FI with another model term is the design's to check.

import { InvalidArgumentError } from "../errors.js";
import { fisherUpperQuantile } from "./distributions/fisher-f.js";
import { noncentralFUpper } from "./distributions/noncentral-f.js";
import { normalUpperQuantile } from "./distributions/normal.js";
import { effectSizeToCohensF, type RawEffect } from "./factorial-effect-size.js";
import { solveIncreasing } from "./root-find.js";
import { isMissing, requireAbove, requireNumber, requireOneOf, requireOpenInterval, requirePower } from "./validate.js";

/** Which terms a factorial power analysis must detect. */
export type FactorialTarget = "main_effects" | "interactions";

/** A factor named by its index in `levels` or by its name. */
export type FactorRef = number | string;

/** The method string of every factorial result. */
export const FACTORIAL_METHOD = "noncentral F (Cohen 1988), fixed-effects factorial model";

/** Power used when neither power nor total_n is given (API.md: power?: 0.8). */
export const FACTORIAL_DEFAULT_POWER = 0.8;

const TARGETS: readonly FactorialTarget[] = ["main_effects", "interactions"];
const MAX_N = 1e15;
const MAX_F = 1e10;

/** A factorial design as the power analysis sees it. */
export interface FactorialDesign {
  /** Level count of each factor (integers >= 2), e.g. [2, 3, 2]. */
  levels: readonly number[];
  /** The factors' names, used in term labels ("A", "A:B"); default A, B, C, ... */
  names?: readonly string[];
  /** Distinct combinations run: prod(levels) (the default) for a full factorial, fewer for a fraction. */
  cells?: number;
  /** Two-factor interactions in the model, as pairs of factor indices or names. */
  interactions?: readonly (readonly [FactorRef, FactorRef])[];
  /** Terms to be detected (default "main_effects"). */
  target?: FactorialTarget;
}

/** One term of the model. */
export interface FactorialTerm {
  /** "A" or "A:B" in the caller's names. */
  term: string;
  /** Indices of the term's factors. */
  factors: number[];
  df_num: number;
  /** Whether the term counts towards the target. */
  tested: boolean;
}

/** A validated design with its model terms and parameter count. */
export interface FactorialModel {
  names: string[];
  levels: number[];
  cells: number;
  target: FactorialTarget;
  /** Main effects in factor order, then the 2FIs. */
  terms: FactorialTerm[];
  /** p = 1 + Σ (L_i − 1) + Σ (L_i − 1)(L_j − 1): the model's parameters. */
  parameters: number;
  /** Smallest N a solve returns: max(cells, p + 1) (a unit per cell, one error df). */
  min_total_n: number;
}

/** Arguments of {@link factorialPower}: exactly one of total_n, power and the effect is solved for. */
export interface FactorialPowerInput extends FactorialDesign {
  alpha?: number;
  /** Cohen's f of every tested term; leave out (with no `effect`) to solve the detectable f. */
  f?: number | null;
  /** Alternatively the raw effect, converted per term by effectSizeToCohensF. */
  effect?: RawEffect | null;
  /** Total units N; leave out to solve it. */
  total_n?: number | null;
  /** Target power; defaults to 0.8 when total_n is left out too. */
  power?: number | null;
}

/** One model term's test at the result's N. */
export interface FactorialEffect {
  term: string;
  df_num: number;
  df_den: number;
  /** λ = f² N. */
  ncp: number;
  power: number;
  f: number;
  tested: boolean;
}

/** Result of {@link factorialPower}. */
export interface FactorialPowerResult {
  target: FactorialTarget;
  alpha: number;
  /** Target power when N or f was solved; the smallest tested term's power when N was given. */
  power: number;
  solved_for: "total_n" | "power" | "f";
  /** Total units, unrounded (solved, or as given). */
  required_total_n: number;
  /** required_total_n rounded up. */
  required_sample_size: number;
  /** required_total_n / cells, unrounded. */
  n_per_cell: number;
  cells: number;
  /** p, the model's parameters (v = N − p). */
  parameters: number;
  /** The common f of the tested terms (given or solved); null when derived per term from `effect`. */
  f: number | null;
  effects: FactorialEffect[];
  method: string;
}

function defaultName(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `X${i + 1}`;
}

/**
 * Validate a factorial design and list its model terms, degrees of freedom and parameter count
 * (fixed-effects factorial model; Montgomery, "Design and Analysis of Experiments", ch. 5–8).
 */
export function factorialModel(design: FactorialDesign): FactorialModel {
  if (design === null || typeof design !== "object") throw new InvalidArgumentError("design must be an object");
  const rawLevels = design.levels;
  if (!Array.isArray(rawLevels) || rawLevels.length === 0) {
    throw new InvalidArgumentError("levels must be a non-empty array of level counts", "levels");
  }
  const levels = rawLevels.map((l, i) => {
    if (!(typeof l === "number" && Number.isInteger(l) && l >= 2)) {
      throw new InvalidArgumentError(`levels.${i} must be an integer >= 2, got ${String(l)}`, `levels.${i}`);
    }
    return l;
  });
  const k = levels.length;

  let names: string[];
  if (isMissing(design.names)) {
    names = levels.map((_, i) => defaultName(i));
  } else {
    if (!Array.isArray(design.names) || design.names.length !== k) {
      throw new InvalidArgumentError(`names must hold one name per factor (${k})`, "names");
    }
    names = design.names.map((n, i) => {
      if (typeof n !== "string" || n.length === 0) throw new InvalidArgumentError(`names.${i} must be a non-empty string`, `names.${i}`);
      if (design.names!.indexOf(n) !== i) throw new InvalidArgumentError(`names.${i} repeats ${JSON.stringify(n)}`, `names.${i}`);
      return n;
    });
  }

  const target = requireOneOf(design.target ?? "main_effects", TARGETS, "target");

  const resolve = (ref: unknown, path: string): number => {
    if (typeof ref === "number" && Number.isInteger(ref) && ref >= 0 && ref < k) return ref;
    if (typeof ref === "string" && names.includes(ref)) return names.indexOf(ref);
    throw new InvalidArgumentError(`${path} must be a factor index in [0, ${k}) or a factor name, got ${JSON.stringify(ref)}`, path);
  };
  const rawPairs = design.interactions ?? [];
  if (!Array.isArray(rawPairs)) throw new InvalidArgumentError("interactions must be an array of factor pairs", "interactions");
  const pairs: [number, number][] = [];
  const seen = new Set<string>();
  rawPairs.forEach((pair: unknown, idx) => {
    const path = `interactions.${idx}`;
    if (!Array.isArray(pair) || pair.length !== 2) throw new InvalidArgumentError(`${path} must be a pair of factors`, path);
    const i = resolve(pair[0], `${path}.0`);
    const j = resolve(pair[1], `${path}.1`);
    if (i === j) throw new InvalidArgumentError(`${path} pairs factor ${names[i]} with itself`, path);
    const key = `${Math.min(i, j)},${Math.max(i, j)}`;
    if (seen.has(key)) throw new InvalidArgumentError(`${path} repeats the interaction ${names[i]}:${names[j]}`, path);
    seen.add(key);
    pairs.push([i, j]);
  });
  if (target === "interactions" && pairs.length === 0) {
    if (k < 2) throw new InvalidArgumentError('target "interactions" needs at least two factors', "target");
    for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) pairs.push([i, j]);
  }

  const terms: FactorialTerm[] = [
    ...levels.map((l, i) => ({ term: names[i]!, factors: [i], df_num: l - 1, tested: target === "main_effects" })),
    ...pairs.map(([i, j]) => ({
      term: `${names[i]}:${names[j]}`,
      factors: [i, j],
      df_num: (levels[i]! - 1) * (levels[j]! - 1),
      tested: target === "interactions",
    })),
  ];
  const parameters = 1 + terms.reduce((s, t) => s + t.df_num, 0);
  const full = levels.reduce((a, b) => a * b, 1);
  const cells = isMissing(design.cells) ? full : requireNumber(design.cells, "cells");
  if (!Number.isInteger(cells) || cells < 1 || cells > full) {
    throw new InvalidArgumentError(`cells must be an integer in [1, ${full}] (the full factorial), got ${cells}`, "cells");
  }
  if (parameters > cells) {
    throw new InvalidArgumentError(
      `the model has ${parameters} parameters but the design runs only ${cells} distinct combinations, so it cannot be estimated`,
      "cells",
    );
  }
  return { names, levels, cells, target, terms, parameters, min_total_n: Math.max(cells, parameters + 1) };
}

/**
 * Power of the F test of one factorial term with u = dfNum at N total units in a model of
 * `parameters` parameters: 1 − F_{u, N−p, f² N}(F_{1−α; u, N−p}) (Cohen 1988 ch. 8; R:
 * 1 - pf(qf(1 - alpha, u, N - p), u, N - p, ncp = f^2 * N)).
 */
export function factorialTermPowerAt(totalN: number, dfNum: number, parameters: number, f: number, alpha: number): number {
  const dfDen = totalN - parameters;
  return noncentralFUpper(fisherUpperQuantile(alpha, dfNum, dfDen), dfNum, dfDen, f * f * totalN);
}

/**
 * Power analysis of a factorial design's main effects or two-factor interactions with the
 * noncentral F distribution (Cohen 1988 ch. 8, λ = f² N as G*Power): solves the total N for a
 * target power, the power at a given N, or the detectable Cohen's f at a given N and power.
 */
export function factorialPower(input: FactorialPowerInput): FactorialPowerResult {
  if (input === null || typeof input !== "object") throw new InvalidArgumentError("input must be an object");
  const model = factorialModel(input);
  const { parameters: p, cells, target } = model;
  const alpha = requireOpenInterval(input.alpha ?? 0.05, 0, 1, "alpha");
  if (!isMissing(input.f) && !isMissing(input.effect)) {
    throw new InvalidArgumentError("give either f or effect, not both", "f");
  }
  const commonF = isMissing(input.f) ? undefined : requireAbove(input.f, 0, "f");
  const effect = isMissing(input.effect) ? undefined : input.effect;
  const hasEffect = commonF !== undefined || effect !== undefined;
  const totalN = isMissing(input.total_n) ? undefined : requireAbove(input.total_n, p, "total_n");
  let power = isMissing(input.power) ? undefined : requirePower(input.power, alpha, "power");

  let solvedFor: FactorialPowerResult["solved_for"];
  if (!hasEffect) {
    if (totalN === undefined || power === undefined) {
      throw new InvalidArgumentError("f (or effect) is missing: to solve for it give both total_n and power", "f");
    }
    solvedFor = "f";
  } else if (totalN === undefined) {
    power ??= FACTORIAL_DEFAULT_POWER;
    solvedFor = "total_n";
  } else if (power === undefined) {
    solvedFor = "power";
  } else {
    throw new InvalidArgumentError("f, total_n and power are all given: leave out the one to solve for");
  }

  const fOf = (t: FactorialTerm): number =>
    commonF ?? effectSizeToCohensF(effect!, t.factors.map((i) => model.levels[i]!));
  const tested = model.terms.filter((t) => t.tested);
  const powerAt = (n: number, t: FactorialTerm, f: number) => factorialTermPowerAt(n, t.df_num, p, f, alpha);
  // λ for the target power in the chi-square limit, a starting point for the brackets.
  const lambdaGuess = (t: FactorialTerm, target: number) =>
    (normalUpperQuantile(alpha) + normalUpperQuantile(1 - target)) ** 2 + t.df_num - 1;

  let n: number;
  let f: number | null = commonF ?? null;
  let resultPower: number;
  if (solvedFor === "total_n") {
    const goal = power!;
    n = model.min_total_n;
    let anyRoot = false;
    for (const t of tested) {
      const ft = fOf(t);
      const sol = solveIncreasing((nn) => powerAt(nn, t, ft) - goal, lambdaGuess(t, goal) / (ft * ft), model.min_total_n, MAX_N);
      if (sol.status === "unreachable") {
        throw new InvalidArgumentError(
          `power ${goal} for ${t.term} needs more than ${MAX_N} units; the effect (f = ${ft}) is too small`,
          effect === undefined ? "f" : "effect_size",
        );
      }
      if (sol.status === "root") {
        anyRoot = true;
        n = Math.max(n, sol.x);
      }
    }
    // Every tested term already reaching the target at the smallest design: report its power.
    resultPower = anyRoot ? goal : Math.min(...tested.map((t) => powerAt(n, t, fOf(t))));
  } else if (solvedFor === "power") {
    n = totalN!;
    resultPower = Math.min(...tested.map((t) => powerAt(n, t, fOf(t))));
  } else {
    n = totalN!;
    const goal = power!;
    let fMax = 0;
    for (const t of tested) {
      const sol = solveIncreasing((ff) => powerAt(n, t, ff) - goal, Math.sqrt(lambdaGuess(t, goal) / n), 0, MAX_F);
      if (sol.status !== "root") throw new InvalidArgumentError(`power ${goal} is unreachable for ${t.term} with total_n = ${n}`, "power");
      fMax = Math.max(fMax, sol.x);
    }
    f = fMax;
    resultPower = goal;
  }

  const dfDen = n - p;
  const effects: FactorialEffect[] = model.terms.map((t) => {
    const ft = f ?? fOf(t);
    return { term: t.term, df_num: t.df_num, df_den: dfDen, ncp: ft * ft * n, power: powerAt(n, t, ft), f: ft, tested: t.tested };
  });
  return {
    target,
    alpha,
    power: resultPower,
    solved_for: solvedFor,
    required_total_n: n,
    required_sample_size: Math.ceil(n - 1e-9),
    n_per_cell: n / cells,
    cells,
    parameters: p,
    f,
    effects,
    method: FACTORIAL_METHOD,
  };
}
