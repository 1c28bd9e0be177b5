// buildDesign() / fullFactorial() as pure functions: the combination scheme (ids, order, equal
// traffic) and properties that hold for every valid design.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Variable } from "../src/domain/experiment.js";
import { RuleViolationError } from "../src/errors.js";
import { buildDesign, fullFactorial } from "../src/services/design.js";

describe("fullFactorial", () => {
  it("numbers combinations c01.. with the first variable slowest", () => {
    const combos = fullFactorial([
      { name: "A", levels: ["a0", "a1"], type: "categorical" },
      { name: "B", levels: [0, 1, 2], type: "continuous" },
    ]);
    expect(combos.map((c) => [c.combination_id, c.variable_values])).toEqual([
      ["c01", { A: "a0", B: 0 }],
      ["c02", { A: "a0", B: 1 }],
      ["c03", { A: "a0", B: 2 }],
      ["c04", { A: "a1", B: 0 }],
      ["c05", { A: "a1", B: 1 }],
      ["c06", { A: "a1", B: 2 }],
    ]);
  });

  const variables = fc
    .uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 })
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
      expect(err.details.map((d) => d.path)).toEqual(["variables.0.levels", "interaction_matrix.0.1", "design_type"]);
    }
  });
});
