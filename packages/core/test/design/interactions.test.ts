// interaction_matrix: a design in which a requested interaction is aliased with a main effect
// or with another requested interaction is rejected, naming the alias.
import { describe, expect, it } from "vitest";
import { DesignMismatchError, generateDesign } from "../../src/design/index.js";
import { vars } from "./common.case.js";

const five = vars([2, 2, 2, 2, 2]);

describe("requested interactions", () => {
  it("rejects D = AB when A:B is requested, naming the alias and a design that works", () => {
    const request = { design_type: "FractionalFactorial" as const, variables: five, interaction_matrix: [["A", "B"]], design_options: { generators: { D: "AB", E: "AC" } } };
    expect(() => generateDesign(request)).toThrow(DesignMismatchError);
    expect(() => generateDesign(request)).toThrow(
      "interaction A:B is aliased with main effect D (D = AB); generators D = AC, E = BC keep the requested interactions clear",
    );
  });

  it("names aliases between two requested interactions", () => {
    const request = { design_type: "FractionalFactorial" as const, variables: vars([2, 2, 2, 2]), interaction_matrix: [["A", "B"], ["C", "D"]], design_options: { generators: { D: "ABC" } } };
    expect(() => generateDesign(request)).toThrow("interaction A:B is aliased with interaction C:D (CD = AB); use FullFactorial (16 runs)");
  });

  it("uses the variables' names, with a legend for the letters of the equation", () => {
    const named = ["color", "size", "font", "cta", "image"].map((name) => ({ name, levels: ["x", "y"] }));
    const request = { design_type: "FractionalFactorial" as const, variables: named, interaction_matrix: [["color", "size"]], design_options: { generators: { cta: "color*size", image: "color*font" } } };
    expect(() => generateDesign(request)).toThrow(/^interaction color:size is aliased with main effect cta \(D = AB; A = color, B = size, D = cta\)/);
  });

  it("names the alias of the minimum-aberration design when no design of the requested runs works", () => {
    const request = { design_type: "FractionalFactorial" as const, variables: five, interaction_matrix: [["A", "B"], ["C", "D"], ["A", "C"]], design_options: { runs: 8 } };
    expect(() => generateDesign(request)).toThrow(
      "with 8 runs no fraction keeps the requested interactions clear: in the minimum-aberration design (D = AB, E = AC) interaction A:B is aliased with main effect D (D = AB); 16 runs (E = ABCD, resolution V) keeps them clear",
    );
  });

  it("moves to more runs when every smaller fraction aliases a requested interaction", () => {
    const d = generateDesign({ design_type: "FractionalFactorial", variables: five, interaction_matrix: [["A", "B"], ["C", "D"], ["A", "C"]], design_options: { resolution: 3 } });
    expect(d.properties.runs).toBe(16);
    expect(d.properties.defining_relation).toEqual(["ABCDE"]);
  });

  it("rejects every requested interaction in a Latin square", () => {
    expect(() => generateDesign({ design_type: "LatinSquare", variables: vars([4, 4, 4]), interaction_matrix: [["B", "C"]], design_options: { seed: 1 } })).toThrow(
      "interaction B:C is aliased with main effect A (they share 3 of its 9 degrees of freedom): a Latin square assumes no interactions; use FullFactorial to estimate them",
    );
    expect(() => generateDesign({ design_type: "LatinSquare", variables: vars([2, 2, 2]), interaction_matrix: [["A", "B"]], design_options: { seed: 1 } })).toThrow(
      /interaction A:B is aliased with main effect C \(completely\)/,
    );
  });

  it("accepts any interaction in a full factorial", () => {
    const d = generateDesign({ design_type: "FullFactorial", variables: vars([2, 3, 4]), interaction_matrix: [["A", "B"], ["A", "C"], ["B", "C"], ["A", "B", "C"]] });
    expect(d.properties.interactions).toHaveLength(4);
  });

  it("keeps a three-factor interaction clear when asked: not I = ABCDE (where ABC = DE) but a fraction like I = ABDE", () => {
    const d = generateDesign({ design_type: "FractionalFactorial", variables: five, interaction_matrix: [["A", "B", "C"], ["D", "E"]], design_options: { runs: 16 } });
    expect(d.properties.defining_relation).not.toEqual(["ABCDE"]);
    expect(d.properties.resolution).toBe(4);
    expect(() =>
      generateDesign({ design_type: "FractionalFactorial", variables: five, interaction_matrix: [["A", "B", "C"], ["D", "E"]], design_options: { generators: { E: "ABCD" } } }),
    ).toThrow(/^interaction A:B:C is aliased with interaction D:E \(DE = ABC\)/);
  });
});
