// The typed error of the formula parser and of term expansion: carries the 0-based character
// position in the formula and a message with the formula and a caret under that position.

import { InvalidArgumentError } from "../../errors.js";

/** A formula that is not valid R/lme4 model notation (or uses an unsupported construct). */
export class FormulaSyntaxError extends InvalidArgumentError {
  override readonly name = "FormulaSyntaxError";
  /** 0-based character offset of the problem in `formula`. */
  readonly position: number;
  readonly formula: string;
  /** The message without the caret display. */
  readonly reason: string;

  constructor(reason: string, formula: string, position: number, path = "specification.formula") {
    const pos = Math.max(0, Math.min(position, formula.length));
    super(`${reason} at position ${pos}\n  ${formula}\n  ${" ".repeat(pos)}^`, path);
    this.position = pos;
    this.formula = formula;
    this.reason = reason;
  }
}
