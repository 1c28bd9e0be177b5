// Formula parser, term expansion and model matrices. Expected term labels, column names and
// matrix values are R's (r-reference.json: attr(terms(f), "term.labels") and model.matrix(f, fd)
// on fixtures/formula-data.csv, R 4.2.2), compared exactly (values to 1e-12 relative).
import { describe, expect, it } from "vitest";
import { FormulaSyntaxError } from "../../src/stats/formula/formula-syntax-error.js";
import { parseFormula } from "../../src/stats/formula/parse-formula.js";
import { parseModelFormula, specificationSummary } from "../../src/stats/formula/model-formula.js";
import { prepareModelData } from "../../src/stats/formula/model-data.js";
import { InvalidArgumentError } from "../../src/errors.js";
import { readCsv, reference } from "./helpers/fixtures.js";

const fd = readCsv("formula-data.csv");

describe("model.matrix agrees with R", () => {
  for (const c of reference.model_matrix as { formula: string; r: string; term_labels: string[]; colnames: string[]; rows: number[]; matrix: number[][] }[]) {
    it(c.r, () => {
      const f = parseModelFormula(c.formula);
      expect(f.fixed.terms.map((t) => t.label)).toEqual(c.term_labels);
      const data = prepareModelData(f, fd, { allowRandom: false });
      expect(data.X.columnNames).toEqual(c.colnames);
      expect([...data.frame.rowIndex]).toEqual(c.rows);
      expect(data.frame.dropped).toBe(fd.length - c.rows.length);
      c.matrix.forEach((row, i) => {
        row.forEach((v, j) => {
          expect(Math.abs(data.X.columns[j]![i]! - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
        });
      });
    });
  }
});

describe("parseFormula", () => {
  it("keeps positions on every node", () => {
    const f = parseFormula("y ~ a + log(x)");
    expect(f.rhs).toMatchObject({ kind: "binary", op: "+", start: 4, end: 14 });
    expect((f.rhs as { right: unknown }).right).toMatchObject({ kind: "call", name: "log", start: 8, end: 14 });
  });

  it("follows R's precedence: | below +, : above *, ^ above unary minus", () => {
    const f = parseFormula("y ~ (x + z | g)");
    const bar = (f.rhs as { expr: { op: string; left: { op: string } } }).expr;
    expect(bar.op).toBe("|");
    expect(bar.left.op).toBe("+");
    const g = parseFormula("y ~ a * b:c");
    expect(g.rhs).toMatchObject({ op: "*", right: { op: ":" } });
    const h = parseFormula("y ~ I(-x^2)");
    expect((h.rhs as unknown as { args: unknown[] }).args[0]).toMatchObject({ kind: "unary", operand: { op: "^" } });
  });

  const bad: [string, number][] = [
    ["y ~ a + ", 8],
    ["y ~ a + )", 8],
    ["y ~ (a + b", 10],
    ["y ~ a b", 6],
    ["y a", 2],
    ["", 0],
    ["y ~ a $ b", 6],
    ["y ~ poly(x, 2)", 4],
    ["y ~ a ~ b", 6],
    ["y ~ a | g", 4],
    ["y ~ x + 2", 8],
    ["y ~ (1 | a + b)", 9],
  ];
  it.each(bad)("%j is a FormulaSyntaxError at %i", (src, pos) => {
    let err: unknown;
    try {
      parseModelFormula(src);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormulaSyntaxError);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    const fe = err as FormulaSyntaxError;
    expect(fe.position).toBe(pos);
    // The message shows the formula and a caret under the position.
    const lines = fe.message.split("\n");
    expect(lines[1]).toBe(`  ${src}`);
    expect(lines[2]).toBe(`  ${" ".repeat(pos)}^`);
  });
});

describe("terms and random terms (lme4's findbars)", () => {
  it("expands a*b, removes duplicates and orders by interaction order (R: terms())", () => {
    // R 4.2.2: attr(terms(y ~ a:b + b*a + a), "term.labels") is "b" "a" "a:b" (variables in order of appearance).
    expect(parseModelFormula("y ~ a:b + b*a + a").fixed.terms.map((t) => t.label)).toEqual(["b", "a", "a:b"]);
    expect(parseModelFormula("y ~ b:a + a").fixed.terms.map((t) => t.label)).toEqual(["a", "b:a"]);
    expect(parseModelFormula("y ~ (a + b + c)^2").fixed.terms.map((t) => t.label)).toEqual(["a", "b", "c", "a:b", "a:c", "b:c"]);
  });

  it("handles the intercept: 0 +, - 1, + 1", () => {
    expect(parseModelFormula("y ~ 0 + x").fixed.intercept).toBe(false);
    expect(parseModelFormula("y ~ x - 1").fixed.intercept).toBe(false);
    expect(parseModelFormula("y ~ -1 + x + 1").fixed.intercept).toBe(true);
    expect(parseModelFormula("y ~ 1").fixed.terms).toEqual([]);
  });

  it("expands (x | g), (x || g), nested a/b and crossed factors like lme4", () => {
    const f = parseModelFormula("y ~ x + (x | g) + (x || h) + (1 | a/b) + (1 | c:d)");
    expect(f.random.map((r) => r.label)).toEqual(["x | g", "1 | h", "0 + x | h", "1 | b:a", "1 | a", "1 | c:d"]);
    expect(f.fixed.terms.map((t) => t.label)).toEqual(["x"]);
    expect(specificationSummary(f)).toEqual({
      response: "y",
      intercept: true,
      fixed_effects: ["x"],
      random_effects: ["(x | g)", "(1 | h)", "(0 + x | h)", "(1 | b:a)", "(1 | a)", "(1 | c:d)"],
      grouping_factors: ["g", "h", "b:a", "a", "c:d"],
    });
  });

  it("specification summary of the API examples", () => {
    expect(specificationSummary("Reaction ~ Days + (Days | Subject)")).toMatchObject({ fixed_effects: ["Days"], random_effects: ["(Days | Subject)"] });
    expect(specificationSummary("mpg ~ wt + hp + factor(cyl)").fixed_effects).toEqual(["wt", "hp", "factor(cyl)"]);
    expect(specificationSummary("y ~ a * b").fixed_effects).toEqual(["a", "b", "a:b"]);
  });
});

describe("data handling", () => {
  it("reads numeric-looking strings as numbers, drops rows with missing values and counts them", () => {
    const rows = [
      { y: "1", x: "2.5", g: "a" },
      { y: 2, x: null, g: "b" },
      { y: 3, x: 4, g: "NA" },
      { y: 4, x: "1e1", g: "b" },
      { y: 5, x: 3, g: "a" },
    ];
    const d = prepareModelData("y ~ x + g", rows, { allowRandom: false });
    expect(d.frame.dropped).toBe(2);
    expect([...d.frame.rowIndex]).toEqual([0, 3, 4]);
    expect(d.X.columnNames).toEqual(["(Intercept)", "x", "gb"]);
    expect([...d.X.columns[1]!]).toEqual([2.5, 10, 3]);
  });

  it("orders factor levels as R: numbers numerically, strings by collation (a < A < b < B)", () => {
    const rows = [{ y: 1, k: 10, g: "b" }, { y: 2, k: 9, g: "B" }, { y: 3, k: 100, g: "A" }, { y: 4, k: 9, g: "a" }];
    const d = prepareModelData("y ~ 0 + factor(k) + g", rows, { allowRandom: false });
    expect(d.X.columnNames).toEqual(["factor(k)9", "factor(k)10", "factor(k)100", "gA", "gb", "gB"]);
  });

  it("rejects unknown columns and non-finite transforms with typed errors", () => {
    expect(() => prepareModelData("y ~ nope", [{ y: 1 }], { allowRandom: false })).toThrow(InvalidArgumentError);
    expect(() => prepareModelData("y ~ log(x)", [{ y: 1, x: 0 }, { y: 2, x: 1 }], { allowRandom: false })).toThrow(/not finite/);
  });
});
