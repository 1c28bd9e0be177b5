// The random-effects structure of a mixed model as lme4's mkReTrms builds it: for every
// random-effects term its grouping factor (levels, a code per row), its per-row model-matrix
// values (the columns of one level's block of Z), its relative covariance factor Λ_t (lower
// triangular, θ its lower triangle by columns, diagonal >= 0), and lme4's term order (by
// decreasing number of levels when the numbers are not already non-increasing).

import { InvalidArgumentError } from "../../errors.js";
import { numberLabel, sortLevels } from "../formula/data-values.js";
import type { FrameVariable, ModelFrame } from "../formula/model-frame.js";
import { buildModelMatrix, type MatrixEncoding } from "../formula/model-matrix.js";
import type { RandomTerm } from "../formula/random-terms.js";

export interface ReTerm {
  readonly label: string;
  readonly group: string;
  /** Column names of one level's block: `(Intercept)`, `Days`. */
  readonly columnNames: readonly string[];
  readonly k: number;
  readonly levels: readonly string[];
  /** Grouping-factor level of every row. */
  readonly codes: Int32Array;
  /** k per-row columns of the term's model matrix. */
  readonly z: readonly Float64Array[];
  /** Offset of this term's θ in the full θ vector (k (k + 1) / 2 entries). */
  readonly thetaOffset: number;
  /** The left side's model-matrix encoding (to evaluate the term on new rows). */
  readonly encoding: MatrixEncoding;
  /** Labels of the variables forming the grouping factor. */
  readonly groupVariables: readonly string[];
}

export interface ReStructure {
  readonly terms: readonly ReTerm[];
  readonly nTheta: number;
  /** Lower bounds of θ: 0 on the diagonals of Λ, -Infinity elsewhere (lme4: getME(m, "lower")). */
  readonly lower: Float64Array;
  /** lme4's starting θ: 1 on diagonals, 0 elsewhere. */
  readonly start: Float64Array;
}

/** A frame variable as a factor (lme4 calls factor() on grouping variables, so numbers become levels). */
function asFactor(v: FrameVariable): Extract<FrameVariable, { kind: "factor" }> {
  if (v.kind === "factor") return v;
  const levels = sortLevels(v.values);
  const index = new Map(levels.map((l, k) => [l, k]));
  return { label: v.label, kind: "factor", levels, codes: Int32Array.from(v.values, (x) => index.get(numberLabel(x))!) };
}

function groupingFactor(term: RandomTerm, frame: ModelFrame): { levels: string[]; codes: Int32Array } {
  const vars = term.groupVariables.map((v) => asFactor(frame.variables.get(v.label)!));
  const n = frame.n;
  if (vars.length === 1) {
    const v = vars[0]!;
    // factor() drops levels unused in the kept rows (already done by the frame).
    return { levels: [...v.levels], codes: v.codes };
  }
  // Interaction a:b: levels present, the first factor varying slowest (R's `:` on factors).
  const keyOf = (i: number) => vars.map((v) => v.codes[i]!);
  const seen = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = keyOf(i);
    const s = key.join(",");
    if (!seen.has(s)) seen.set(s, key);
  }
  const combos = [...seen.values()].sort((a, b) => {
    for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return a[j]! - b[j]!;
    return 0;
  });
  const index = new Map(combos.map((c, i) => [c.join(","), i]));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = index.get(keyOf(i).join(","))!;
  const levels = combos.map((c) => c.map((code, j) => vars[j]!.levels[code]).join(":"));
  return { levels, codes };
}

/** Builds the random-effects terms over a model frame (lme4: mkReTrms), in lme4's order. */
export function buildReStructure(random: readonly RandomTerm[], frame: ModelFrame): ReStructure {
  const built = random.map((t) => {
    const { matrix, encoding } = buildModelMatrix(t.lhs, frame);
    const { levels, codes } = groupingFactor(t, frame);
    if (matrix.p === 0) throw new InvalidArgumentError(`random-effects term (${t.label}) has no columns`, "specification.formula");
    if (levels.length >= frame.n) {
      throw new InvalidArgumentError(
        `the grouping factor '${t.group}' has ${levels.length} levels for ${frame.n} observations: the random effects and the residual are unidentifiable`,
        "specification.formula",
      );
    }
    return { t, matrix, encoding, levels, codes };
  });
  // mkReTrms: if (any(diff(nl) > 0)) order by rev(order(nl)).
  const nl = built.map((b) => b.levels.length);
  let order = built.map((_, i) => i);
  if (nl.some((v, i) => i > 0 && v > nl[i - 1]!)) {
    order = [...order].sort((a, b) => nl[a]! - nl[b]! || a - b).reverse();
  }
  let off = 0;
  const terms: ReTerm[] = order.map((i) => {
    const b = built[i]!;
    const k = b.matrix.p;
    const term: ReTerm = {
      label: b.t.label,
      group: b.t.group,
      columnNames: b.matrix.columnNames,
      k,
      levels: b.levels,
      codes: b.codes,
      z: b.matrix.columns,
      thetaOffset: off,
      encoding: b.encoding,
      groupVariables: b.t.groupVariables.map((v) => v.label),
    };
    off += (k * (k + 1)) / 2;
    return term;
  });
  const lower = new Float64Array(off).fill(-Infinity);
  const start = new Float64Array(off);
  for (const t of terms) {
    let idx = t.thetaOffset;
    for (let c = 0; c < t.k; c++) {
      for (let r = c; r < t.k; r++) {
        if (r === c) {
          lower[idx] = 0;
          start[idx] = 1;
        }
        idx++;
      }
    }
  }
  return { terms, nTheta: off, lower, start };
}

/** Λ_t (k x k row-major, lower) of a term from θ (lme4 fills the lower triangle by columns). */
export function lambdaBlock(term: Pick<ReTerm, "k" | "thetaOffset">, theta: ArrayLike<number>): Float64Array {
  const k = term.k;
  const out = new Float64Array(k * k);
  let idx = term.thetaOffset;
  for (let c = 0; c < k; c++) for (let r = c; r < k; r++) out[r * k + c] = theta[idx++]!;
  return out;
}
