import { describe, expect, it } from "vitest";
import { DesignMismatchError, enumerateRegularFractions, generateDesign, generalizedWordLengthPattern, minimumAberrationFraction } from "../../src/design/index.js";
import { EffectSpaces, findInteractionAlias } from "../../src/design/effect-space.js";
import { findWordAlias, formatGenerators, formatSignedWord, fractionRuns, maskFactors, popcount } from "../../src/design/two-level-fraction.js";
import { runDesignContract, vars } from "./common.case.js";

runDesignContract("FractionalFactorial", [
  { label: "2^(3-1) default", request: { design_type: "FractionalFactorial", variables: vars([2, 2, 2]) } },
  { label: "2^(4-1) default (resolution IV)", request: { design_type: "FractionalFactorial", variables: vars([2, 2, 2, 2]) } },
  { label: "2^(5-2) by generators", request: { design_type: "FractionalFactorial", variables: vars([2, 2, 2, 2, 2]), design_options: { generators: { D: "AB", E: "AC" } } } },
  { label: "2^(5-2) keeping A:B clear", request: { design_type: "FractionalFactorial", variables: vars([2, 2, 2, 2, 2]), interaction_matrix: [["A", "B"]], design_options: { runs: 8 } } },
  { label: "2^(5-1) with all interactions", request: { design_type: "FractionalFactorial", variables: vars([2, 2, 2, 2, 2]), interaction_matrix: [["A", "B"], ["C", "D"], ["B", "E"]] } },
  { label: "3^(3-1) via L9", request: { design_type: "FractionalFactorial", variables: vars([3, 3, 3]) } },
  { label: "4^3 via L16(4^5)", request: { design_type: "FractionalFactorial", variables: vars([4, 4, 4]) } },
  { label: "2 x 4^2 via a mixed L16", request: { design_type: "FractionalFactorial", variables: vars([2, 4, 4]) } },
  { label: "2 x 3^3 via L18", request: { design_type: "FractionalFactorial", variables: vars([2, 3, 3, 3]) } },
]);

describe("minimum-aberration catalogue, derived by enumerating every generator set", () => {
  // Montgomery, DAE, 8th ed., Table 8.14 and Wu & Hamada, Experiments, 2nd ed., Table 5A.1,
  // for k <= 5 two-level factors: generators, resolution, word-length pattern (A_1..A_k).
  const table = [
    { k: 3, runs: 4, generators: { C: "AB" }, resolution: 3, wlp: [0, 0, 1] },
    { k: 4, runs: 8, generators: { D: "ABC" }, resolution: 4, wlp: [0, 0, 0, 1] },
    { k: 5, runs: 16, generators: { E: "ABCD" }, resolution: 5, wlp: [0, 0, 0, 0, 1] },
    { k: 5, runs: 8, generators: { D: "AB", E: "AC" }, resolution: 3, wlp: [0, 0, 2, 1, 0] },
  ];
  for (const row of table) {
    it(`2^(${row.k}-${row.k - Math.log2(row.runs)}): ${JSON.stringify(row.generators)}, resolution ${row.resolution}`, () => {
      const fr = minimumAberrationFraction(row.k, Math.log2(row.runs))!;
      expect(formatGenerators(fr)).toEqual(row.generators);
      expect(fr.resolution).toBe(row.resolution);
      expect(fr.wlp).toEqual(row.wlp);
    });
  }

  it("has no resolution >= III design with more than runs - 1 factors (4 runs hold 3 factors)", () => {
    expect(minimumAberrationFraction(4, 2)).toBeUndefined();
    expect(minimumAberrationFraction(5, 2)).toBeUndefined();
  });

  it("counts the distinct resolution >= III fractions of 5 factors in 8 runs: the (2,1,0) ones and the (1,2,0)-free rest, over all labellings", () => {
    const all = enumerateRegularFractions(5, 3);
    // Every labelled 2^(5-2) of resolution >= III: 2-dim subspaces of GF(2)^5 without words of length <= 2.
    // Brute force over all pairs of words for the count.
    const words = [...Array(31).keys()].map((i) => i + 1);
    const spaces = new Set<string>();
    for (const a of words) for (const b of words) {
      if (a >= b) continue;
      const space = [a, b, a ^ b].sort((x, y) => x - y);
      if (space.some((w) => popcount(w) < 3)) continue;
      spaces.add(space.join(","));
    }
    expect(all.length).toBe(spaces.size);
    expect(all.every((f) => f.resolution === 3)).toBe(true);
    // Minimum aberration first: every design's pattern is at least as aberrant as the first's.
    expect(all[0]!.wlp).toEqual([0, 0, 2, 1, 0]);
  });

  it("gives Xu & Wu's generalized word-length pattern equal to the classical one for every regular fraction", () => {
    for (const [k, m] of [[3, 2], [4, 3], [4, 2], [5, 4], [5, 3]] as const) {
      for (const fr of enumerateRegularFractions(k, m)) {
        expect(generalizedWordLengthPattern(fractionRuns(fr), new Array(k).fill(2))).toEqual(fr.wlp);
      }
    }
  });

  it("agrees with the effect-space check on which interactions are aliased, for every 2^(5-2) and every pair of 2FIs", () => {
    const pairs: number[] = [];
    for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) pairs.push((1 << i) | (1 << j));
    for (const fr of enumerateRegularFractions(5, 3)) {
      const spaces = new EffectSpaces(fractionRuns(fr), [2, 2, 2, 2, 2]);
      for (const a of pairs) for (const b of pairs) {
        if (a >= b) continue;
        const byWords = findWordAlias(fr.words, [a, b], 5) !== undefined;
        const bySpaces = findInteractionAlias(spaces, [maskFactors(a), maskFactors(b)]) !== undefined;
        expect(bySpaces).toBe(byWords);
      }
    }
  });
});

describe("FractionalFactorial, two-level", () => {
  const five = vars([2, 2, 2, 2, 2]);

  it("defaults to the smallest resolution IV fraction (III for three factors)", () => {
    expect(generateDesign({ design_type: "FractionalFactorial", variables: vars([2, 2, 2]) }).properties.resolution).toBe(3);
    const d4 = generateDesign({ design_type: "FractionalFactorial", variables: vars([2, 2, 2, 2]) });
    expect([d4.properties.runs, d4.properties.resolution]).toEqual([8, 4]);
    const d5 = generateDesign({ design_type: "FractionalFactorial", variables: five });
    expect([d5.properties.runs, d5.properties.resolution]).toEqual([16, 5]);
  });

  it("chooses, among the 8-run designs, one that keeps a requested interaction clear", () => {
    const d = generateDesign({ design_type: "FractionalFactorial", variables: five, interaction_matrix: [["A", "B"]], design_options: { runs: 8 } });
    expect(d.properties.word_length_pattern).toEqual([0, 0, 2, 1, 0]);
    expect(d.properties.aliases!.two_factor_interactions.AB!.some((w) => w.replace("-", "").length === 1)).toBe(false);
    expect(d.properties.generators).not.toEqual({ D: "AB", E: "AC" });
  });

  it("reads generators written with variable names joined by * or :, and as an array", () => {
    const named = [
      { name: "color", levels: ["red", "blue"] },
      { name: "size", levels: ["s", "l"] },
      { name: "font", levels: ["serif", "sans"] },
      { name: "cta", levels: ["buy", "try"] },
    ];
    const a = generateDesign({ design_type: "FractionalFactorial", variables: named, design_options: { generators: { cta: "color*size*font" } } });
    const b = generateDesign({ design_type: "FractionalFactorial", variables: named, design_options: { generators: ["D = color:size:font"] } });
    const c = generateDesign({ design_type: "FractionalFactorial", variables: named, design_options: { generators: { D: "ABC" } } });
    expect(a).toEqual(c);
    expect(b).toEqual(c);
    expect(c.properties.factor_letters).toEqual({ A: "color", B: "size", C: "font", D: "cta" });
  });

  it("refuses a token that is one variable's name and another's letter", () => {
    const tricky = [
      { name: "B", levels: [0, 1] },
      { name: "X", levels: [0, 1] },
      { name: "Y", levels: [0, 1] },
      { name: "Z", levels: [0, 1] },
    ];
    expect(() => generateDesign({ design_type: "FractionalFactorial", variables: tricky, design_options: { generators: { Z: "B*X*Y" } } })).toThrow(/ambiguous/);
    // Unambiguous names work.
    const ok = generateDesign({ design_type: "FractionalFactorial", variables: tricky, design_options: { generators: { Z: "A*X*Y" } } });
    expect(ok.properties.generators).toEqual({ D: "ABC" });
  });

  it("reduces generators written through other generated factors (E = ABD with D = AB is E = I: refused)", () => {
    const d = generateDesign({ design_type: "FractionalFactorial", variables: five, design_options: { generators: { D: "AB", E: "BCD" } } });
    expect(d.properties.generators).toEqual({ D: "AB", E: "AC" });
    expect(d.properties.defining_relation).toEqual(["ABD", "ACE", "BCDE"]);
  });

  it("gives the same defining relation from the generated runs as from the generators", () => {
    for (const fr of enumerateRegularFractions(5, 3).slice(0, 10)) {
      const d = generateDesign({ design_type: "FractionalFactorial", variables: five, design_options: { generators: formatGenerators(fr) } });
      expect(d.properties.defining_relation).toEqual(fr.words.map(formatSignedWord));
    }
  });
});

describe("FractionalFactorial, three- and four-level factors through orthogonal arrays", () => {
  it("takes 3^(3-1) from L9 with I = ABC^2 (Wu & Hamada notation), resolution III", () => {
    const d = generateDesign({ design_type: "FractionalFactorial", variables: vars([3, 3, 3]) });
    expect(d.properties.array).toBe("L9(3^4)");
    expect(d.properties.defining_relation).toEqual(["ABC^2"]);
    expect(d.properties.word_length_pattern).toEqual([0, 0, 1]);
    // Xu & Wu: a three-level word counts s - 1 = 2 in the generalized pattern.
    expect(d.properties.generalized_word_length_pattern).toEqual([0, 0, 2]);
  });

  it("reaches resolution IV for four three-level factors in 27 runs (3^(4-1), I = ABCD^2)", () => {
    const d = generateDesign({ design_type: "FractionalFactorial", variables: vars([3, 3, 3, 3]), design_options: { resolution: 4 } });
    expect(d.properties.runs).toBe(27);
    expect(d.properties.resolution).toBe(4);
    expect(d.properties.defining_relation).toHaveLength(1);
  });

  it("refuses generators for factors that are not two-level", () => {
    expect(() => generateDesign({ design_type: "FractionalFactorial", variables: vars([3, 3, 3]), design_options: { generators: { C: "AB" } } })).toThrow(DesignMismatchError);
  });
});
