import { describe, expect, it } from "vitest";
import { DesignMismatchError, generateDesign } from "../../src/design/index.js";
import { runDesignContract, vars } from "./common.case.js";

runDesignContract("FullFactorial", [
  { label: "one variable, 3 levels", request: { design_type: "FullFactorial", variables: vars([3]) } },
  { label: "2 x 3 x 4", request: { design_type: "FullFactorial", variables: vars([2, 3, 4]), interaction_matrix: [["A", "B"], ["B", "C"]] } },
  { label: "2^4", request: { design_type: "FullFactorial", variables: vars([2, 2, 2, 2]) } },
  { label: "4^4 with numeric and object levels", request: { design_type: "FullFactorial", variables: [
    { name: "price", levels: [9.99, 19.99, 29.99, 39.99], type: "continuous" },
    { name: "layout", levels: [{ cols: 1 }, { cols: 2 }, { cols: 3 }, null], type: "categorical" },
    { name: "cta", levels: ["Buy", "Get", "Try", "Go"], type: "categorical" },
    { name: "hero", levels: [true, false, "none", 0], type: "categorical" },
  ] } },
]);

describe("FullFactorial", () => {
  it("lists every combination in standard (Yates) order, the first variable fastest (Montgomery, DAE 8th ed., sec. 6.3)", () => {
    const d = generateDesign({ design_type: "FullFactorial", variables: vars([2, 2, 2]) });
    const labels = d.combinations.map((c) => ["A", "B", "C"].filter((f) => c.variable_values[f] === "+").join("").toLowerCase() || "(1)");
    expect(labels).toEqual(["(1)", "a", "b", "ab", "c", "ac", "bc", "abc"]);
  });

  it("reaches the 4^5 = 1,024-run maximum with ids c0001..c1024", () => {
    const d = generateDesign({ design_type: "FullFactorial", variables: vars([4, 4, 4, 4, 4]) });
    expect(d.combinations).toHaveLength(1024);
    expect(d.combinations[0]!.combination_id).toBe("c0001");
    expect(d.combinations[1023]!.combination_id).toBe("c1024");
    expect(d.properties.resolution).toBeUndefined();
    expect(new Set(d.combinations.map((c) => JSON.stringify(c.variable_values))).size).toBe(1024);
  });

  it("maps the actual level values, including objects, into variable_values", () => {
    const levels = [{ a: 1 }, [1, 2]];
    const d = generateDesign({ design_type: "FullFactorial", variables: [{ name: "x", levels, type: "categorical" }] });
    expect(d.combinations.map((c) => c.variable_values.x)).toEqual(levels);
  });

  it("refuses a runs option that is not the full count, and generators", () => {
    expect(() => generateDesign({ design_type: "FullFactorial", variables: vars([2, 3]), design_options: { runs: 4 } })).toThrow(
      /has 6 runs, not 4; for fewer runs use FractionalFactorial or OrthogonalArray/,
    );
    expect(() => generateDesign({ design_type: "FullFactorial", variables: vars([2, 2, 2]), design_options: { generators: { C: "AB" } } })).toThrow(
      DesignMismatchError,
    );
  });
});
