// Random-effects terms of an lme4 formula (lme4's findbars, expandDoubleVerts and expandSlash):
// `(x | g)` correlated, `(x || g)` -> `(1 | g) + (0 + x | g)` uncorrelated, `(1 | a/b)` ->
// `(1 | b:a) + (1 | a)` nested (lme4 names the inner factor first), `(1 | a:b)` an interaction
// grouping factor; crossed factors are simply several bars.

import type { Formula, FormulaExpr } from "./formula-ast.js";
import { FormulaSyntaxError } from "./formula-syntax-error.js";
import { deparseExpression } from "./deparse-expression.js";
import { expandRhs, isBar, validateVariable, type FormulaVariable, type TermsObject } from "./expand-terms.js";

/** One random-effects term after expansion: a model for `lhs` varying over the levels of a grouping factor. */
export interface RandomTerm {
  /** lme4-style label, e.g. `Days | Subject`, `0 + Days | Subject`, `1 | b:a`. */
  readonly label: string;
  /** Expanded terms of the left side (its columns are the random effects of one level). */
  readonly lhs: TermsObject;
  /** Label of the grouping factor (`Subject`, `b:a`). */
  readonly group: string;
  /** Variables whose interaction forms the grouping factor, in label order. */
  readonly groupVariables: readonly FormulaVariable[];
  /** Offset of the bar in the formula. */
  readonly position: number;
}

function collectBars(e: FormulaExpr, out: FormulaExpr[]): void {
  if (isBar(e)) {
    out.push(e);
    return;
  }
  if (e.kind === "binary" && (e.op === "+" || e.op === "-")) {
    collectBars(e.left, out);
    collectBars(e.right, out);
  } else if (e.kind === "paren") {
    collectBars(e.expr, out);
  }
}

/** Factors of a grouping expression: names / calls joined by ':' (one interaction) or '/' (nesting). */
function nestingChain(e: FormulaExpr, source: string): FormulaExpr[][] {
  if (e.kind === "paren") return nestingChain(e.expr, source);
  if (e.kind === "binary" && e.op === "/") {
    return [...nestingChain(e.left, source), ...nestingChain(e.right, source)];
  }
  return [interactionFactors(e, source)];
}

function interactionFactors(e: FormulaExpr, source: string): FormulaExpr[] {
  if (e.kind === "paren") return interactionFactors(e.expr, source);
  if (e.kind === "binary" && e.op === ":") return [...interactionFactors(e.left, source), ...interactionFactors(e.right, source)];
  if (e.kind === "name" || e.kind === "call") {
    validateVariable(e, source);
    return [e];
  }
  throw new FormulaSyntaxError("a grouping factor must be a variable, an interaction a:b or a nesting a/b", source, e.start);
}

function lhsLabel(t: TermsObject): string {
  const parts = t.terms.map((x) => x.label);
  if (!t.intercept) return ["0", ...parts].join(" + ");
  return parts.length === 0 ? "1" : parts.join(" + ");
}

/**
 * The random-effects terms of a formula, expanded as lme4's findbars() with `||` and `/`
 * expansion (lme4 1.1: findbars, expandDoubleVerts, expandSlash), in lme4's order.
 */
export function randomTerms(formula: Formula): RandomTerm[] {
  const bars: FormulaExpr[] = [];
  collectBars(formula.rhs, bars);
  const out: RandomTerm[] = [];
  for (const bar of bars) {
    const b = (bar as Extract<FormulaExpr, { kind: "paren" }>).expr as Extract<FormulaExpr, { kind: "binary" }>;
    const lhs = expandRhs(b.left, formula.source);
    if (!lhs.intercept && lhs.terms.length === 0) {
      throw new FormulaSyntaxError("a random-effects term needs at least one effect on the left of '|'", formula.source, b.left.start);
    }
    // `||` splits the left side into uncorrelated terms (expandDoubleVerts).
    const lhsParts: TermsObject[] =
      b.op === "||"
        ? [
            ...(lhs.intercept ? [{ ...lhs, intercept: true, terms: [] }] : []),
            ...lhs.terms.map((t) => ({ ...lhs, intercept: false, terms: [t] })),
          ]
        : [lhs];
    // `a/b/c` -> groups c:b:a, b:a, a (lme4's expandSlash order: innermost first).
    const chain = nestingChain(b.right, formula.source);
    const groups: FormulaExpr[][] = [];
    for (let depth = chain.length; depth >= 1; depth--) {
      groups.push(chain.slice(0, depth).reverse().flat());
    }
    for (const factors of groups) {
      const groupVariables = factors.map((f) => ({ label: deparseExpression(f), expr: f }));
      const group = groupVariables.map((v) => v.label).join(":");
      for (const part of lhsParts) {
        out.push({ label: `${lhsLabel(part)} | ${group}`, lhs: part, group, groupVariables, position: bar.start });
      }
    }
  }
  return out;
}
