// "Design type must match variable configuration" (DATA-MODEL.md): every mismatch throws a
// typed error whose message says what would work.
import { describe, expect, it } from "vitest";
import { DesignMismatchError, generateDesign, type DesignRequest } from "../../src/design/index.js";
import { InvalidArgumentError } from "../../src/errors.js";
import { vars } from "./common.case.js";

function failure(request: DesignRequest): DesignMismatchError {
  try {
    generateDesign(request);
  } catch (e) {
    expect(e).toBeInstanceOf(DesignMismatchError);
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).name).toBe("DesignMismatchError");
    return e as DesignMismatchError;
  }
  throw new Error("expected a DesignMismatchError");
}

const ff = (levels: number[], design_options?: DesignRequest["design_options"], interaction_matrix?: string[][]): DesignRequest => ({
  design_type: "FractionalFactorial",
  variables: vars(levels),
  design_options,
  interaction_matrix,
});

describe("mismatch rules", () => {
  it("Latin square with the wrong number of variables or unequal level counts", () => {
    expect(failure({ design_type: "LatinSquare", variables: vars([3, 3]), design_options: { seed: 1 } }).message).toMatch(/use FullFactorial/);
    expect(failure({ design_type: "LatinSquare", variables: vars([3, 3, 4]), design_options: { seed: 1 } }).message).toMatch(/same number of levels/);
  });

  it("Graeco-Latin square of order 2", () => {
    expect(failure({ design_type: "LatinSquare", variables: vars([2, 2, 2, 2]), design_options: { seed: 1 } }).message).toMatch(
      /no pair of orthogonal Latin squares of order 2 exists.*use 3 variables/,
    );
  });

  it("fractional design with a non-two-level factor and no array", () => {
    const e = failure(ff([2, 2, 3]));
    expect(e.message).toBe(
      "no orthogonal array in the catalogue has columns for levels 2^2 3^1 in fewer than 12 runs (the full factorial); mixed two- and three-level arrays take only one two-level factor (L18(2^1 3^7)); use FullFactorial (12 runs)",
    );
    expect(failure(ff([3, 3])).message).toMatch(/in fewer than 9 runs.*use FullFactorial \(9 runs\)/);
  });

  it("a resolution the run count cannot reach, with the run count that would", () => {
    const e = failure(ff([2, 2, 2, 2, 2], { runs: 8, resolution: 5 }));
    expect(e.message).toBe("resolution V needs 16 runs for 5 factors; with 8 runs the best is resolution III");
    expect(e.path).toBe("design_options.resolution");
    expect(failure(ff([2, 2, 2, 2, 2], { runs: 8, resolution: "IV" })).message).toBe("resolution IV needs 16 runs for 5 factors; with 8 runs the best is resolution III");
  });

  it("a resolution no fraction of the factors reaches", () => {
    expect(failure(ff([2, 2, 2, 2], { resolution: 5 })).message).toBe(
      "resolution V for 4 factors needs the full factorial (16 runs); the best fraction (8 runs, I = ABCD) is resolution IV",
    );
    expect(failure(ff([2, 2, 2, 2, 2], { resolution: 6 })).message).toMatch(/resolution VI for 5 factors needs the full factorial \(32 runs\)/);
  });

  it("too few runs for the factors, runs not a power of two, runs of the full factorial", () => {
    expect(failure(ff([2, 2, 2, 2, 2], { runs: 4 })).message).toBe("with 4 runs at most 3 two-level factors fit (resolution III); 5 factors need at least 8 runs");
    expect(failure(ff([2, 2, 2, 2], { runs: 12 })).message).toMatch(/power of two runs/);
    expect(failure(ff([2, 2, 2, 2], { runs: 16 })).message).toMatch(/full 2\^4 factorial: use FullFactorial, or at most 8 runs/);
    expect(failure(ff([2, 2])).message).toMatch(/at least 3 factors.*use FullFactorial \(4 runs\)/);
  });

  it("generators naming unknown factors (typed InvalidArgumentError), or not independent, or aliasing main effects", () => {
    expect(() => generateDesign(ff([2, 2, 2, 2], { generators: { D: "AX" } }))).toThrow(/unknown factor "X": the factors are A = A, B = B, C = C, D = D/);
    expect(() => generateDesign(ff([2, 2, 2, 2], { generators: { F: "AB" } }))).toThrow(InvalidArgumentError);
    expect(failure(ff([2, 2, 2, 2, 2], { generators: { D: "AE", E: "AD" } })).message).toMatch(/generators D = AE, E = AD are not independent/);
    expect(failure(ff([2, 2, 2, 2, 2], { generators: { D: "AE", E: "BD" } })).message).toMatch(/do not determine D, E from the base factors A, B, C/);
    expect(failure(ff([2, 2, 2, 2], { generators: { D: "A" } })).message).toBe(
      "generators D = A alias main effects A and D (I = AD, resolution II); the minimum-aberration 8-run design is D = ABC (resolution IV)",
    );
    expect(failure(ff([2, 2, 2, 2, 2], { generators: { D: "AB", E: "ABD" } })).message).toMatch(/make E constant \(I = E\)/);
    expect(failure(ff([2, 2, 2, 2], { generators: { D: "AD" } })).message).toMatch(/uses D itself/);
  });

  it("generators inconsistent with runs or resolution", () => {
    expect(failure(ff([2, 2, 2, 2, 2], { generators: { D: "AB", E: "AC" }, runs: 16 })).message).toMatch(/give 2\^\(5-2\) = 8 runs, not 16/);
    expect(failure(ff([2, 2, 2, 2, 2], { generators: { D: "AB", E: "AC" }, resolution: 4 })).message).toBe(
      "generators D = AB, E = AC give resolution III (I = ABD = ACE = BCDE), below the requested IV; 16 runs (E = ABCD, resolution V) reaches it",
    );
  });

  it("an array that does not exist for those levels", () => {
    expect(failure({ design_type: "OrthogonalArray", variables: vars([3, 4, 4]) }).message).toMatch(/levels 3\^1 4\^2.*use FullFactorial \(48 runs\)/);
    expect(failure({ design_type: "OrthogonalArray", variables: vars([2, 2]), design_options: { array: "L9" } }).message).toMatch(
      /L9\(3\^4\) has no columns for levels 2\^2; arrays that fit: L4\(2\^3\)/,
    );
    expect(failure(ff([3, 3, 3], { array: "L27" })).message).toMatch(/L27\(3\^13\) has 27 runs, no fewer than the full factorial \(27\)/);
  });

  it("options that belong to another design type", () => {
    expect(failure({ design_type: "FullFactorial", variables: vars([2, 2]), design_options: { generators: { B: "A" } } }).message).toMatch(/FullFactorial has none/);
    expect(failure({ design_type: "FullFactorial", variables: vars([2, 2]), design_options: { runs: 2 } }).message).toMatch(/has 4 runs, not 2/);
  });
});

describe("request validation (typed InvalidArgumentError with a path)", () => {
  const invalid = (request: unknown, path: string, message: RegExp) => {
    try {
      generateDesign(request as DesignRequest);
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as InvalidArgumentError).path).toBe(path);
      expect((e as Error).message).toMatch(message);
      return;
    }
    throw new Error("expected an InvalidArgumentError");
  };

  it("checks the data model's limits and shapes", () => {
    invalid({ design_type: "Taguchi", variables: vars([2]) }, "design_type", /one of FullFactorial, FractionalFactorial, LatinSquare, OrthogonalArray/);
    invalid({ design_type: "FullFactorial", variables: [] }, "variables", /non-empty/);
    invalid({ design_type: "FullFactorial", variables: vars([2, 2, 2, 2, 2, 2], "ABCDEF") }, "variables", /at most 5 variables/);
    invalid({ design_type: "FullFactorial", variables: [{ name: "x", levels: [1, 2, 3, 4, 5] }] }, "variables.0.levels", /2 to 4 levels/);
    invalid({ design_type: "FullFactorial", variables: [{ name: "x", levels: [1] }] }, "variables.0.levels", /2 to 4 levels/);
    invalid({ design_type: "FullFactorial", variables: [{ name: "x", levels: [{ a: 1, b: 2 }, { b: 2, a: 1 }] }] }, "variables.0.levels.1", /repeated/);
    invalid({ design_type: "FullFactorial", variables: [{ name: "x", levels: [1, 2] }, { name: "x", levels: [1, 2] }] }, "variables.1.name", /used twice/);
    invalid({ design_type: "FullFactorial", variables: [{ name: "x", levels: [1, 2], type: "ordinal" }] }, "variables.0.type", /categorical/);
    invalid({ design_type: "FullFactorial", variables: vars([2, 2]), interaction_matrix: [["A", "Q"]] }, "interaction_matrix.0", /unknown factor "Q"/);
    invalid({ design_type: "FullFactorial", variables: vars([2, 2]), interaction_matrix: [["A"]] }, "interaction_matrix.0", /at least two different variables/);
    invalid({ design_type: "FullFactorial", variables: vars([2, 2]), interaction_matrix: [["A", "A"]] }, "interaction_matrix.0", /twice/);
    invalid({ design_type: "FractionalFactorial", variables: vars([2, 2, 2]), design_options: { resolution: 2 } }, "design_options.resolution", /at least III/);
    invalid({ design_type: "FractionalFactorial", variables: vars([2, 2, 2]), design_options: { resolution: "high" } }, "design_options.resolution", /Roman/);
    invalid({ design_type: "FractionalFactorial", variables: vars([2, 2, 2]), design_options: { runs: 2.5 } }, "design_options.runs", /positive integer/);
    invalid({ design_type: "OrthogonalArray", variables: vars([2, 2]), design_options: { array: "L7" } }, "design_options.array", /unknown array/);
  });

  it("accepts interactions as name lists or as strings, deduplicated", () => {
    const d = generateDesign({ design_type: "FullFactorial", variables: vars([2, 2, 2]), interaction_matrix: [["B", "A"], "A:B", "A*C", ["A", "B", "C"]] });
    expect(d.properties.interactions).toEqual([["A", "B"], ["A", "C"], ["A", "B", "C"]]);
  });
});

describe("variable names with separators", () => {
  it("resolves interaction entries by exact name, so names may contain ':' or '*'", () => {
    const variables = [
      { name: "hero:image", levels: ["a", "b"] },
      { name: "cta*text", levels: ["a", "b"] },
    ];
    const d = generateDesign({ design_type: "FullFactorial", variables, interaction_matrix: [["hero:image", "cta*text"]] });
    expect(d.properties.interactions).toEqual([["hero:image", "cta*text"]]);
  });
});
