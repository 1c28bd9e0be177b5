// Parser of R / lme4 model formulas: a tokenizer and a precedence-climbing parser following R's
// operator precedence (R Language Definition §10.4.2: `^` > unary minus > `:` > `* /` > `+ -`
// > `|` `||` > `~`), so `(x + z | g)` groups as `(x + z) | g` exactly as lme4 reads it.
// Produces the positioned AST of formula-ast.ts; errors are FormulaSyntaxError with the offset.

import type { BinaryOp, Formula, FormulaExpr } from "./formula-ast.js";
import { FormulaSyntaxError } from "./formula-syntax-error.js";

type TokenKind = "name" | "number" | "op" | "lparen" | "rparen" | "comma" | "tilde" | "end";

interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  value?: number;
}

const NAME_START = /[A-Za-z.]/;
const NAME_CHAR = /[A-Za-z0-9._]/;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const start = i;
    const isDigitStart = /[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""));
    if (isDigitStart) {
      const m = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?L?/.exec(src.slice(i))!;
      const text = m[0];
      const value = Number(text.replace(/L$/, ""));
      i += text.length;
      if (i < src.length && NAME_CHAR.test(src[i]!)) {
        throw new FormulaSyntaxError(`malformed number '${text}${src[i]}'`, src, start);
      }
      tokens.push({ kind: "number", text, start, end: i, value });
      continue;
    }
    if (NAME_START.test(c)) {
      while (i < src.length && NAME_CHAR.test(src[i]!)) i++;
      tokens.push({ kind: "name", text: src.slice(start, i), start, end: i });
      continue;
    }
    if (c === "`") {
      const close = src.indexOf("`", i + 1);
      if (close < 0) throw new FormulaSyntaxError("unterminated backquoted name", src, start);
      if (close === i + 1) throw new FormulaSyntaxError("empty backquoted name", src, start);
      tokens.push({ kind: "name", text: src.slice(i + 1, close), start, end: close + 1 });
      i = close + 1;
      continue;
    }
    if (c === "|" && src[i + 1] === "|") {
      tokens.push({ kind: "op", text: "||", start, end: i + 2 });
      i += 2;
      continue;
    }
    if ("+-*/:^|".includes(c)) {
      tokens.push({ kind: "op", text: c, start, end: i + 1 });
      i++;
      continue;
    }
    if (c === "(" || c === ")" || c === "," || c === "~") {
      const kind: TokenKind = c === "(" ? "lparen" : c === ")" ? "rparen" : c === "," ? "comma" : "tilde";
      tokens.push({ kind, text: c, start, end: i + 1 });
      i++;
      continue;
    }
    if (c === "%") {
      throw new FormulaSyntaxError("the %in% / %op% operators are not supported", src, start);
    }
    if (c === "*" && src[i + 1] === "*") {
      throw new FormulaSyntaxError("'**' is not supported; use '^'", src, start);
    }
    throw new FormulaSyntaxError(`unexpected character '${c}'`, src, start);
  }
  tokens.push({ kind: "end", text: "end of formula", start: src.length, end: src.length });
  return tokens;
}

/** Left binding power of binary operators (higher binds tighter); R's precedence table. */
const BINARY_POWER: Record<BinaryOp, number> = { "|": 2, "||": 2, "+": 4, "-": 4, "*": 5, "/": 5, ":": 7, "^": 9 };
const UNARY_POWER = 8;

class Parser {
  private pos = 0;
  constructor(
    private readonly src: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    return this.tokens[this.pos++]!;
  }

  private fail(tok: Token, what?: string): never {
    const found = tok.kind === "end" ? "end of formula" : `'${tok.text}'`;
    throw new FormulaSyntaxError(what ?? `unexpected ${found}`, this.src, tok.start);
  }

  parseFormula(): Formula {
    if (this.peek().kind === "end") this.fail(this.peek(), "empty formula");
    let lhs: FormulaExpr | undefined;
    if (this.peek().kind !== "tilde") lhs = this.parseExpr(0);
    const tilde = this.peek();
    if (tilde.kind !== "tilde") {
      this.fail(tilde, tilde.kind === "end" ? "missing '~' (a formula is 'response ~ terms')" : undefined);
    }
    this.next();
    if (this.peek().kind === "end") this.fail(this.peek(), "missing right-hand side after '~'");
    const rhs = this.parseExpr(0);
    const tail = this.peek();
    if (tail.kind === "tilde") this.fail(tail, "a formula has only one '~'");
    if (tail.kind === "rparen") this.fail(tail, "unmatched ')'");
    if (tail.kind !== "end") this.fail(tail);
    return { kind: "formula", source: this.src, lhs, rhs, start: 0, end: this.src.length };
  }

  private parseExpr(minPower: number): FormulaExpr {
    let left = this.parsePrefix();
    for (;;) {
      const tok = this.peek();
      if (tok.kind !== "op") {
        if (tok.kind === "name" || tok.kind === "number" || tok.kind === "lparen") {
          this.fail(tok, `unexpected '${tok.text}': missing operator (e.g. '+') before it`);
        }
        return left;
      }
      const op = tok.text as BinaryOp;
      const power = BINARY_POWER[op];
      if (power <= minPower) return left;
      this.next();
      // '^' is right-associative and its right operand may carry a unary sign (x^-1).
      const right = op === "^" ? this.parseExpr(UNARY_POWER - 1) : this.parseExpr(power);
      left = { kind: "binary", op, left, right, start: left.start, end: right.end };
    }
  }

  private parsePrefix(): FormulaExpr {
    const tok = this.next();
    switch (tok.kind) {
      case "number":
        return { kind: "number", value: tok.value!, start: tok.start, end: tok.end };
      case "name": {
        if (this.peek().kind !== "lparen") return { kind: "name", name: tok.text, start: tok.start, end: tok.end };
        this.next();
        const args: FormulaExpr[] = [];
        if (this.peek().kind !== "rparen") {
          for (;;) {
            if (this.peek().kind === "comma" || this.peek().kind === "rparen") this.fail(this.peek(), "missing argument");
            args.push(this.parseExpr(0));
            const sep = this.peek();
            if (sep.kind === "comma") {
              this.next();
              continue;
            }
            if (sep.kind === "rparen") break;
            this.fail(sep, sep.kind === "end" ? `unclosed '(' of ${tok.text}(` : undefined);
          }
        }
        const close = this.next();
        return { kind: "call", name: tok.text, args, start: tok.start, end: close.end };
      }
      case "lparen": {
        if (this.peek().kind === "rparen") this.fail(this.peek(), "empty parentheses");
        const expr = this.parseExpr(0);
        const close = this.peek();
        if (close.kind !== "rparen") {
          this.fail(close, close.kind === "end" ? "unclosed '('" : undefined);
        }
        this.next();
        return { kind: "paren", expr, start: tok.start, end: close.end };
      }
      case "op": {
        if (tok.text === "-" || tok.text === "+") {
          const operand = this.parseExpr(UNARY_POWER);
          return { kind: "unary", op: tok.text, operand, start: tok.start, end: operand.end };
        }
        return this.fail(tok, `unexpected '${tok.text}': missing operand before it`);
      }
      case "rparen":
        return this.fail(tok, "unexpected ')'");
      case "end":
        return this.fail(tok, "unexpected end of formula: missing operand");
      default:
        return this.fail(tok);
    }
  }
}

/**
 * Parses an R / lme4 model formula into a positioned AST (R's `parse()` of a formula object,
 * restricted to the model-formula grammar). Throws FormulaSyntaxError with the 0-based offset.
 */
export function parseFormula(source: string): Formula {
  if (typeof source !== "string") {
    throw new FormulaSyntaxError("a formula must be a string", "", 0);
  }
  return new Parser(source, tokenize(source)).parseFormula();
}
