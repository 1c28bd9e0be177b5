// The typed error for "design type must match variable configuration" (DATA-MODEL.md): the
// request is well formed, but no design of that type exists for it. The message says what
// would work. It is an InvalidArgumentError, so boundaries that map that error map this one.

import { InvalidArgumentError } from "../errors.js";

/** The design type does not fit the variables, options or requested interactions. */
export class DesignMismatchError extends InvalidArgumentError {
  constructor(message: string, path?: string) {
    super(message, path);
    Object.defineProperty(this, "name", { value: "DesignMismatchError", enumerable: false, configurable: true, writable: false });
  }
}
