import { describe, expect, it } from "vitest";
import { DesignMismatchError, generateDesign } from "../../src/design/index.js";
import { runDesignContract, vars } from "./common.case.js";

runDesignContract("OrthogonalArray", [
  { label: "2^3 in L4", request: { design_type: "OrthogonalArray", variables: vars([2, 2, 2]) } },
  { label: "2^5 in L8", request: { design_type: "OrthogonalArray", variables: vars([2, 2, 2, 2, 2]) } },
  { label: "2^5 with every two-factor interaction in L16", request: { design_type: "OrthogonalArray", variables: vars([2, 2, 2, 2, 2]), interaction_matrix: [["A", "B"], ["A", "C"], ["A", "D"], ["A", "E"], ["B", "C"], ["B", "D"], ["B", "E"], ["C", "D"], ["C", "E"], ["D", "E"]] } },
  { label: "3^4 in L9", request: { design_type: "OrthogonalArray", variables: vars([3, 3, 3, 3]) } },
  { label: "3^5 in L18", request: { design_type: "OrthogonalArray", variables: vars([3, 3, 3, 3, 3]) } },
  { label: "3^4 with A:B in L27", request: { design_type: "OrthogonalArray", variables: vars([3, 3, 3, 3]), interaction_matrix: [["A", "B"]] } },
  { label: "4^5 in L16(4^5)", request: { design_type: "OrthogonalArray", variables: vars([4, 4, 4, 4, 4]) } },
  { label: "4 x 2^4 in L8(2^4 4^1)", request: { design_type: "OrthogonalArray", variables: vars([4, 2, 2, 2, 2]) } },
  { label: "4^2 x 2^3 in L16", request: { design_type: "OrthogonalArray", variables: vars([4, 4, 2, 2, 2]) } },
  { label: "2 x 3^4 in L18", request: { design_type: "OrthogonalArray", variables: vars([2, 3, 3, 3, 3]) } },
  { label: "2 x 3 with A:B in L18 (columns 1 and 2)", request: { design_type: "OrthogonalArray", variables: vars([2, 3, 3, 3, 3]), interaction_matrix: [["A", "B"]] } },
  { label: "named L12", request: { design_type: "OrthogonalArray", variables: vars([2, 2, 2, 2, 2]), design_options: { array: "L12" } } },
  { label: "runs 16 for 2^4", request: { design_type: "OrthogonalArray", variables: vars([2, 2, 2, 2]), design_options: { runs: 16 } } },
]);

describe("OrthogonalArray: choosing the array and the columns", () => {
  const run = (levels: number[], interaction_matrix?: string[][], design_options?: object) =>
    generateDesign({ design_type: "OrthogonalArray", variables: vars(levels), interaction_matrix, design_options }).properties;

  it("takes the smallest array that fits the level counts", () => {
    expect(run([2, 2]).array).toBe("L4(2^3)");
    expect(run([2, 2, 2, 2, 2]).array).toBe("L8(2^7)");
    expect(run([3, 3, 3, 3]).array).toBe("L9(3^4)");
    expect(run([3, 3, 3, 3, 3]).array).toBe("L18(2^1 3^7)");
    expect(run([2, 3, 3]).array).toBe("L18(2^1 3^7)");
    expect(run([4, 4, 4]).array).toBe("L16(4^5)");
    expect(run([4, 2, 2]).array).toBe("L8(2^4 4^1)");
    expect(run([4, 4, 2, 2]).array).toMatch(/^L16\(2\^\d+ 4\^\d\)$/);
  });

  it("places four two-level factors at L8 columns 1, 2, 4, 7: resolution IV rather than III", () => {
    const p = run([2, 2, 2, 2]);
    expect(p.column_assignment).toEqual({ A: 1, B: 2, C: 4, D: 7 });
    expect(p.resolution).toBe(4);
    expect(p.defining_relation).toEqual(["ABCD"]);
  });

  it("keeps requested interactions in free columns (L8: A, B in 1, 2 and A:B in 3) and moves to L16 when L8 cannot", () => {
    const p = run([2, 2, 2], [["A", "B"]]);
    expect(p.array).toBe("L8(2^7)");
    expect(p.interaction_columns).toEqual({ "A:B": [3] });
    expect(Object.values(p.column_assignment!)).not.toContain(3);
    const q = run([2, 2, 2, 2], [["A", "B"], ["C", "D"]]);
    expect(q.array).toBe("L16(2^15)");
    expect(q.interaction_columns!["A:B"]).toHaveLength(1);
    expect(q.interaction_columns!["A:B"]).not.toEqual(q.interaction_columns!["C:D"]);
  });

  it("uses L27 when a three-level interaction is requested, its 4 degrees of freedom in two columns", () => {
    const p = run([3, 3, 3], [["A", "B"]]);
    expect(p.array).toBe("L27(3^13)");
    expect(p.interaction_columns!["A:B"]).toHaveLength(2);
  });

  it("gives the alias structure of a regular two-level assignment", () => {
    const p = run([2, 2, 2, 2, 2]);
    expect(p.word_length_pattern).toEqual([0, 0, 2, 1, 0]);
    expect(Object.keys(p.aliases!.main_effects)).toEqual(["A", "B", "C", "D", "E"]);
  });

  it("honours design_options.array and design_options.runs", () => {
    expect(run([2, 2, 2, 2], undefined, { array: "L16(2^15)" }).array).toBe("L16(2^15)");
    expect(run([3, 3, 3], undefined, { runs: 27 }).array).toBe("L27(3^13)");
    const p = run([2, 2, 2, 2, 2], undefined, { array: "L12" });
    expect(p.notes?.[0]).toMatch(/non-regular/);
    expect(p.resolution).toBe(3);
  });

  it("refuses what no catalogue array can do, saying what would work", () => {
    const err = (levels: number[], inter?: string[][], opts?: object) => {
      try {
        run(levels, inter, opts);
      } catch (e) {
        expect(e).toBeInstanceOf(DesignMismatchError);
        return (e as Error).message;
      }
      throw new Error("no error");
    };
    expect(err([2, 2, 3])).toMatch(/no orthogonal array in the catalogue has columns for levels 2\^2 3\^1.*use FullFactorial \(12 runs\)/);
    expect(err([3, 4])).toMatch(/levels 3\^1 4\^1.*FullFactorial \(12 runs\)/);
    expect(err([3, 3], undefined, { array: "L8(2^7)" })).toMatch(/L8\(2\^7\) has no columns for levels 3\^2; arrays that fit: L9\(3\^4\)/);
    expect(err([3, 3], undefined, { runs: 8 })).toMatch(/no 8-run array/);
    expect(err([2, 2, 2, 2, 2], [["A", "B"]], { array: "L12" })).toMatch(/in L12\(2\^11\), interaction A:B is aliased with main effect C \(partially.*; L8\(2\^7\) \(8 runs\) works/);
    expect(err([4, 4, 4], [["A", "B"]])).toMatch(/interaction A:B is aliased with main effect C \(they share 3 of its 9 degrees of freedom\); use FullFactorial \(64 runs\)/);
    expect(err([3])).toMatch(/at least two variables/);
  });

  it("refuses generators", () => {
    expect(() => run([2, 2, 2], undefined, { generators: { C: "AB" } })).toThrow(/generators define FractionalFactorial designs/);
  });
});
