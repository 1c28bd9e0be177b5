import { describe, expect, it } from "vitest";
import { designContrasts, generateDesign, helmertContrasts, orthogonalPolynomialContrasts } from "../../src/design/index.js";
import { InvalidArgumentError } from "../../src/errors.js";
import { vars } from "./common.case.js";

describe("contrast coefficients", () => {
  it("gives the textbook integer orthogonal polynomials for equally spaced levels (Montgomery, DAE 8th ed., App. Table X)", () => {
    expect(orthogonalPolynomialContrasts([0, 1, 2])).toEqual([[-1, 0, 1], [1, -2, 1]]);
    expect(orthogonalPolynomialContrasts([10, 20, 30, 40])).toEqual([[-3, -1, 1, 3], [1, -1, -1, 1], [-1, 3, -3, 1]]);
  });

  it("matches R's contr.poly when normalised", () => {
    // R 4.x: contr.poly(3) and contr.poly(4), columns .L .Q (.C).
    const p3 = orthogonalPolynomialContrasts([1, 2, 3], true);
    [[-0.7071067811865475, 0, 0.7071067811865475], [0.4082482904638631, -0.8164965809277261, 0.4082482904638631]].forEach((col, j) =>
      col.forEach((v, i) => expect(p3[j]![i]).toBeCloseTo(v, 12)),
    );
    const p4 = orthogonalPolynomialContrasts([1, 2, 3, 4], true);
    [[-0.6708203932499369, -0.2236067977499790, 0.2236067977499790, 0.6708203932499369], [0.5, -0.5, -0.5, 0.5], [-0.2236067977499790, 0.6708203932499369, -0.6708203932499369, 0.2236067977499790]].forEach(
      (col, j) => col.forEach((v, i) => expect(p4[j]![i]).toBeCloseTo(v, 12)),
    );
  });

  it("uses the levels' values as scores when they are unequally spaced (R: contr.poly(3, scores = c(1, 2, 4)))", () => {
    const [lin, quad] = orthogonalPolynomialContrasts([1, 2, 4], true);
    // contr.poly(3, scores = c(1, 2, 4)): .L = -0.6172134, -0.1543033, 0.7715167; .Q = 0.5345225, -0.8017837, 0.2672612
    [-0.6172133998483676, -0.1543033499620919, 0.7715167498104596].forEach((v, i) => expect(lin![i]).toBeCloseTo(v, 12));
    [0.5345224838248488, -0.8017837257372732, 0.2672612419124244].forEach((v, i) => expect(quad![i]).toBeCloseTo(v, 12));
  });

  it("gives R's contr.helmert", () => {
    // contr.helmert(4): rows are levels.
    expect(helmertContrasts(4)).toEqual([[-1, 1, 0, 0], [-1, -1, 2, 0], [-1, -1, -1, 3]]);
  });
});

describe("designContrasts", () => {
  it("codes a two-level fraction -1/+1 with interaction columns as products (Montgomery, DAE, Table 8.3)", () => {
    const design = generateDesign({ design_type: "FractionalFactorial", variables: vars([2, 2, 2, 2]), interaction_matrix: [["A", "B"]] });
    const m = designContrasts({ variables: vars([2, 2, 2, 2]), combinations: design.combinations, interaction_matrix: [["A", "B"]] });
    expect(m.columns).toEqual(["(Intercept)", "A", "B", "C", "D", "A:B"]);
    expect(m.terms).toEqual({ "(Intercept)": [0], A: [1], B: [2], C: [3], D: [4], "A:B": [5] });
    expect(m.matrix.map((r) => r.slice(1, 5))).toEqual([
      [-1, -1, -1, -1], [1, -1, -1, 1], [-1, 1, -1, 1], [1, 1, -1, -1], [-1, -1, 1, 1], [1, -1, 1, -1], [-1, 1, 1, -1], [1, 1, 1, 1],
    ]);
    for (const row of m.matrix) expect(row[5]).toBe(row[1]! * row[2]!);
    // X'X is diagonal: the model (main effects + A:B) is orthogonal in this resolution IV design.
    for (let a = 0; a < 6; a++) for (let b = 0; b < 6; b++) {
      const dot = m.matrix.reduce((s, r) => s + r[a]! * r[b]!, 0);
      expect(dot).toBe(a === b ? 8 : 0);
    }
  });

  it("codes continuous variables by orthogonal polynomials and categorical ones by Helmert, by default", () => {
    const variables = [
      { name: "price", levels: [10, 20, 30], type: "continuous" as const },
      { name: "color", levels: ["r", "g", "b"], type: "categorical" as const },
    ];
    const design = generateDesign({ design_type: "FullFactorial", variables });
    const m = designContrasts({ variables, combinations: design.combinations }, { interactions: [["price", "color"]] });
    expect(m.columns).toEqual(["(Intercept)", "price.L", "price.Q", "color1", "color2", "price.L:color1", "price.Q:color1", "price.L:color2", "price.Q:color2"]);
    expect(m.matrix[0]!.slice(0, 5)).toEqual([1, -1, 1, -1, -1]);
    const poly = designContrasts({ variables, combinations: design.combinations }, { coding: "polynomial", intercept: false });
    expect(poly.columns).toEqual(["price.L", "price.Q", "color.L", "color.Q"]);
  });

  it("refuses a combination with an undeclared level", () => {
    const variables = vars([2, 2]);
    const design = generateDesign({ design_type: "FullFactorial", variables });
    const broken = [{ ...design.combinations[0]!, variable_values: { A: "?", B: "-" } }];
    expect(() => designContrasts({ variables, combinations: broken })).toThrow(InvalidArgumentError);
  });
});
