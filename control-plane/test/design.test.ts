// buildDesign() / fullFactorial() as pure functions: the combination scheme (ids, order, equal
// traffic), properties that hold for every valid design, core's design types and their 422s, and
// the seed that the control plane picks and stores for a randomised design.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Variable } from "../src/domain/experiment.js";
import { RuleViolationError } from "../src/errors.js";
import { buildDesign, cryptoSeed, fullFactorial } from "../src/services/design.js";

describe("fullFactorial", () => {
  it("numbers combinations c01.. in standard (Yates) order, the first variable fastest", () => {
    const combos = fullFactorial([
      { name: "A", levels: ["a0", "a1"], type: "categorical" },
      { name: "B", levels: [0, 1, 2], type: "continuous" },
    ]);
    expect(combos.map((c) => [c.combination_id, c.variable_values])).toEqual([
      ["c01", { A: "a0", B: 0 }],
      ["c02", { A: "a1", B: 0 }],
      ["c03", { A: "a0", B: 1 }],
      ["c04", { A: "a1", B: 1 }],
      ["c05", { A: "a0", B: 2 }],
      ["c06", { A: "a1", B: 2 }],
    ]);
  });

  const variables = fc
    .uniqueArray(
      fc.string({ minLength: 1, maxLength: 6 }).filter((s) => s.trim() !== ""),
      { minLength: 1, maxLength: 5 },
    )
    .chain((names) =>
      fc.tuple(
        ...names.map((name) =>
          fc.uniqueArray(fc.integer({ min: -50, max: 50 }), { minLength: 2, maxLength: 4 }).map((levels): Variable => ({ name, levels, type: "continuous" })),
        ),
      ),
    );

  it("property: every valid design yields prod(levels) distinct combinations summing to 1", () => {
    fc.assert(
      fc.property(variables, (vars) => {
        const { combinations } = buildDesign({ design_type: "FullFactorial", variables: vars });
        const k = vars.reduce((p, v) => p * v.levels.length, 1);
        expect(combinations).toHaveLength(k);
        expect(new Set(combinations.map((c) => c.combination_id)).size).toBe(k);
        expect(new Set(combinations.map((c) => JSON.stringify(c.variable_values))).size).toBe(k);
        expect(Math.abs(combinations.reduce((s, c) => s + c.traffic_allocation, 0) - 1)).toBeLessThan(1e-9);
        // Stable: the same variables give the same ids.
        expect(buildDesign({ design_type: "FullFactorial", variables: vars }).combinations).toEqual(combinations);
      }),
      { numRuns: 200, seed: 1 },
    );
  });
});

describe("buildDesign", () => {
  it("throws RuleViolationError with every broken rule", () => {
    try {
      buildDesign({
        design_type: "LatinSquare",
        variables: [{ name: "A", levels: [1], type: "continuous" }],
        interaction_matrix: [["A", "B"]],
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RuleViolationError);
      const err = e as RuleViolationError;
      expect(err.status).toBe(422);
      // The control plane's own rules come first, all at once; core's design checks follow them.
      expect(err.details.map((d) => d.path)).toEqual(["variables.0.levels", "interaction_matrix.0.1"]);
    }
  });
});

describe("buildDesign through core", () => {
  const square: Variable[] = ["row", "col", "treat"].map((name) => ({ name, levels: ["x", "y", "z"], type: "categorical" }));

  it("draws the seed of a LatinSquare given without one and returns it in design_options", () => {
    const a = buildDesign({ design_type: "LatinSquare", variables: square, design_options: { treatment: "treat" } }, { randomSeed: () => 42 });
    expect(a.design_options).toEqual({ treatment: "treat", seed: 42 });
    expect(a.design_properties.seed).toBe(42);
    const b = buildDesign({ design_type: "LatinSquare", variables: square, design_options: a.design_options });
    expect(b.combinations).toEqual(a.combinations);
    expect(b.design_options).toEqual(a.design_options);
  });

  it("leaves the options of a design that is not randomised as given", () => {
    const vars: Variable[] = [{ name: "A", levels: [0, 1], type: "continuous" }];
    expect(buildDesign({ design_type: "FullFactorial", variables: vars }, { randomSeed: () => 1 }).design_options).toBeNull();
    expect(buildDesign({ design_type: "FullFactorial", variables: vars, design_options: { seed: 3 } }).design_options).toEqual({ seed: 3 });
  });

  it("cryptoSeed gives positive safe integers", () => {
    for (let i = 0; i < 20; i++) {
      const s = cryptoSeed();
      expect(Number.isSafeInteger(s) && s > 0).toBe(true);
    }
  });

  it("turns core's DesignMismatchError into one 422 detail with its path", () => {
    try {
      buildDesign({ design_type: "OrthogonalArray", variables: square, interaction_matrix: [["row", "col"]], design_options: { array: "L9(3^4)" } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RuleViolationError);
      const err = e as RuleViolationError;
      expect(err.details).toHaveLength(1);
      expect(err.details[0]!.path).toBe("interaction_matrix");
      expect(err.message).toContain("interaction_matrix");
    }
  });
});
