// R's deparse() of formula expressions, which gives R's variable and term labels: spaces around
// `+ - * | || ~`, none around `/ ^ :`, numbers to 15 significant digits in the shorter of fixed
// and scientific notation (`1e+05`), non-syntactic names in backquotes.

import type { FormulaExpr } from "./formula-ast.js";

const SPACED = new Set(["+", "-", "*", "|", "||"]);

/** R's deparse of a number (15 significant digits; scientific when shorter, as `1e+05`). */
export function deparseNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : value > 0 ? "Inf" : "-Inf";
  const rounded = Number(value.toPrecision(15));
  const fixed = Math.abs(rounded) >= 1e21 ? rounded.toExponential() : String(rounded).includes("e") ? rounded.toFixed(20).replace(/\.?0+$/, "") : String(rounded);
  const [mant, exp] = rounded.toExponential().split("e") as [string, string];
  const expNum = Number(exp);
  const sci = `${mant}e${expNum < 0 ? "-" : "+"}${String(Math.abs(expNum)).padStart(2, "0")}`;
  return sci.length < fixed.length ? sci : fixed;
}

/** A name as R deparses it: backquoted unless syntactic. */
export function deparseName(name: string): string {
  return /^(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*$/.test(name) ? name : `\`${name}\``;
}

/** R's deparse of an expression (the label of a variable or of a grouping factor). */
export function deparseExpression(e: FormulaExpr): string {
  switch (e.kind) {
    case "name":
      return deparseName(e.name);
    case "number":
      return deparseNumber(e.value);
    case "call":
      return `${deparseName(e.name)}(${e.args.map(deparseExpression).join(", ")})`;
    case "paren":
      return `(${deparseExpression(e.expr)})`;
    case "unary":
      return `${e.op}${deparseExpression(e.operand)}`;
    case "binary": {
      const sep = SPACED.has(e.op) ? ` ${e.op} ` : e.op;
      return `${deparseExpression(e.left)}${sep}${deparseExpression(e.right)}`;
    }
  }
}
