import { describe, expect, it } from "vitest";
import { createRng } from "../../src/random/rng.js";
import { allLatinSquares, areOrthogonal, DesignMismatchError, generateDesign, mutuallyOrthogonalSquares, sampleOrthogonalSquares, type Square } from "../../src/design/index.js";
import { InvalidArgumentError } from "../../src/errors.js";
import { levelIndices, runDesignContract, vars } from "./common.case.js";

runDesignContract("LatinSquare", [
  { label: "2 x 2", request: { design_type: "LatinSquare", variables: vars([2, 2, 2]), design_options: { seed: 1 } } },
  { label: "3 x 3", request: { design_type: "LatinSquare", variables: vars([3, 3, 3]), design_options: { seed: "exp-42" } } },
  { label: "4 x 4", request: { design_type: "LatinSquare", variables: vars([4, 4, 4]), design_options: { seed: 7 } } },
  { label: "Graeco-Latin 3 x 3", request: { design_type: "LatinSquare", variables: vars([3, 3, 3, 3]), design_options: { seed: 3 } } },
  { label: "Graeco-Latin 4 x 4", request: { design_type: "LatinSquare", variables: vars([4, 4, 4, 4]), design_options: { seed: 4 } } },
  { label: "hyper-Graeco-Latin 4 x 4", request: { design_type: "LatinSquare", variables: vars([4, 4, 4, 4, 4]), design_options: { seed: 5 } } },
  { label: "treatment chosen by option", request: { design_type: "LatinSquare", variables: vars([3, 3, 3]), design_options: { seed: 9, treatment: "A" } } },
]);

/** Latin squares are cyclic when each row is the first row shifted. */
function isCyclic(square: Square): boolean {
  const n = square.length;
  const first = square[0]!;
  return square.every((row) => {
    const shift = first.indexOf(row[0]!);
    return row.every((v, c) => v === first[(c + shift) % n]);
  });
}

/** Number of 2 x 2 Latin subsquares: 4 for squares isotopic to the cyclic group Z4's table, 12 for the Klein group's. */
function intercalates(square: Square): number {
  const n = square.length;
  let count = 0;
  for (let r1 = 0; r1 < n; r1++) for (let r2 = r1 + 1; r2 < n; r2++) for (let c1 = 0; c1 < n; c1++) for (let c2 = c1 + 1; c2 < n; c2++) {
    if (square[r1]![c1] === square[r2]![c2] && square[r1]![c2] === square[r2]![c1]) count++;
  }
  return count;
}

describe("Latin square enumeration", () => {
  it("finds 2, 12 and 576 Latin squares of orders 2, 3, 4 (OEIS A002860)", () => {
    expect(allLatinSquares(2)).toHaveLength(2);
    expect(allLatinSquares(3)).toHaveLength(12);
    expect(allLatinSquares(4)).toHaveLength(576);
    for (const sq of allLatinSquares(4)) {
      for (let i = 0; i < 4; i++) {
        expect(new Set(sq[i])).toEqual(new Set([0, 1, 2, 3]));
        expect(new Set(sq.map((r) => r[i]))).toEqual(new Set([0, 1, 2, 3]));
      }
    }
  });

  it("finds orthogonal pairs for n = 3, 4, none for n = 2, and complete sets of 3 for n = 4", () => {
    expect(mutuallyOrthogonalSquares(2, 2)).toHaveLength(0);
    const pairs3 = mutuallyOrthogonalSquares(3, 2);
    expect(pairs3.length).toBeGreaterThan(0);
    for (const [a, b] of pairs3) expect(areOrthogonal(a!, b!)).toBe(true);
    expect(mutuallyOrthogonalSquares(3, 3)).toHaveLength(0);
    const pairs4 = mutuallyOrthogonalSquares(4, 2);
    // Only squares isotopic to the Klein four-group's table have orthogonal mates (Euler; Montgomery, DAE, sec. 4.3).
    for (const [a] of pairs4) expect(intercalates(a!)).toBe(12);
    expect(sampleOrthogonalSquares(4, 3, createRng(1)).population).toBe(pairs4.length * 24);
  });
});

describe("Latin square randomisation", () => {
  const key = (sq: Square) => sq.map((r) => r.join("")).join("/");

  it("draws 3 x 3 squares uniformly over all 12 (chi-square, 12,000 seeded draws)", () => {
    const index = new Map(allLatinSquares(3).map((sq, i) => [key(sq), i]));
    const counts = new Array<number>(12).fill(0);
    const draws = 12_000;
    for (let i = 0; i < draws; i++) {
      const d = generateDesign({ design_type: "LatinSquare", variables: vars([3, 3, 3]), design_options: { seed: `uniformity-${i}` } });
      counts[index.get(key(d.properties.squares!.C!))!]!++;
    }
    const expected = draws / 12;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // Upper 0.1% point of chi-square with 11 df: 31.264 (scipy.stats.chi2.ppf(0.999, 11)).
    expect(chi2).toBeLessThan(31.264);
  });

  it("reaches every one of the 576 4 x 4 squares, non-cyclic ones and both isotopy classes, uniformly", () => {
    const index = new Map(allLatinSquares(4).map((sq, i) => [key(sq), i]));
    const counts = new Array<number>(576).fill(0);
    const rng = createRng("four-by-four");
    const draws = 57_600;
    let nonCyclic = 0;
    const classes = new Set<number>();
    for (let i = 0; i < draws; i++) {
      const [sq] = sampleOrthogonalSquares(4, 1, rng).squares;
      counts[index.get(key(sq!))!]!++;
      if (!isCyclic(sq!)) nonCyclic++;
      classes.add(intercalates(sq!));
    }
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(nonCyclic).toBeGreaterThan(draws / 2);
    expect([...classes].sort((a, b) => a - b)).toEqual([4, 12]);
    const chi2 = counts.reduce((s, c) => s + (c - 100) ** 2 / 100, 0);
    // Upper 0.1% point of chi-square with 575 df, 685.5 by the Wilson-Hilferty approximation.
    expect(chi2).toBeLessThan(686);
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const make = (seed: number | string) => generateDesign({ design_type: "LatinSquare", variables: vars([4, 4, 4]), design_options: { seed } });
    expect(make(11)).toEqual(make(11));
    const squares = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => key(make(s).properties.squares!.C!)));
    expect(squares.size).toBeGreaterThan(4);
  });

  it("uses the rng argument when no seed is given, and needs one of them", () => {
    const req = { design_type: "LatinSquare" as const, variables: vars([3, 3, 3]) };
    expect(generateDesign(req, createRng(5))).toEqual(generateDesign(req, createRng(5)));
    expect(() => generateDesign(req)).toThrow(InvalidArgumentError);
    expect(() => generateDesign(req)).toThrow(/design_options.seed/);
  });
});

describe("LatinSquare designs", () => {
  it("puts rows and columns on the blocking variables and the square's symbols on the treatment", () => {
    const req = { design_type: "LatinSquare" as const, variables: vars([4, 4, 4]), design_options: { seed: 2 } };
    const d = generateDesign(req);
    expect(d.properties).toMatchObject({ square_type: "Latin", row_variable: "A", column_variable: "B", treatment_variables: ["C"], randomised_over: 576, resolution: 3, seed: 2 });
    const sq = d.properties.squares!.C!;
    levelIndices(req, d).forEach(([r, c, t], i) => {
      expect([r, c]).toEqual([Math.floor(i / 4), i % 4]);
      expect(t).toBe(sq[r!]![c!]);
    });
  });

  it("lets design_options.treatment choose the treatment variable", () => {
    const d = generateDesign({ design_type: "LatinSquare", variables: vars([3, 3, 3]), design_options: { seed: 1, treatment: "A" } });
    expect(d.properties).toMatchObject({ row_variable: "B", column_variable: "C", treatment_variables: ["A"] });
  });

  it("builds Graeco-Latin squares from an orthogonal pair", () => {
    const d = generateDesign({ design_type: "LatinSquare", variables: vars([4, 4, 4, 4]), design_options: { seed: 8 } });
    const { C, D } = d.properties.squares!;
    expect(areOrthogonal(C!, D!)).toBe(true);
    expect(d.properties.square_type).toBe("Graeco-Latin");
  });

  it("refuses mismatched configurations, saying what works", () => {
    const bad = (levels: number[], opts: object = { seed: 1 }, inter?: string[][]) => () =>
      generateDesign({ design_type: "LatinSquare", variables: vars(levels), design_options: opts, interaction_matrix: inter });
    expect(bad([3, 3])).toThrow(DesignMismatchError);
    expect(bad([3, 3])).toThrow(/needs 3 variables.*got 2: use FullFactorial/);
    expect(bad([3, 3, 4])).toThrow(/same number of levels n.*got 3, 3, 4/);
    expect(bad([2, 2, 2, 2])).toThrow(/no pair of orthogonal Latin squares of order 2 exists/);
    expect(bad([3, 3, 3, 3, 3])).toThrow(/at most 2 mutually orthogonal Latin squares of order 3/);
    expect(bad([3, 3, 3], { seed: 1, runs: 8 })).toThrow(/has 9 runs, not 8/);
    expect(bad([3, 3, 3], { seed: 1, resolution: 4 })).toThrow(/resolution III/);
    expect(bad([3, 3, 3], { seed: 1, treatment: ["A", "B"] })).toThrow(/has 1 treatment variable/);
    expect(bad([3, 3, 3], { seed: 1 }, [["A", "B"]])).toThrow(
      /interaction A:B is aliased with main effect C \(they share 2 of its 4 degrees of freedom\): a Latin square assumes no interactions/,
    );
  });
});
