// Argument checks shared by the power solvers. Each throws InvalidArgumentError naming the
// field by the caller's path (R-style names for the functions, API names for solvePower).

import { InvalidArgumentError } from "../errors.js";

/** Sides of a test: R's "two.sided" and the two directions of its "one.sided". */
export type PowerAlternative = "two-sided" | "greater" | "less";

/** True when the value is absent (undefined or null): the quantity to solve for. */
export function isMissing(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

/** A finite number, or an error naming `path`. */
export function requireNumber(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`${path} must be a finite number`, path);
  }
  return value;
}

/** A number strictly between lo and hi. */
export function requireOpenInterval(value: unknown, lo: number, hi: number, path: string): number {
  const x = requireNumber(value, path);
  if (!(x > lo && x < hi)) throw new InvalidArgumentError(`${path} must be in (${lo}, ${hi}), got ${x}`, path);
  return x;
}

/** A number strictly above lo. */
export function requireAbove(value: unknown, lo: number, path: string): number {
  const x = requireNumber(value, path);
  if (!(x > lo)) throw new InvalidArgumentError(`${path} must be > ${lo}, got ${x}`, path);
  return x;
}

/** A number at least lo. */
export function requireAtLeast(value: unknown, lo: number, path: string): number {
  const x = requireNumber(value, path);
  if (!(x >= lo)) throw new InvalidArgumentError(`${path} must be >= ${lo}, got ${x}`, path);
  return x;
}

/** Target power, strictly between alpha and 1. */
export function requirePower(value: unknown, alpha: number, path: string): number {
  const x = requireNumber(value, path);
  if (!(x > alpha && x < 1)) {
    throw new InvalidArgumentError(`${path} must be in (alpha, 1) = (${alpha}, 1), got ${x}`, path);
  }
  return x;
}

/** One of the allowed strings. */
export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`${path} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}`, path);
  }
  return value as T;
}

/** Exactly one of the named quantities must be missing; returns its name. */
export function requireExactlyOneMissing(fields: Record<string, unknown>): string {
  const names = Object.keys(fields);
  const missing = names.filter((name) => isMissing(fields[name]));
  if (missing.length !== 1) {
    const list = names.join(", ");
    const detail = missing.length === 0 ? "none is" : `${missing.join(" and ")} are`;
    throw new InvalidArgumentError(`exactly one of ${list} must be left out to be solved for; ${detail} missing`);
  }
  return missing[0]!;
}
