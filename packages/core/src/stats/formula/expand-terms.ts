// Term expansion of a model formula as R's terms.formula() does it (R's src/library/stats/src/
// model.c, Chambers & Hastie 1992 ch. 2): `a*b` -> a + b + a:b, `a/b` -> a + a:b, `(a+b)^2`,
// `-` removal, intercept `0 +` / `- 1` / `+ 1`, duplicates removed, variables in order of first
// appearance, terms sorted stably by interaction order. Random-effects bars `(x | g)` are left
// out of the fixed part (lme4's nobars) and are handled by random-terms.ts.

import type { CallNode, Formula, FormulaExpr } from "./formula-ast.js";
import { FormulaSyntaxError } from "./formula-syntax-error.js";
import { deparseExpression } from "./deparse-expression.js";

/** A variable of a formula: a name or a call such as `factor(cyl)`, `I(x^2)`, `log(x)`. */
export interface FormulaVariable {
  /** R's label (deparse of the expression): `Days`, `factor(cyl)`, `I(x^2)`. */
  readonly label: string;
  readonly expr: FormulaExpr;
}

/** One term of the expanded model: an interaction of variables (order 1 = main effect). */
export interface ModelTerm {
  /** R's term label: variable labels joined by `:` in variable order (`a:b`). */
  readonly label: string;
  /** Indices into `variables`, ascending. */
  readonly variables: readonly number[];
  readonly order: number;
}

/** The expanded terms of (the fixed part of) a formula, as attr(terms(f), ...) reports them. */
export interface TermsObject {
  readonly source: string;
  readonly response: FormulaVariable | undefined;
  readonly intercept: boolean;
  /** Right-hand-side variables in order of first appearance. */
  readonly variables: readonly FormulaVariable[];
  readonly terms: readonly ModelTerm[];
}

/** Functions allowed as variables; all but factor/as.factor/I are elementwise maths. */
export const MATH_FUNCTIONS: Readonly<Record<string, (x: number) => number>> = {
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  exp: Math.exp,
  sqrt: Math.sqrt,
  abs: Math.abs,
};
const FACTOR_FUNCTIONS = new Set(["factor", "as.factor"]);

/** Is this parenthesised expression an lme4 random-effects term `(lhs | g)`? */
export function isBar(e: FormulaExpr): boolean {
  return e.kind === "paren" && e.expr.kind === "binary" && (e.expr.op === "|" || e.expr.op === "||");
}

/** Checks that an expression may serve as a variable (supported functions, arithmetic in I()). */
export function validateVariable(e: FormulaExpr, source: string, insideI = false): void {
  switch (e.kind) {
    case "name":
      if (e.name === ".") throw new FormulaSyntaxError("'.' (all other columns) is not supported", source, e.start);
      return;
    case "number":
      if (!insideI) throw new FormulaSyntaxError(`a number cannot be a variable here`, source, e.start);
      return;
    case "paren":
      if (!insideI) throw new FormulaSyntaxError("parentheses are only allowed around terms", source, e.start);
      validateVariable(e.expr, source, true);
      return;
    case "unary":
      if (!insideI) throw new FormulaSyntaxError(`unexpected '${e.op}'`, source, e.start);
      validateVariable(e.operand, source, true);
      return;
    case "binary":
      if (!insideI || e.op === ":" || e.op === "|" || e.op === "||") {
        throw new FormulaSyntaxError(`operator '${e.op}' is not allowed here`, source, e.start);
      }
      validateVariable(e.left, source, true);
      validateVariable(e.right, source, true);
      return;
    case "call":
      validateCall(e, source, insideI);
      return;
  }
}

function validateCall(e: CallNode, source: string, insideI: boolean): void {
  const isMath = Object.hasOwn(MATH_FUNCTIONS, e.name);
  const isFactor = FACTOR_FUNCTIONS.has(e.name);
  if (e.name === "I" && !insideI) {
    if (e.args.length !== 1) throw new FormulaSyntaxError("I() takes one argument", source, e.start);
    validateVariable(e.args[0]!, source, true);
    return;
  }
  if (isFactor && !insideI) {
    if (e.args.length !== 1) throw new FormulaSyntaxError(`${e.name}() takes one argument`, source, e.start);
    const a = e.args[0]!;
    if (a.kind !== "name") validateVariable(a, source, true);
    return;
  }
  if (isMath) {
    if (e.args.length !== 1) throw new FormulaSyntaxError(`${e.name}() takes one argument`, source, e.start);
    validateVariable(e.args[0]!, source, true);
    return;
  }
  const supported = "factor(), as.factor(), I(), log(), log2(), log10(), log1p(), exp(), sqrt(), abs()";
  throw new FormulaSyntaxError(`unsupported function '${e.name}' (supported: ${supported})`, source, e.start);
}

type TermSet = number[][]; // each term: ascending variable indices

function key(t: readonly number[]): string {
  return t.join(",");
}

function union(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

function dedupe(ts: TermSet): TermSet {
  const seen = new Set<string>();
  const out: TermSet = [];
  for (const t of ts) {
    const k = key(t);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(t);
    }
  }
  return out;
}

function cross(a: TermSet, b: TermSet): TermSet {
  const out: TermSet = [];
  for (const x of a) for (const y of b) out.push(union(x, y));
  return dedupe(out);
}

class TermEncoder {
  intercept = true;
  readonly variables: FormulaVariable[] = [];
  private readonly index = new Map<string, number>();

  constructor(private readonly source: string) {}

  variable(e: FormulaExpr): number {
    validateVariable(e, this.source);
    const label = deparseExpression(e);
    let i = this.index.get(label);
    if (i === undefined) {
      i = this.variables.length;
      this.variables.push({ label, expr: e });
      this.index.set(label, i);
    }
    return i;
  }

  /** Encodes an additive operand; numbers 0/1 switch the intercept. */
  encode(e: FormulaExpr, additive: boolean): TermSet {
    switch (e.kind) {
      case "number":
        if (!additive || (e.value !== 0 && e.value !== 1)) {
          throw new FormulaSyntaxError(`invalid model term '${deparseExpression(e)}' (only 0 and 1 may appear as terms)`, this.source, e.start);
        }
        this.intercept = e.value === 1;
        return [];
      case "paren":
        if (isBar(e)) {
          if (!additive) throw new FormulaSyntaxError("a random-effects term cannot be part of an interaction", this.source, e.start);
          return [];
        }
        return this.encode(e.expr, additive);
      case "unary":
        if (e.op === "+") return this.encode(e.operand, additive);
        return this.remove([], e.operand, additive, e.start);
      case "binary":
        switch (e.op) {
          case "+":
            return dedupe([...this.encode(e.left, additive), ...this.encode(e.right, additive)]);
          case "-":
            return this.remove(this.encode(e.left, additive), e.right, additive, e.start);
          case ":":
            return cross(this.encode(e.left, false), this.encode(e.right, false));
          case "*": {
            const a = this.encode(e.left, false);
            const b = this.encode(e.right, false);
            return dedupe([...a, ...b, ...cross(a, b)]);
          }
          case "/": {
            const a = this.encode(e.left, false);
            const b = this.encode(e.right, false);
            const all = a.reduce<number[]>((acc, t) => union(acc, t), []);
            return dedupe([...a, ...cross([all], b)]);
          }
          case "^": {
            if (e.right.kind !== "number" || !Number.isInteger(e.right.value) || e.right.value < 1) {
              throw new FormulaSyntaxError("the power of a formula term must be a positive integer", this.source, e.right.start);
            }
            const base = this.encode(e.left, false);
            let acc = base;
            for (let i = 1; i < e.right.value; i++) acc = dedupe([...acc, ...cross(acc, base)]);
            return acc;
          }
          case "|":
          case "||":
            throw new FormulaSyntaxError("a random-effects term must be in parentheses: (x | g)", this.source, e.start);
        }
        break;
      case "name":
      case "call":
        return [[this.variable(e)]];
    }
    throw new FormulaSyntaxError("invalid model term", this.source, (e as FormulaExpr).start);
  }

  private remove(left: TermSet, right: FormulaExpr, additive: boolean, pos: number): TermSet {
    if (!additive) throw new FormulaSyntaxError("'-' cannot be used inside an interaction", this.source, pos);
    if (right.kind === "number") {
      if (right.value !== 0 && right.value !== 1) throw new FormulaSyntaxError("only 0 and 1 may be removed as numbers", this.source, right.start);
      this.intercept = right.value === 0; // `- 1` drops the intercept, `- 0` keeps it
      return left;
    }
    const saved = this.intercept;
    const drop = new Set(this.encode(right, true).map(key));
    this.intercept = saved;
    return left.filter((t) => !drop.has(key(t)));
  }
}

/** Builds the terms object from already-encoded sets: labels and R's stable sort by order. */
function finish(enc: TermEncoder, sets: TermSet, source: string, response: FormulaVariable | undefined): TermsObject {
  const terms = sets
    .filter((t) => t.length > 0)
    .map((t, i) => ({ t, i }))
    .sort((a, b) => a.t.length - b.t.length || a.i - b.i)
    .map(({ t }) => ({ label: t.map((v) => enc.variables[v]!.label).join(":"), variables: t, order: t.length }));
  return { source, response, intercept: enc.intercept, variables: enc.variables, terms };
}

/** The expanded fixed-effects terms of a formula (R: terms(lme4::nobars(formula))). */
export function expandTerms(formula: Formula): TermsObject {
  let response: FormulaVariable | undefined;
  if (formula.lhs) {
    validateVariable(formula.lhs, formula.source);
    response = { label: deparseExpression(formula.lhs), expr: formula.lhs };
  }
  const enc = new TermEncoder(formula.source);
  const sets = enc.encode(formula.rhs, true);
  return finish(enc, sets, formula.source, response);
}

/** Expands a right-hand-side expression on its own (the left side of a random-effects bar). */
export function expandRhs(rhs: FormulaExpr, source: string): TermsObject {
  const enc = new TermEncoder(source);
  const sets = enc.encode(rhs, true);
  return finish(enc, sets, source, undefined);
}
