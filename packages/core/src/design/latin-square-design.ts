// Latin-square designs: two blocking variables (rows, columns) and one treatment variable, all
// with n levels, in n^2 runs; with two or three treatment variables, Graeco-Latin and
// hyper-Graeco-Latin squares (mutually orthogonal squares: they exist for n = 3 (two) and n = 4
// (up to three); for n = 2 there is no orthogonal pair). The treatment variables are the last
// ones, unless design_options.treatment names them; the first remaining variable gives the
// rows, the second the columns. The square is drawn uniformly from all squares of order n (all
// sets of orthogonal squares) with design_options.seed, or the rng passed in. Runs go row by
// row, column by column. (Montgomery, DAE, 8th ed., sec. 4.2-4.3; Fisher & Yates 1938.)

import { InvalidArgumentError } from "../errors.js";
import { createRng, type Rng } from "../random/rng.js";
import { spaceAliasMessage } from "./alias-message.js";
import { toCombinations } from "./combinations.js";
import { DesignMismatchError } from "./design-mismatch-error.js";
import { EffectSpaces, findInteractionAlias } from "./effect-space.js";
import { factorLetter, parseEffect } from "./factor-names.js";
import { sampleOrthogonalSquares } from "./latin-squares.js";
import type { Design, DesignProperties } from "./types.js";
import { roman, type NormalizedRequest } from "./validate-request.js";
import { generalizedWordLengthPattern } from "./word-length-pattern.js";

const KIND = { 1: "Latin", 2: "Graeco-Latin", 3: "hyper-Graeco-Latin" } as const;

/** The Latin-square design of a validated request (Montgomery, DAE, sec. 4.2). */
export function latinSquareDesign(req: NormalizedRequest, rng?: Rng): Design {
  const k = req.names.length;
  const counts = req.levelCounts;
  if (k < 3 || k > 5) {
    throw new DesignMismatchError(
      `a Latin square needs 3 variables with n levels each (rows, columns, treatment), or 4 for a Graeco-Latin square (5 for a hyper-Graeco-Latin square of order 4); got ${k}: ${k < 3 ? "use FullFactorial" : "use OrthogonalArray"}`,
      "variables",
    );
  }
  const n = counts[0]!;
  if (!counts.every((s) => s === n)) {
    throw new DesignMismatchError(
      `a Latin square needs every variable to have the same number of levels n (rows, columns and treatments are all n); got ${counts.join(", ")}: equalise the levels, or use FullFactorial or OrthogonalArray`,
      "variables",
    );
  }
  const t = k - 2;
  if (t > n - 1) {
    const what =
      n === 2
        ? "no pair of orthogonal Latin squares of order 2 exists, so there is no Graeco-Latin square with 2 levels"
        : `at most ${n - 1} mutually orthogonal Latin squares of order ${n} exist, so at most ${n + 1} variables fit`;
    throw new DesignMismatchError(`${what}: use 3 variables (a Latin square)${n === 2 ? "" : ` or ${n + 1}`}, or OrthogonalArray (${n === 2 ? "L8(2^7)" : n === 3 ? "L9(3^4) holds 4 three-level variables" : "L16(4^5)"})`, "variables");
  }
  if (req.options.generators !== undefined) {
    throw new DesignMismatchError("generators define FractionalFactorial designs; a Latin square has none: remove design_options.generators", "design_options.generators");
  }
  if (req.options.runs !== undefined && req.options.runs !== n * n) {
    throw new DesignMismatchError(`a Latin square of order ${n} has ${n * n} runs, not ${req.options.runs}`, "design_options.runs");
  }
  if (req.options.resolution !== undefined && req.options.resolution > 3) {
    throw new DesignMismatchError(
      `a Latin square is a resolution III design (two-factor interactions are aliased with main effects), below the requested ${roman(req.options.resolution)}: use FullFactorial or FractionalFactorial`,
      "design_options.resolution",
    );
  }

  let treatments: number[];
  if (req.options.treatment) {
    treatments = req.options.treatment.map((name, i) => {
      const e = parseEffect(name, req.names, `design_options.treatment.${i}`);
      if (e.factors.length !== 1) throw new InvalidArgumentError(`treatment must name one variable, got "${name}"`, "design_options.treatment");
      return e.factors[0]!;
    });
    if (new Set(treatments).size !== treatments.length || treatments.length !== t) {
      throw new DesignMismatchError(
        `with ${k} variables a ${KIND[t as 1 | 2 | 3]} square has ${t} treatment variable${t > 1 ? "s" : ""}; design_options.treatment names ${treatments.length} distinct`,
        "design_options.treatment",
      );
    }
  } else treatments = [...Array(t).keys()].map((i) => k - t + i);
  const blocks = [...Array(k).keys()].filter((f) => !treatments.includes(f));
  const [rowVar, colVar] = blocks as [number, number];

  let random = rng;
  if (req.options.seed !== undefined) random = createRng(req.options.seed);
  if (!random) {
    throw new InvalidArgumentError("a Latin square is randomised: give design_options.seed (a number or a string) so the square is reproducible", "design_options.seed");
  }
  const { squares, population } = sampleOrthogonalSquares(n, t, random);

  const runs: number[][] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const run = new Array<number>(k).fill(0);
      run[rowVar] = r;
      run[colVar] = c;
      treatments.forEach((f, j) => (run[f] = squares[j]![r]![c]!));
      runs.push(run);
    }
  }
  if (req.interactions.length > 0) {
    const finding = findInteractionAlias(new EffectSpaces(runs, counts), req.interactions);
    if (finding) {
      throw new DesignMismatchError(`${spaceAliasMessage(req.names, finding)}: a Latin square assumes no interactions; use FullFactorial to estimate them`, "interaction_matrix");
    }
  }
  const properties: DesignProperties = {
    design_type: "LatinSquare",
    runs: runs.length,
    factor_letters: Object.fromEntries(req.names.map((nm, i) => [factorLetter(i), nm])),
    levels: [...counts],
    interactions: req.interactions.map((x) => x.map((f) => req.names[f]!)),
    resolution: 3,
    generalized_word_length_pattern: generalizedWordLengthPattern(runs, counts),
    square_type: KIND[t as 1 | 2 | 3],
    row_variable: req.names[rowVar]!,
    column_variable: req.names[colVar]!,
    treatment_variables: treatments.map((f) => req.names[f]!),
    squares: Object.fromEntries(treatments.map((f, j) => [req.names[f]!, squares[j]!])),
    randomised_over: population,
  };
  if (req.options.seed !== undefined) properties.seed = req.options.seed;
  if (n === 2) properties.notes = ["a 2 x 2 Latin square leaves no residual degrees of freedom within one replicate"];
  return { combinations: toCombinations(runs, req.variables), properties };
}
