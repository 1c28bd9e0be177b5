// Reading design_options.generators: {"D": "AB", "E": "-AC"} or ["D = AB", "E = -AC"], with
// factors named by letter or by variable name ("font": "color*size"). Generator words may use
// other generated factors; they are reduced to words over the base factors, and generators that
// are not independent, or that do not fix the generated factors from the base ones, are refused.

import { InvalidArgumentError } from "../errors.js";
import { DesignMismatchError } from "./design-mismatch-error.js";
import { factorLetter, lettersOf, parseEffect } from "./factor-names.js";
import { gf2Rank, maskFactors, maskLetters, type FractionGenerator, type SignedWord } from "./two-level-fraction.js";
import type { DesignOptions } from "./types.js";

const PATH = "design_options.generators";

/** Generators over the base factors from the option, e.g. {D: "AB"} -> [{factor: 3, word: {mask: 0b11, sign: 1}}] (Montgomery, DAE, sec. 8.2). */
export function parseGenerators(raw: NonNullable<DesignOptions["generators"]>, names: readonly string[]): { generators: FractionGenerator[]; text: string } {
  let entries: [string, string][];
  if (Array.isArray(raw)) {
    entries = raw.map((text, i) => {
      const parts = String(text).split("=");
      if (parts.length !== 2) throw new InvalidArgumentError(`generator "${text}" must read like "D = AB"`, `${PATH}.${i}`);
      return [parts[0]!.trim(), parts[1]!.trim()];
    });
  } else {
    entries = Object.entries(raw as Record<string, string>).map(([key, value]) => {
      if (typeof value !== "string") throw new InvalidArgumentError(`generator ${key} must be a word like "AB"`, `${PATH}.${key}`);
      return [key, value];
    });
  }
  const defining: { factor: number; word: SignedWord }[] = [];
  for (const [key, value] of entries) {
    const path = `${PATH}.${key}`;
    const head = parseEffect(key, names, path);
    if (head.factors.length !== 1 || head.sign < 0) throw new InvalidArgumentError(`a generator defines one factor, like "D": got "${key}"`, path);
    const factor = head.factors[0]!;
    if (defining.some((d) => d.factor === factor)) throw new InvalidArgumentError(`factor ${factorLetter(factor)} has two generators`, path);
    const body = parseEffect(value, names, path);
    if (body.factors.includes(factor)) {
      throw new DesignMismatchError(`generator ${factorLetter(factor)} = ${lettersOf(body.factors)} uses ${factorLetter(factor)} itself; write it in the other factors`, path);
    }
    const mask = body.factors.reduce((m, f) => m | (1 << f), 0);
    defining.push({ factor, word: { mask: mask | (1 << factor), sign: body.sign } });
  }
  const p = defining.length;
  const generatedMask = defining.reduce((m, d) => m | (1 << d.factor), 0);
  const text = defining.map((d) => `${factorLetter(d.factor)} = ${d.word.sign < 0 ? "-" : ""}${maskLetters(d.word.mask & ~(1 << d.factor))}`).join(", ");
  if (gf2Rank(defining.map((d) => d.word.mask)) < p) {
    throw new DesignMismatchError(`generators ${text} are not independent: one of them is a product of the others; drop it or change it`, PATH);
  }
  // Express each generated factor through the base factors: the product of generator words
  // whose generated part is that factor alone.
  const reduced: FractionGenerator[] = [];
  for (const d of defining) {
    let found: FractionGenerator | undefined;
    for (let subset = 1; subset < 1 << p && !found; subset++) {
      let mask = 0;
      let sign = 1;
      defining.forEach((e, j) => {
        if (subset & (1 << j)) {
          mask ^= e.word.mask;
          sign *= e.word.sign;
        }
      });
      if ((mask & generatedMask) === 1 << d.factor) found = { factor: d.factor, word: { mask: mask & ~generatedMask, sign: sign as 1 | -1 } };
    }
    if (!found) {
      const base = maskFactors(((1 << names.length) - 1) & ~generatedMask).map(factorLetter).join(", ");
      throw new DesignMismatchError(
        `generators ${text} do not determine ${defining.map((e) => factorLetter(e.factor)).join(", ")} from the base factors ${base}: write each generated factor as a product of base factors`,
        PATH,
      );
    }
    reduced.push(found);
  }
  return { generators: reduced.sort((a, b) => a.factor - b.factor), text };
}
