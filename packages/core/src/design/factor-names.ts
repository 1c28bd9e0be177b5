// Naming factors in effects: the textbook letters A, B, C, ... (by variable order) or the
// variables' own names joined by "*" or ":". "AB", "A*B", "color:size" and "-AC" all parse.
// A token that is both a variable's name and another variable's letter is refused as ambiguous.

import { InvalidArgumentError } from "../errors.js";

export const LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"; // no I: I is the identity in words

/** The letter of the factor at `index` (A, B, C, ...; I is skipped as in the textbooks). */
export function factorLetter(index: number): string {
  return LETTERS[index] ?? `F${index + 1}`;
}

/** A parsed effect: the factor indices (ascending) and the sign in front of it. */
export interface ParsedEffect {
  factors: number[];
  sign: 1 | -1;
}

/** The index of the factor a token names: a variable's exact name, or its letter (refused when the two disagree). */
export function resolveFactor(token: string, names: readonly string[], path: string): number {
  const byName = names.indexOf(token);
  const letterIndex = LETTERS.indexOf(token);
  const byLetter = token.length === 1 && letterIndex >= 0 && letterIndex < names.length ? letterIndex : -1;
  if (byName >= 0 && byLetter >= 0 && byName !== byLetter) {
    throw new InvalidArgumentError(
      `"${token}" is ambiguous: it is the name of variable ${factorLetter(byName)} and the letter of variable "${names[byLetter]}"; ` +
        `use the other variable names joined by "*"`,
      path,
    );
  }
  const index = byName >= 0 ? byName : byLetter;
  if (index < 0) {
    const known = names.map((n, i) => `${factorLetter(i)} = ${n}`).join(", ");
    throw new InvalidArgumentError(`unknown factor "${token}": the factors are ${known}`, path);
  }
  return index;
}

/** Parses an effect such as "AB", "-AC", "A*B", "color:size" into factor indices (Montgomery, DAE, 8th ed., sec. 8.2 notation). */
export function parseEffect(text: string, names: readonly string[], path: string): ParsedEffect {
  let body = String(text).trim();
  let sign: 1 | -1 = 1;
  if (/^[-\u2212+]/.test(body)) {
    sign = body[0] === "+" ? 1 : -1;
    body = body.slice(1).trim();
  }
  if (body === "") throw new InvalidArgumentError(`empty effect "${text}"`, path);
  let indices: number[];
  if (/[*:]/.test(body)) {
    indices = body.split(/[*:]/).map((t) => resolveFactor(t.trim(), names, path));
  } else if (names.includes(body) || body.length === 1) {
    const asName = names.indexOf(body);
    const lettersValid = /^[A-Z]+$/.test(body) && [...body].every((ch) => { const i = LETTERS.indexOf(ch); return i >= 0 && i < names.length; });
    if (asName >= 0 && body.length > 1 && lettersValid) {
      throw new InvalidArgumentError(`"${body}" is ambiguous: a variable's name and a word in letters; write its factors joined by "*"`, path);
    }
    indices = [resolveFactor(body, names, path)];
  } else if (/^[A-Z]+$/.test(body)) {
    indices = [...body].map((ch) => resolveFactor(ch, names, path));
  } else {
    indices = [resolveFactor(body, names, path)];
  }
  const seen = new Set<number>();
  for (const i of indices) {
    if (seen.has(i)) throw new InvalidArgumentError(`effect "${text}" names factor ${factorLetter(i)} twice`, path);
    seen.add(i);
  }
  return { factors: indices.sort((a, b) => a - b), sign };
}

/** Letters of a set of factor indices: [0, 1, 3] -> "ABD". */
export function lettersOf(factors: readonly number[]): string {
  return factors.map(factorLetter).join("");
}
