// The abstract syntax tree of an R / lme4 model formula (`y ~ a * b + (x | g)`), as produced by
// parseFormula. Every node carries its [start, end) character span in the source text so that
// later stages (term expansion, evaluation) can point at the offending part of a formula.

/** A [start, end) span of 0-based character offsets into the formula source. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A variable name (`Days`, `` `my var` ``). */
export interface NameNode extends Span {
  readonly kind: "name";
  readonly name: string;
}

/** A numeric literal (`1`, `0`, `2.5e3`). */
export interface NumberNode extends Span {
  readonly kind: "number";
  readonly value: number;
}

/** A function call (`factor(cyl)`, `I(x^2)`, `log(x)`). */
export interface CallNode extends Span {
  readonly kind: "call";
  readonly name: string;
  readonly args: readonly FormulaExpr[];
}

/** Binary operators of R's formula grammar (and of arithmetic inside `I()`). */
export type BinaryOp = "+" | "-" | "*" | "/" | ":" | "^" | "|" | "||";

export interface BinaryNode extends Span {
  readonly kind: "binary";
  readonly op: BinaryOp;
  readonly left: FormulaExpr;
  readonly right: FormulaExpr;
}

export interface UnaryNode extends Span {
  readonly kind: "unary";
  readonly op: "+" | "-";
  readonly operand: FormulaExpr;
}

/** A parenthesised expression; kept because `(x | g)` marks a random-effects term. */
export interface ParenNode extends Span {
  readonly kind: "paren";
  readonly expr: FormulaExpr;
}

export type FormulaExpr = NameNode | NumberNode | CallNode | BinaryNode | UnaryNode | ParenNode;

/** A whole formula `lhs ~ rhs` (lhs absent for a one-sided formula `~ rhs`). */
export interface Formula extends Span {
  readonly kind: "formula";
  readonly source: string;
  readonly lhs: FormulaExpr | undefined;
  readonly rhs: FormulaExpr;
}
