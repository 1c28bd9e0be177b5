// The defining relation of a regular s^(k-p) fraction (s prime), read off its runs: a word is a
// coefficient vector lambda (first non-zero coefficient 1) with sum lambda_i x_i constant mod s
// over all runs. The design is regular when these words form a subgroup of the size its run
// count implies (N * s^dim = s^k). Words print as in Wu & Hamada: "ABD", "AB^2C" for
// A B^2 C. (Wu & Hamada, Experiments, 2nd ed., sec. 5.2 and 6.4; Montgomery, DAE, 8th ed., sec. 8.2, 9.4.)

import { factorLetter } from "./factor-names.js";

/** A word of the defining relation: sum coefficients_i * x_i = constant (mod s). */
export interface RegularWord {
  coefficients: number[];
  constant: number;
}

/** The defining words of a regular s-level fraction, or undefined when the runs are not a regular fraction (Wu & Hamada, sec. 6.4). */
export function regularDefiningWords(runs: readonly (readonly number[])[], s: number, k: number): RegularWord[] | undefined {
  if (![2, 3, 5].includes(s) || runs.length === 0) return undefined;
  const words: RegularWord[] = [];
  const total = s ** k;
  for (let code = 1; code < total; code++) {
    const lambda: number[] = [];
    let rest = code;
    for (let i = 0; i < k; i++) {
      lambda.push(rest % s);
      rest = Math.floor(rest / s);
    }
    if (lambda.find((x) => x !== 0) !== 1) continue;
    const value = (row: readonly number[]) => lambda.reduce((acc, l, i) => acc + l * row[i]!, 0) % s;
    const c = value(runs[0]!);
    if (runs.every((row) => value(row) === c)) words.push({ coefficients: lambda, constant: c });
  }
  const groupSize = 1 + (s - 1) * words.length;
  const distinct = new Set(runs.map((r) => r.join(","))).size;
  if (distinct !== runs.length || runs.length * groupSize !== total) return undefined;
  return words.sort((a, b) => wordLength(a) - wordLength(b) || formatRegularWord(a).localeCompare(formatRegularWord(b)));
}

/** Number of factors in a word, its length (Wu & Hamada, sec. 6.4). */
export function wordLength(w: RegularWord): number {
  return w.coefficients.filter((x) => x !== 0).length;
}

/** Wu & Hamada's notation: "ABD", "AB^2C". */
export function formatRegularWord(w: RegularWord): string {
  return w.coefficients.map((c, i) => (c === 0 ? "" : c === 1 ? factorLetter(i) : `${factorLetter(i)}^${c}`)).join("");
}

/** Classical word-length pattern (A_1, ..., A_k) of a list of words (Fries & Hunter 1980; Wu & Hamada, sec. 6.4). */
export function regularWordLengthPattern(words: readonly RegularWord[], k: number): number[] {
  const a = new Array<number>(k).fill(0);
  for (const w of words) a[wordLength(w) - 1]!++;
  return a;
}
