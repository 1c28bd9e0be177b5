// The full factorial: every combination of the levels (at most 4^5 = 1,024 runs), in standard
// (Yates) order, the first variable changing fastest. Every effect is estimable, so any
// requested interaction is clear. (Montgomery, DAE, 8th ed., ch. 5 and sec. 6.3.)

import { DesignMismatchError } from "./design-mismatch-error.js";
import { toCombinations } from "./combinations.js";
import { factorLetter } from "./factor-names.js";
import type { NormalizedRequest } from "./validate-request.js";
import type { Design } from "./types.js";

/** All level combinations in standard order, the first factor fastest (Montgomery, DAE, sec. 6.3). */
export function fullFactorialRuns(levelCounts: readonly number[]): number[][] {
  const total = levelCounts.reduce((p, s) => p * s, 1);
  const runs: number[][] = [];
  for (let r = 0; r < total; r++) {
    let rest = r;
    runs.push(levelCounts.map((s) => { const v = rest % s; rest = Math.floor(rest / s); return v; }));
  }
  return runs;
}

/** The full factorial design of a validated request (Montgomery, DAE, ch. 5). */
export function fullFactorialDesign(req: NormalizedRequest): Design {
  const total = req.levelCounts.reduce((p, s) => p * s, 1);
  if (req.options.generators !== undefined) {
    throw new DesignMismatchError("generators define a FractionalFactorial design; a FullFactorial has none (remove design_options.generators)", "design_options.generators");
  }
  if (req.options.runs !== undefined && req.options.runs !== total) {
    throw new DesignMismatchError(
      `the full factorial of levels ${req.levelCounts.join(" x ")} has ${total} runs, not ${req.options.runs}; for fewer runs use FractionalFactorial or OrthogonalArray`,
      "design_options.runs",
    );
  }
  const runs = fullFactorialRuns(req.levelCounts);
  return {
    combinations: toCombinations(runs, req.variables),
    properties: {
      design_type: "FullFactorial",
      runs: total,
      factor_letters: Object.fromEntries(req.names.map((n, i) => [factorLetter(i), n])),
      levels: [...req.levelCounts],
      interactions: req.interactions.map((t) => t.map((f) => req.names[f]!)),
      generalized_word_length_pattern: req.levelCounts.map(() => 0),
    },
  };
}
