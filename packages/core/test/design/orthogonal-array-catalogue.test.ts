import { describe, expect, it } from "vitest";
import { findOrthogonalArray, hasStrengthTwo, isBalanced, orthogonalArrayCatalogue } from "../../src/design/index.js";
import { DIFFERENCE_SCHEME_6_6_3, isDifferenceScheme } from "../../src/design/difference-scheme-array.js";
import { paleyGeneratingRow } from "../../src/design/plackett-burman.js";
import { disjointLines } from "../../src/design/replacement-array.js";
import { EffectSpaces, sharedDegreesOfFreedom } from "../../src/design/effect-space.js";

const EXPECTED = [
  "L4(2^3)", "L8(2^7)", "L8(2^4 4^1)", "L9(3^4)", "L12(2^11)", "L16(2^15)", "L16(2^12 4^1)", "L16(2^9 4^2)",
  "L16(2^6 4^3)", "L16(2^3 4^4)", "L16(4^5)", "L18(2^1 3^7)", "L25(5^6)", "L27(3^13)", "L32(2^31)", "L32(2^1 4^9)",
];

describe("orthogonal-array catalogue", () => {
  it("lists the standard arrays, smallest first", () => {
    const names = orthogonalArrayCatalogue().map((a) => a.name);
    expect(names).toEqual(EXPECTED);
    const runs = orthogonalArrayCatalogue().map((a) => a.runs);
    expect([...runs].sort((a, b) => a - b)).toEqual(runs);
  });

  for (const name of EXPECTED) {
    it(`${name}: shape matches its name, balanced, strength 2, distinct rows where possible`, () => {
      const a = findOrthogonalArray(name);
      const m = /^L(\d+)\((.*)\)$/.exec(name)!;
      expect(a.runs).toBe(Number(m[1]));
      expect(a.rows).toHaveLength(a.runs);
      const expectedLevels = m[2]!.split(" ").flatMap((p) => { const [s, c] = p.split("^").map(Number); return new Array<number>(c!).fill(s!); });
      expect([...a.levels].sort()).toEqual(expectedLevels.sort());
      for (const row of a.rows) expect(row).toHaveLength(a.levels.length);
      expect(isBalanced(a)).toBe(true);
      expect(hasStrengthTwo(a)).toBe(true);
      expect(new Set(a.rows.map((r) => r.join(","))).size).toBe(a.runs);
    });
  }

  it("detects arrays that are not balanced or not strength 2", () => {
    expect(isBalanced({ levels: [2], rows: [[0], [0], [1]] })).toBe(false);
    expect(hasStrengthTwo({ levels: [2, 2], rows: [[0, 0], [1, 1], [0, 0], [1, 1]] })).toBe(false);
  });

  it("L8 is Taguchi's published L8(2^7) (Wu & Hamada, Experiments, App. 7A)", () => {
    const taguchi = [
      "1111111", "1112222", "1221122", "1222211", "2121212", "2122121", "2211221", "2212112",
    ];
    expect(findOrthogonalArray("L8(2^7)").rows.map((r) => r.map((x) => x + 1).join(""))).toEqual(taguchi);
  });

  it("two-level linear arrays are Sylvester Hadamard matrices: with a column of ones, H'H = nI", () => {
    for (const name of ["L4(2^3)", "L8(2^7)", "L16(2^15)", "L32(2^31)", "L12(2^11)"]) {
      const a = findOrthogonalArray(name);
      const h = a.rows.map((r) => [1, ...r.map((x) => (x ? 1 : -1))]);
      const n = h.length;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        const dot = h.reduce((s, row) => s + row[i]! * row[j]!, 0);
        expect(dot).toBe(i === j ? n : 0);
      }
    }
  });

  it("L8, L16 and L27 follow Taguchi's interaction tables (L8: 1x2 -> 3, 1x4 -> 5, 2x4 -> 6, 3x4 -> 7; L27: 1x2 -> 3,4; 1x5 -> 6,7; 2x5 -> 8,11; 3x5 -> 9,13; 4x5 -> 10,12)", () => {
    const carriers = (name: string, i: number, j: number) => {
      const a = findOrthogonalArray(name);
      const spaces = new EffectSpaces(a.rows, a.levels);
      const st = spaces.space([i - 1, j - 1]);
      return a.levels
        .map((s, c) => ({ c, s }))
        .filter(({ c, s }) => c !== i - 1 && c !== j - 1 && Math.abs(sharedDegreesOfFreedom(st, spaces.space([c])) - (s - 1)) < 1e-9)
        .map(({ c }) => c + 1);
    };
    expect(carriers("L8(2^7)", 1, 2)).toEqual([3]);
    expect(carriers("L8(2^7)", 1, 4)).toEqual([5]);
    expect(carriers("L8(2^7)", 2, 4)).toEqual([6]);
    expect(carriers("L8(2^7)", 3, 4)).toEqual([7]);
    expect(carriers("L16(2^15)", 4, 8)).toEqual([12]);
    expect(carriers("L16(2^15)", 3, 12)).toEqual([15]);
    expect(carriers("L27(3^13)", 1, 2)).toEqual([3, 4]);
    expect(carriers("L27(3^13)", 1, 5)).toEqual([6, 7]);
    expect(carriers("L27(3^13)", 2, 5)).toEqual([8, 11]);
    expect(carriers("L27(3^13)", 3, 5)).toEqual([9, 13]);
    expect(carriers("L27(3^13)", 4, 5)).toEqual([10, 12]);
    // L9: the interaction of columns 1 and 2 fills columns 3 and 4; in L16(4^5) any two columns' interaction fills the other three.
    expect(carriers("L9(3^4)", 1, 2)).toEqual([3, 4]);
    expect(carriers("L16(4^5)", 1, 2)).toEqual([3, 4, 5]);
  });

  it("L12 comes from Plackett & Burman's generating row + + - + + + - - - + - (Montgomery, DAE, Table 8.23)", () => {
    expect(paleyGeneratingRow(11).map((x) => (x > 0 ? "+" : "-")).join("")).toBe("++-+++---+-");
    const a = findOrthogonalArray("L12");
    expect(a.rows[11]).toEqual(new Array(11).fill(0));
    // Non-regular: the interaction of two columns is partially aliased (correlation 1/3) with the other columns.
    const spaces = new EffectSpaces(a.rows, a.levels);
    expect(sharedDegreesOfFreedom(spaces.space([0, 1]), spaces.space([2]))).toBeCloseTo(1 / 9, 12);
  });

  it("L18 comes from a difference scheme D(6,6,3) (each column difference shows 0, 1, 2 twice)", () => {
    expect(isDifferenceScheme(DIFFERENCE_SCHEME_6_6_3, 3)).toBe(true);
    expect(isDifferenceScheme([[0, 0], [0, 0], [0, 1]], 3)).toBe(false);
    const a = findOrthogonalArray("L18");
    expect(a.levels).toEqual([2, 3, 3, 3, 3, 3, 3, 3]);
    // Taguchi's L18 property: the interaction of columns 1 and 2 is orthogonal to columns 3-8.
    const spaces = new EffectSpaces(a.rows, a.levels);
    for (let c = 2; c < 8; c++) expect(sharedDegreesOfFreedom(spaces.space([0, 1]), spaces.space([c]))).toBeLessThan(1e-12);
  });

  it("finds a line spread of PG(3,2) and a maximal partial spread of 9 lines in PG(4,2) for the replacement arrays", () => {
    const spread = disjointLines(4, 5)!;
    expect(new Set(spread.flat()).size).toBe(15);
    for (const [a, b, c] of spread) expect(a ^ b).toBe(c);
    const partial = disjointLines(5, 9)!;
    expect(new Set(partial.flat()).size).toBe(27);
    expect(disjointLines(3, 3)).toBeUndefined();
  });

  it("names arrays by their full or short name and refuses unknown or ambiguous ones", () => {
    expect(findOrthogonalArray("l9").name).toBe("L9(3^4)");
    expect(findOrthogonalArray("L16(4^5)").name).toBe("L16(4^5)");
    expect(() => findOrthogonalArray("L16")).toThrow(/ambiguous/);
    expect(() => findOrthogonalArray("L7")).toThrow(/unknown array/);
  });
});
