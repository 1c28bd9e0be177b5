// R's model.frame() for row data: evaluates every variable of a model (response, terms,
// random-effects left sides, grouping factors) on each row, drops rows with a missing value in
// any used variable (na.action = na.omit, counted), and turns factor variables into integer
// codes over their levels in R's order with unused levels dropped (drop.unused.levels = TRUE,
// as lm and lmer call it).

import { InvalidArgumentError } from "../../errors.js";
import type { FormulaExpr } from "./formula-ast.js";
import { MATH_FUNCTIONS, type FormulaVariable } from "./expand-terms.js";
import { coerceCell, numberLabel, sortLevels, type Cell } from "./data-values.js";

/** One evaluated variable on the kept rows. */
export type FrameVariable =
  | { readonly label: string; readonly kind: "numeric"; readonly values: Float64Array }
  | { readonly label: string; readonly kind: "factor"; readonly codes: Int32Array; readonly levels: readonly string[] };

/** The model frame: evaluated variables on the complete-case rows. */
export interface ModelFrame {
  /** Number of rows kept. */
  readonly n: number;
  /** Indices (into the input rows) of the rows kept. */
  readonly rowIndex: Int32Array;
  /** Rows dropped for a missing value in a used variable. */
  readonly dropped: number;
  readonly variables: ReadonlyMap<string, FrameVariable>;
}

/** Raw data: rows of objects (API.md observations). */
export type DataRows = readonly Readonly<Record<string, unknown>>[];

type Column = Cell[];

/** Coerced columns of the data, read once per name. */
export class ColumnCache {
  private readonly cache = new Map<string, Column>();
  constructor(private readonly rows: DataRows) {}

  get(name: string): Column {
    let col = this.cache.get(name);
    if (!col) {
      if (!this.rows.some((r) => r !== null && typeof r === "object" && Object.hasOwn(r, name))) {
        throw new InvalidArgumentError(`formula variable '${name}' is not a column of the data`, "specification.formula");
      }
      col = this.rows.map((r) => coerceCell((r as Record<string, unknown>)[name]));
      this.cache.set(name, col);
    }
    return col;
  }

  get length(): number {
    return this.rows.length;
  }
}

function isFactorColumn(col: Column): boolean {
  return col.some((v) => typeof v === "string");
}

/** Evaluates an arithmetic expression (inside I() or a maths function) on every row. */
function evalNumeric(e: FormulaExpr, data: ColumnCache, label: string): (number | null)[] {
  switch (e.kind) {
    case "number":
      return new Array<number>(data.length).fill(e.value);
    case "name": {
      const col = data.get(e.name);
      if (isFactorColumn(col)) {
        throw new InvalidArgumentError(`'${e.name}' in '${label}' is a factor (has text values), not a number`, "specification.formula");
      }
      return col as (number | null)[];
    }
    case "paren":
      return evalNumeric(e.expr, data, label);
    case "unary": {
      const x = evalNumeric(e.operand, data, label);
      return e.op === "-" ? x.map((v) => (v === null ? null : -v)) : x;
    }
    case "binary": {
      const a = evalNumeric(e.left, data, label);
      const b = evalNumeric(e.right, data, label);
      const f =
        e.op === "+" ? (x: number, y: number) => x + y
        : e.op === "-" ? (x: number, y: number) => x - y
        : e.op === "*" ? (x: number, y: number) => x * y
        : e.op === "/" ? (x: number, y: number) => x / y
        : (x: number, y: number) => x ** y;
      return a.map((x, i) => {
        const y = b[i]!;
        if (x === null || y === null) return null;
        const r = f(x, y);
        return Number.isNaN(r) ? null : r;
      });
    }
    case "call": {
      if (e.name === "I") return evalNumeric(e.args[0]!, data, label);
      const fn = MATH_FUNCTIONS[e.name];
      if (!fn) throw new InvalidArgumentError(`'${e.name}()' cannot be used inside arithmetic in '${label}'`, "specification.formula");
      return evalNumeric(e.args[0]!, data, label).map((x) => {
        if (x === null) return null;
        const r = fn(x);
        return Number.isNaN(r) ? null : r; // R: NaNs produced -> the row is incomplete
      });
    }
  }
}

/** Evaluates a variable: a factor (string cells) or a numeric vector. */
function evalVariable(v: FormulaVariable, data: ColumnCache): { factor: boolean; cells: Cell[] } {
  const e = v.expr;
  if (e.kind === "name") {
    const col = data.get(e.name);
    return { factor: isFactorColumn(col), cells: col };
  }
  if (e.kind === "call" && (e.name === "factor" || e.name === "as.factor")) {
    const arg = e.args[0]!;
    const cells = arg.kind === "name" ? data.get(arg.name) : evalNumeric(arg, data, v.label);
    return { factor: true, cells };
  }
  const values = evalNumeric(e, data, v.label);
  const bad = values.findIndex((x) => x !== null && !Number.isFinite(x));
  if (bad >= 0) {
    throw new InvalidArgumentError(`'${v.label}' is not finite in row ${bad} (e.g. log of 0)`, "specification.formula");
  }
  return { factor: false, cells: values };
}

/** R's model.frame(formula, data, na.action = na.omit, drop.unused.levels = TRUE) over the given variables. */
export function buildModelFrame(variables: readonly FormulaVariable[], rows: DataRows): ModelFrame {
  if (!Array.isArray(rows)) throw new InvalidArgumentError("rows must be an array of objects", "rows");
  const data = new ColumnCache(rows);
  const evaluated = new Map<string, { factor: boolean; cells: Cell[] }>();
  for (const v of variables) {
    if (evaluated.has(v.label)) continue;
    const ev = evalVariable(v, data);
    evaluated.set(v.label, ev);
  }
  const nAll = rows.length;
  const keep: number[] = [];
  const cols = [...evaluated.values()];
  for (let i = 0; i < nAll; i++) {
    let ok = true;
    for (const c of cols) {
      if (c.cells[i] === null) {
        ok = false;
        break;
      }
    }
    if (ok) keep.push(i);
  }
  const n = keep.length;
  const out = new Map<string, FrameVariable>();
  for (const [label, ev] of evaluated) {
    if (ev.factor) {
      const levelsSource = keep.map((i) => ev.cells[i] as number | string);
      const levels = sortLevels(levelsSource);
      const index = new Map(levels.map((l, k) => [l, k]));
      const codes = new Int32Array(n);
      for (let r = 0; r < n; r++) {
        const c = ev.cells[keep[r]!]!;
        codes[r] = index.get(typeof c === "number" ? numberLabel(c) : c)!;
      }
      out.set(label, { label, kind: "factor", codes, levels });
    } else {
      const values = new Float64Array(n);
      for (let r = 0; r < n; r++) values[r] = ev.cells[keep[r]!] as number;
      out.set(label, { label, kind: "numeric", values });
    }
  }
  return { n, rowIndex: Int32Array.from(keep), dropped: nAll - n, variables: out };
}

/** Evaluates variables on new rows against a fitted frame's factor levels (for predictions). */
export function evaluateOnNewRows(
  variables: readonly FormulaVariable[],
  reference: ReadonlyMap<string, { kind: "numeric" } | { kind: "factor"; levels: readonly string[] }>,
  rows: DataRows,
): ModelFrame {
  const data = new ColumnCache(rows);
  const evaluated = new Map<string, Cell[]>();
  for (const v of variables) {
    if (!evaluated.has(v.label)) {
      const ref = reference.get(v.label);
      const ev = evalVariable(v, data);
      if (ref?.kind === "numeric" && ev.factor) {
        throw new InvalidArgumentError(`'${v.label}' must be numeric in new data`, "rows");
      }
      evaluated.set(v.label, ev.cells);
    }
  }
  const keep: number[] = [];
  const cols = [...evaluated.values()];
  for (let i = 0; i < rows.length; i++) {
    let ok = true;
    for (const c of cols) {
      if (c[i] === null) {
        ok = false;
        break;
      }
    }
    if (ok) keep.push(i);
  }
  const n = keep.length;
  const out = new Map<string, FrameVariable>();
  for (const [label, cells] of evaluated) {
    const ref = reference.get(label);
    if (ref?.kind === "factor") {
      const index = new Map(ref.levels.map((l, k) => [l, k]));
      const codes = new Int32Array(n);
      for (let r = 0; r < n; r++) {
        const c = cells[keep[r]!]!;
        const s = typeof c === "number" ? numberLabel(c) : c;
        const k = index.get(s);
        if (k === undefined) throw new InvalidArgumentError(`factor '${label}' has new level '${s}' (not in the fitted data)`, "rows");
        codes[r] = k;
      }
      out.set(label, { label, kind: "factor", codes, levels: ref.levels });
    } else {
      const values = new Float64Array(n);
      for (let r = 0; r < n; r++) values[r] = cells[keep[r]!] as number;
      out.set(label, { label, kind: "numeric", values });
    }
  }
  return { n, rowIndex: Int32Array.from(keep), dropped: rows.length - n, variables: out };
}
