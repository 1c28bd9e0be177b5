// From a formula and rows to what a fit needs: the model frame (complete cases), the
// fixed-effects model matrix with its reusable encoding, and the response variable.

import { InvalidArgumentError } from "../../errors.js";
import { buildModelFrame, type DataRows, type FrameVariable, type ModelFrame } from "./model-frame.js";
import { buildModelMatrix, type DesignMatrix, type MatrixEncoding } from "./model-matrix.js";
import { modelVariables, parseModelFormula, type ModelFormula } from "./model-formula.js";

export interface ModelData {
  readonly formula: ModelFormula;
  readonly frame: ModelFrame;
  readonly X: DesignMatrix;
  readonly encoding: MatrixEncoding;
  readonly response: FrameVariable;
}

/** Parses the formula, builds the model frame (rows with a missing used value dropped) and X. */
export function prepareModelData(formula: string | ModelFormula, rows: DataRows, options: { allowRandom: boolean }): ModelData {
  const f = typeof formula === "string" ? parseModelFormula(formula) : formula;
  if (!f.fixed.response) {
    throw new InvalidArgumentError("the formula needs a response on the left of '~'", "specification.formula");
  }
  if (!options.allowRandom && f.random.length > 0) {
    throw new InvalidArgumentError(`random-effects terms such as '(${f.random[0]!.label})' need a mixed model`, "specification.formula");
  }
  const frame = buildModelFrame(modelVariables(f), rows);
  if (frame.n === 0) throw new InvalidArgumentError("no complete rows: every row has a missing value in a model variable", "rows");
  const { matrix, encoding } = buildModelMatrix(f.fixed, frame);
  const response = frame.variables.get(f.fixed.response.label)!;
  return { formula: f, frame, X: matrix, encoding, response };
}

/** The numeric response vector (an error if the response is a factor). */
export function numericResponse(data: ModelData): Float64Array {
  const r = data.response;
  if (r.kind !== "numeric") {
    throw new InvalidArgumentError(`the response '${r.label}' must be numeric`, "specification.formula");
  }
  return r.values;
}
