// R's model.matrix() with treatment contrasts (contr.treatment: the first level is the
// reference). Which factors of a term get contrasts and which full indicator coding follows R's
// TermCode heuristic (src/library/stats/src/model.c; Chambers & Hastie 1992, p. 38): a factor is
// coded by contrasts if the term without it is empty or is contained in a preceding term,
// otherwise by indicators; without an intercept, the first factor of the first term holding one
// is coded by indicators. Column names are R's: `(Intercept)`, `x`, `factor(cyl)6`, `aq:bv`,
// with the first variable of an interaction varying fastest.

import { InvalidArgumentError } from "../../errors.js";
import type { TermsObject } from "./expand-terms.js";
import type { FrameVariable, ModelFrame } from "./model-frame.js";

/** A dense design matrix stored by columns. */
export interface DesignMatrix {
  readonly n: number;
  readonly p: number;
  readonly columns: readonly Float64Array[];
  readonly columnNames: readonly string[];
  /** R's attr(X, "assign"): 0 for the intercept, k for the k-th term (1-based). */
  readonly assign: readonly number[];
}

/** How one variable enters one term. */
type Coding = "numeric" | "contrasts" | "indicators";

/** The frozen recipe of a model matrix (term codings and levels), reusable on new data. */
export interface MatrixEncoding {
  readonly terms: TermsObject;
  /** codings[t][j]: coding of the j-th variable of term t. */
  readonly codings: readonly (readonly Coding[])[];
  readonly columnNames: readonly string[];
  readonly assign: readonly number[];
  /** Kind and levels of every right-hand-side variable in the fitted data. */
  readonly variableKinds: ReadonlyMap<string, VariableKind>;
}

/** What a fitted variable was: numeric, or a factor with its levels. */
export type VariableKind = { readonly kind: "numeric" } | { readonly kind: "factor"; readonly levels: readonly string[] };

function isSubset(a: readonly number[], b: readonly number[]): boolean {
  return a.every((x) => b.includes(x));
}

/** Decides the coding of every variable of every term (R's TermCode plus the no-intercept rule). */
export function termCodings(terms: TermsObject, frame: Pick<ModelFrame, "variables">): Coding[][] {
  const kindOf = (v: number): FrameVariable => {
    const fv = frame.variables.get(terms.variables[v]!.label);
    if (!fv) throw new InvalidArgumentError(`variable '${terms.variables[v]!.label}' is missing from the model frame`);
    return fv;
  };
  const codings = terms.terms.map((t, ti) =>
    t.variables.map((v): Coding => {
      if (kindOf(v).kind === "numeric") return "numeric";
      const rest = t.variables.filter((x) => x !== v);
      if (rest.length === 0) return "contrasts";
      for (let s = 0; s < ti; s++) if (isSubset(rest, terms.terms[s]!.variables)) return "contrasts";
      return "indicators";
    }),
  );
  if (!terms.intercept) {
    outer: for (let ti = 0; ti < terms.terms.length; ti++) {
      const t = terms.terms[ti]!;
      // R scans variables in variable order within the first term that holds a factor.
      const order = [...t.variables.keys()].sort((a, b) => t.variables[a]! - t.variables[b]!);
      for (const j of order) {
        const fv = kindOf(t.variables[j]!);
        if (fv.kind === "factor" && fv.levels.length > 1) {
          codings[ti]![j] = "indicators";
          break outer;
        }
      }
    }
  }
  return codings;
}

interface ColumnPart {
  name: string;
  /** Numeric column, or the level code this indicator picks. */
  numeric?: Float64Array;
  codes?: Int32Array;
  level?: number;
}

function variableParts(fv: FrameVariable, coding: Coding): ColumnPart[] {
  if (fv.kind === "numeric") return [{ name: fv.label, numeric: fv.values }];
  const first = coding === "contrasts" ? 1 : 0;
  if (coding === "contrasts" && fv.levels.length < 2) {
    throw new InvalidArgumentError(`factor '${fv.label}' has only one level (contrasts need two or more)`, "specification.formula");
  }
  const parts: ColumnPart[] = [];
  for (let k = first; k < fv.levels.length; k++) parts.push({ name: `${fv.label}${fv.levels[k]}`, codes: fv.codes, level: k });
  return parts;
}

function build(terms: TermsObject, frame: ModelFrame, codings: readonly (readonly Coding[])[]): DesignMatrix {
  const n = frame.n;
  const columns: Float64Array[] = [];
  const columnNames: string[] = [];
  const assign: number[] = [];
  if (terms.intercept) {
    columns.push(new Float64Array(n).fill(1));
    columnNames.push("(Intercept)");
    assign.push(0);
  }
  terms.terms.forEach((t, ti) => {
    const partsPerVar = t.variables.map((v, j) => variableParts(frame.variables.get(terms.variables[v]!.label)!, codings[ti]![j]!));
    // Cartesian product, first variable fastest.
    let combos: ColumnPart[][] = [[]];
    for (const parts of partsPerVar) {
      const next: ColumnPart[][] = [];
      for (const p of parts) for (const c of combos) next.push([...c, p]);
      combos = next;
    }
    for (const combo of combos) {
      const col = new Float64Array(n).fill(1);
      for (const part of combo) {
        if (part.numeric) {
          const x = part.numeric;
          for (let i = 0; i < n; i++) col[i]! *= x[i]!;
        } else {
          const codes = part.codes!;
          const lv = part.level!;
          for (let i = 0; i < n; i++) if (codes[i] !== lv) col[i] = 0;
        }
      }
      columns.push(col);
      columnNames.push(combo.map((p) => p.name).join(":"));
      assign.push(ti + 1);
    }
  });
  return { n, p: columns.length, columns, columnNames, assign };
}

/** R's model.matrix(terms, model.frame) with treatment contrasts; returns the matrix and its encoding. */
export function buildModelMatrix(terms: TermsObject, frame: ModelFrame): { matrix: DesignMatrix; encoding: MatrixEncoding } {
  const codings = termCodings(terms, frame);
  const matrix = build(terms, frame, codings);
  const variableKinds = new Map<string, VariableKind>();
  for (const v of terms.variables) {
    const fv = frame.variables.get(v.label)!;
    variableKinds.set(v.label, fv.kind === "factor" ? { kind: "factor", levels: fv.levels } : { kind: "numeric" });
  }
  return { matrix, encoding: { terms, codings, columnNames: matrix.columnNames, assign: matrix.assign, variableKinds } };
}

/** The model matrix of new data (a frame evaluated against the fitted levels) under a fitted encoding. */
export function applyMatrixEncoding(encoding: MatrixEncoding, frame: ModelFrame): DesignMatrix {
  return build(encoding.terms, frame, encoding.codings);
}
