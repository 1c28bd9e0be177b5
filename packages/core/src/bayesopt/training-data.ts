// Validation of surrogate training data (inputs in model space, targets, per-observation noise),
// shared by every surrogate so they all reject bad input with the same messages and paths.

import { InvalidArgumentError } from "../errors.js";
import type { TrainingData } from "./types.js";

/** Checks X (n x d, d >= 1, finite), y (n finite values) and noise (n finite values >= 0, or absent); returns d. */
export function validateTrainingData(data: TrainingData, minRows = 1): number {
  const { X, y, noise } = data;
  if (!Array.isArray(X) || X.length < minRows) throw new InvalidArgumentError(`X must have at least ${minRows} row(s)`, "X");
  if (!Array.isArray(y) || y.length !== X.length) throw new InvalidArgumentError(`y must have one value per row of X (${X.length}), got ${Array.isArray(y) ? y.length : typeof y}`, "y");
  const d = X.length > 0 ? (X[0] as readonly number[]).length : 0;
  if (X.length > 0 && !(d >= 1)) throw new InvalidArgumentError("rows of X must have at least one coordinate", "X.0");
  X.forEach((row, i) => validatePoint(row, d, `X.${i}`));
  y.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`y must be finite, got ${v}`, `y.${i}`);
  });
  if (noise != null) {
    if (!Array.isArray(noise) || noise.length !== X.length) throw new InvalidArgumentError(`noise must have one variance per observation (${X.length})`, "noise");
    noise.forEach((v, i) => {
      if (!Number.isFinite(v) || v < 0) throw new InvalidArgumentError(`noise variances must be finite and >= 0, got ${v}`, `noise.${i}`);
    });
  }
  return d;
}

/** Checks that a point has d finite coordinates. */
export function validatePoint(x: readonly number[], d: number, path: string): void {
  if (!Array.isArray(x) || x.length !== d) throw new InvalidArgumentError(`point must have ${d} coordinate(s), got ${Array.isArray(x) ? x.length : typeof x}`, path);
  x.forEach((v, j) => {
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`coordinates must be finite, got ${v}`, `${path}.${j}`);
  });
}

/** Checks a positive finite number. */
export function requirePositive(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(`must be a finite number > 0, got ${JSON.stringify(v)}`, path);
  return v;
}
