// Effect coding (contrast matrix) of a design, for the effects analysis: one row per
// combination in run order, an intercept column, one column per contrast of each variable and,
// for each requested interaction, the products of its variables' contrasts. Two-level variables
// are coded -1/+1 (first level -1). Variables with more levels use orthogonal polynomial
// contrasts (linear, quadratic, cubic; with the levels' numeric values as scores when all are
// numbers, else equally spaced; textbook integer coefficients for equal spacing) or Helmert
// contrasts (R's contr.helmert). By default continuous variables get polynomials and
// categorical ones Helmert. (Montgomery, DAE, 8th ed., sec. 5.5 and App. Table X; Fisher &
// Yates, Statistical Tables, Table XXIII; R: contr.poly, contr.helmert.)

import { InvalidArgumentError } from "../errors.js";
import { parseEffect, resolveFactor } from "./factor-names.js";
import { orthonormalise } from "./effect-space.js";
import type { Combination, DesignVariable, LevelValue } from "./types.js";
import { levelKey } from "./validate-request.js";

/** Contrast coding of variables with more than two levels. */
export type ContrastCoding = "auto" | "polynomial" | "helmert";

export interface ContrastOptions {
  /** "auto" (default): polynomial for continuous variables, Helmert for categorical ones. */
  coding?: ContrastCoding;
  /** Interactions to include; defaults to the experiment's interaction_matrix. */
  interactions?: readonly (readonly string[] | string)[];
  /** Scale every contrast column to unit length over the levels (R's contr.poly scaling). Default false. */
  normalize?: boolean;
  /** Include the "(Intercept)" column. Default true. */
  intercept?: boolean;
}

/** The contrast matrix: rows in combination order, named columns, and the columns of each term. */
export interface ContrastMatrix {
  columns: string[];
  matrix: number[][];
  /** Column indices of each term: "(Intercept)", "A", "A:B". */
  terms: Record<string, number[]>;
}

/** Orthogonal polynomial contrasts over the given scores: columns of degree 1..s-1 as rows (Montgomery, DAE, App. Table X). */
export function orthogonalPolynomialContrasts(scores: readonly number[], normalize = false): number[][] {
  const s = scores.length;
  const mean = scores.reduce((a, b) => a + b, 0) / s;
  const spread = Math.max(...scores.map((x) => Math.abs(x - mean))) || 1;
  const x = scores.map((v) => (v - mean) / spread);
  const powers = [...Array(s).keys()].map((d) => x.map((v) => v ** d));
  const basis = orthonormalise(powers);
  return basis.slice(1).map((col) => {
    const last = col[s - 1]!;
    const sign = last < 0 ? -1 : 1;
    if (normalize) return col.map((v) => clean(v * sign));
    const smallest = Math.min(...col.filter((v) => Math.abs(v) > 1e-9).map(Math.abs));
    return col.map((v) => clean((v * sign) / smallest));
  });
}

function clean(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) < 1e-9 ? r + 0 : v;
}

/** Helmert contrasts (R's contr.helmert): column j compares level j with the mean of the levels before it. */
export function helmertContrasts(s: number, normalize = false): number[][] {
  const out: number[][] = [];
  for (let j = 1; j < s; j++) {
    const col = [...Array(s).keys()].map((l) => (l < j ? -1 : l === j ? j : 0));
    out.push(normalize ? col.map((v) => v / Math.sqrt(j * (j + 1))) : col);
  }
  return out;
}

const POLY_NAMES = [".L", ".Q", ".C"];

/** Contrasts of one variable (components x levels) and their column-name suffixes, as R names them (Montgomery, DAE, sec. 5.5). */
export function variableContrasts(variable: DesignVariable, coding: ContrastCoding = "auto", normalize = false): { suffixes: string[]; contrasts: number[][] } {
  const s = variable.levels.length;
  if (s === 2) return { suffixes: [""], contrasts: [normalize ? [-Math.SQRT1_2, Math.SQRT1_2] : [-1, 1]] };
  const usePoly = coding === "polynomial" || (coding === "auto" && variable.type === "continuous");
  if (usePoly) {
    const numeric = variable.levels.every((l) => typeof l === "number" && Number.isFinite(l));
    const scores = numeric ? (variable.levels as number[]) : [...Array(s).keys()];
    return { suffixes: POLY_NAMES.slice(0, s - 1), contrasts: orthogonalPolynomialContrasts(scores, normalize) };
  }
  return { suffixes: [...Array(s - 1).keys()].map((j) => String(j + 1)), contrasts: helmertContrasts(s, normalize) };
}

/**
 * The effect-coding matrix of a design (an experiment's variables and combinations), with the
 * requested interactions as products of contrasts (Montgomery, DAE, sec. 6.2 and 5.5).
 */
export function designContrasts(
  experiment: { variables: readonly DesignVariable[]; combinations: readonly Combination[]; interaction_matrix?: readonly (readonly string[] | string)[] | null },
  options: ContrastOptions = {},
): ContrastMatrix {
  const { variables, combinations } = experiment;
  const names = variables.map((v) => v.name);
  const coded = variables.map((v) => variableContrasts(v, options.coding ?? "auto", options.normalize ?? false));
  const indexOf = variables.map((v) => new Map(v.levels.map((l: LevelValue, i: number) => [levelKey(l), i])));
  const levelRows = combinations.map((c, r) =>
    variables.map((v, i) => {
      const idx = indexOf[i]!.get(levelKey(c.variable_values[v.name]));
      if (idx === undefined) throw new InvalidArgumentError(`combination ${c.combination_id} has no declared level of "${v.name}"`, `combinations.${r}.variable_values.${v.name}`);
      return idx;
    }),
  );
  const interactions = (options.interactions ?? experiment.interaction_matrix ?? []).map((entry, i) =>
    typeof entry === "string"
      ? parseEffect(entry, names, `interaction_matrix.${i}`).factors
      : [...new Set(entry.map((t) => resolveFactor(t, names, `interaction_matrix.${i}`)))].sort((a, b) => a - b),
  );
  const columns: string[] = [];
  const builders: ((row: number[]) => number)[] = [];
  const terms: Record<string, number[]> = {};
  if (options.intercept ?? true) {
    terms["(Intercept)"] = [0];
    columns.push("(Intercept)");
    builders.push(() => 1);
  }
  const addTerm = (factors: number[]) => {
    const key = factors.map((f) => names[f]!).join(":");
    if (terms[key]) return;
    let parts: { name: string; value: (row: number[]) => number }[] = [{ name: "", value: () => 1 }];
    for (const f of factors) {
      const { suffixes, contrasts } = coded[f]!;
      // The earlier factor's contrasts vary fastest, as in R's model.matrix.
      parts = contrasts.flatMap((c, j) =>
        parts.map((p) => ({
          name: p.name ? `${p.name}:${names[f]}${suffixes[j]}` : `${names[f]}${suffixes[j]}`,
          value: (row: number[]) => p.value(row) * c[row[f]!]!,
        })),
      );
    }
    terms[key] = parts.map((_, j) => columns.length + j);
    for (const p of parts) {
      columns.push(p.name);
      builders.push(p.value);
    }
  };
  names.forEach((_, f) => addTerm([f]));
  interactions.forEach((t) => addTerm(t));
  return { columns, matrix: levelRows.map((row) => builders.map((b) => b(row))), terms };
}
