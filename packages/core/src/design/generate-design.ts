// The one entry point: validates a design request and lets design_type choose the generator.
// Every design comes back as combinations (ids c01, c02, ... in run order, the variables'
// level values, equal traffic 1/runs) and the properties a statistician checks.

import type { Rng } from "../random/rng.js";
import { fractionalFactorialDesign } from "./fractional-factorial.js";
import { fullFactorialDesign } from "./full-factorial.js";
import { latinSquareDesign } from "./latin-square-design.js";
import { orthogonalArrayDesign } from "./orthogonal-array-design.js";
import type { Design, DesignRequest } from "./types.js";
import { validateDesignRequest } from "./validate-request.js";

/**
 * Generates the design of an experiment: FullFactorial, FractionalFactorial, LatinSquare or
 * OrthogonalArray (Montgomery, Design and Analysis of Experiments, 8th ed., ch. 4-8; Wu &
 * Hamada, Experiments, 2nd ed.). Throws InvalidArgumentError for malformed input and
 * DesignMismatchError when the design type does not fit the variables. Only LatinSquare is
 * randomised: by design_options.seed, else by `rng`.
 */
export function generateDesign(request: DesignRequest, rng?: Rng): Design {
  const req = validateDesignRequest(request);
  switch (req.designType) {
    case "FullFactorial":
      return fullFactorialDesign(req);
    case "FractionalFactorial":
      return fractionalFactorialDesign(req);
    case "LatinSquare":
      return latinSquareDesign(req, rng);
    case "OrthogonalArray":
      return orthogonalArrayDesign(req, "OrthogonalArray");
  }
}
