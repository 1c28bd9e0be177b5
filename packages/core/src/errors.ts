// Typed errors of core. The HTTP boundaries map them once: InvalidArgumentError -> 400/422.

/** An argument violates a documented precondition; the message names it. */
export class InvalidArgumentError extends Error {
  override readonly name: string = "InvalidArgumentError";
  constructor(message: string, readonly path?: string) {
    super(message);
  }
}

/** A numerical routine did not converge within its limits. */
export class ConvergenceError extends Error {
  override readonly name: string = "ConvergenceError";
}
