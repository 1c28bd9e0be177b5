// Regular two-level fractional factorials 2^(k-p): effects are bitmasks over the factors (bit i
// = factor i, letter A + i), words multiply by XOR, and a fraction is given by p generators
// "factor = +/- word over the base factors". From the generators come the defining relation
// (every product of generator words), the word-length pattern, the resolution and the alias
// chains; enumerating every generator set and ranking by word-length pattern gives the
// minimum-aberration designs of Fries & Hunter (1980), which is how the catalogue of standard
// generators is derived rather than typed in (Box & Hunter 1961, Technometrics 3; Montgomery,
// DAE, 8th ed., sec. 8.2-8.4 and Table 8.14; Wu & Hamada, Experiments, 2nd ed., sec. 5.2-5.6).

import { factorLetter } from "./factor-names.js";
import type { AliasStructure } from "./types.js";
import { comparePatterns } from "./word-length-pattern.js";

/** A word of the defining relation with its sign: I = sign * word. */
export interface SignedWord {
  mask: number;
  sign: 1 | -1;
}

/** A generator: z_factor = sign * product of z over word.mask (base factors only). */
export interface FractionGenerator {
  factor: number;
  word: SignedWord;
}

/** A regular 2^(k-p) fraction. */
export interface RegularFraction {
  k: number;
  /** Base factors, in Yates order (the first changes fastest). */
  base: number[];
  generators: FractionGenerator[];
  /** Defining relation, without I, sorted by length then letters. */
  words: SignedWord[];
  /** Classical word-length pattern (A_1, ..., A_k). */
  wlp: number[];
  /** Smallest word length (k + 1 never occurs: p >= 1 gives at least one word). */
  resolution: number | undefined;
}

/** Number of set bits. */
export function popcount(mask: number): number {
  let c = 0;
  for (let m = mask; m; m &= m - 1) c++;
  return c;
}

/** Factor indices of a mask, ascending. */
export function maskFactors(mask: number): number[] {
  const out: number[] = [];
  for (let i = 0; 1 << i <= mask; i++) if (mask & (1 << i)) out.push(i);
  return out;
}

/** Letters of a mask: 0b1011 -> "ABD"; the empty word is "I". */
export function maskLetters(mask: number): string {
  return mask === 0 ? "I" : maskFactors(mask).map(factorLetter).join("");
}

/** "ABD" or "-ABD". */
export function formatSignedWord(w: SignedWord): string {
  return (w.sign < 0 ? "-" : "") + maskLetters(w.mask);
}

function byLengthThenLetters(a: SignedWord, b: SignedWord): number {
  return popcount(a.mask) - popcount(b.mask) || maskLetters(a.mask).localeCompare(maskLetters(b.mask));
}

/** Rank over GF(2) of a list of masks, by Gaussian elimination (Lidl & Niederreiter, Finite Fields, ch. 6). */
export function gf2Rank(masks: readonly number[]): number {
  const rows = [...masks];
  let rank = 0;
  for (let bit = 0; bit < 31; bit++) {
    const i = rows.findIndex((r, j) => j >= rank && r & (1 << bit));
    if (i < 0) continue;
    [rows[rank], rows[i]] = [rows[i]!, rows[rank]!];
    for (let j = 0; j < rows.length; j++) if (j !== rank && rows[j]! & (1 << bit)) rows[j]! ^= rows[rank]!;
    rank++;
  }
  return rank;
}

/** The defining contrast subgroup without I: all products of the generator words (Montgomery, DAE, 8th ed., sec. 8.4). */
export function definingContrastSubgroup(generatorWords: readonly SignedWord[]): SignedWord[] {
  const out: SignedWord[] = [];
  const p = generatorWords.length;
  for (let subset = 1; subset < 1 << p; subset++) {
    let mask = 0;
    let sign = 1;
    for (let j = 0; j < p; j++) {
      if (subset & (1 << j)) {
        mask ^= generatorWords[j]!.mask;
        sign *= generatorWords[j]!.sign;
      }
    }
    out.push({ mask, sign: sign as 1 | -1 });
  }
  return out.sort(byLengthThenLetters);
}

/** Word-length pattern (A_1, ..., A_k): A_j counts the words of length j (Fries & Hunter 1980). */
export function twoLevelWordLengthPattern(words: readonly SignedWord[], k: number): number[] {
  const a = new Array<number>(k).fill(0);
  for (const w of words) if (w.mask) a[popcount(w.mask) - 1]!++;
  return a;
}

/** The defining word of a generator: I = sign * (factor * word) (Montgomery, DAE, sec. 8.4). */
export function generatorWord(g: FractionGenerator): SignedWord {
  return { mask: g.word.mask | (1 << g.factor), sign: g.word.sign };
}

/** The fraction defined by generators over the base factors, those not generated (Montgomery, DAE, sec. 8.4). */
export function fractionFromGenerators(k: number, generators: readonly FractionGenerator[]): RegularFraction {
  const generated = new Set(generators.map((g) => g.factor));
  const base = [...Array(k).keys()].filter((i) => !generated.has(i));
  const words = definingContrastSubgroup(generators.map(generatorWord));
  const wlp = twoLevelWordLengthPattern(words, k);
  const first = wlp.findIndex((x) => x > 0);
  return { k, base, generators: [...generators], words, wlp, resolution: first < 0 ? undefined : first + 1 };
}

function subsetsOfSize(n: number, size: number): number[][] {
  const out: number[][] = [];
  const rec = (start: number, acc: number[]) => {
    if (acc.length === size) return void out.push([...acc]);
    for (let i = start; i < n; i++) rec(i + 1, [...acc, i]);
  };
  rec(0, []);
  // Last factors generated first (the textbook labelling D, E = ...), then earlier ones.
  return out.sort((a, b) => {
    for (let i = size - 1; i >= 0; i--) if (a[i] !== b[i]) return b[i]! - a[i]!;
    return 0;
  });
}

/**
 * Every regular 2^(k-p) fraction of resolution >= III with m = k - p base factors, one per
 * defining relation, ranked by minimum aberration. Generator sets are enumerated with the last
 * p factors generated first (the textbook form) and, when `allLabellings`, with every other
 * choice of generated factors too; within a choice, generator words count up as bitmasks, so
 * ties keep the textbook generators (D = AB, E = AC). (Fries & Hunter 1980; Wu & Hamada, sec. 5.2.)
 */
export function enumerateRegularFractions(k: number, m: number, allLabellings = true): RegularFraction[] {
  const p = k - m;
  if (p < 0 || m < 1) return [];
  const seen = new Set<string>();
  const out: RegularFraction[] = [];
  const choices = subsetsOfSize(k, p);
  for (const generated of allLabellings ? choices : choices.slice(0, 1)) {
    const base = [...Array(k).keys()].filter((i) => !generated.includes(i));
    const candidates: number[] = [];
    for (let sub = 1; sub < 1 << m; sub++) {
      if (popcount(sub) < 2) continue;
      candidates.push(base.reduce((mask, b, t) => (sub & (1 << t) ? mask | (1 << b) : mask), 0));
    }
    candidates.sort((a, b) => a - b);
    const pick = (j: number, acc: FractionGenerator[]): void => {
      if (j === p) {
        const fr = fractionFromGenerators(k, acc);
        if (fr.resolution !== undefined && fr.resolution < 3) return;
        const key = fr.words.map((w) => w.mask).sort((a, b) => a - b).join(",");
        if (seen.has(key)) return;
        seen.add(key);
        out.push(fr);
        return;
      }
      for (const mask of candidates) pick(j + 1, [...acc, { factor: generated[j]!, word: { mask, sign: 1 } }]);
    };
    pick(0, []);
  }
  return out.sort((a, b) => comparePatterns(a.wlp, b.wlp));
}

/** The minimum-aberration 2^(k-p) fraction in the textbook labelling, or undefined when none has resolution >= III (Fries & Hunter 1980). */
export function minimumAberrationFraction(k: number, m: number): RegularFraction | undefined {
  return enumerateRegularFractions(k, m, false)[0];
}

/** Runs of a fraction as 0-based level indices (0 = low = -1), base factors in Yates order (Montgomery, DAE, sec. 6.3). */
export function fractionRuns(fr: RegularFraction): number[][] {
  const m = fr.base.length;
  const runs: number[][] = [];
  for (let r = 0; r < 1 << m; r++) {
    const z = new Array<number>(fr.k).fill(0);
    fr.base.forEach((b, t) => (z[b] = r & (1 << t) ? 1 : -1));
    for (const g of fr.generators) {
      z[g.factor] = maskFactors(g.word.mask).reduce((acc, b) => acc * z[b]!, g.word.sign as number);
    }
    runs.push(z.map((v) => (v + 1) / 2));
  }
  return runs;
}

/** Generators as text: {D: "AB", E: "-AC"}. */
export function formatGenerators(fr: RegularFraction): Record<string, string> {
  return Object.fromEntries(fr.generators.map((g) => [factorLetter(g.factor), formatSignedWord(g.word)]));
}

/** Alias chains of every main effect and two-factor interaction: effect * each word (Montgomery, DAE, sec. 8.2). */
export function aliasStructure(words: readonly SignedWord[], k: number): AliasStructure {
  const chain = (effect: number) => words.map((w) => ({ mask: effect ^ w.mask, sign: w.sign })).sort(byLengthThenLetters).map(formatSignedWord);
  const main_effects: Record<string, string[]> = {};
  const two_factor_interactions: Record<string, string[]> = {};
  for (let i = 0; i < k; i++) main_effects[factorLetter(i)] = chain(1 << i);
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) two_factor_interactions[maskLetters((1 << i) | (1 << j))] = chain((1 << i) | (1 << j));
  return { main_effects, two_factor_interactions };
}

/** A requested effect aliased with a main effect or another requested effect, by the words. */
export interface WordAlias {
  interaction: number;
  other: number;
  word: SignedWord;
}

/**
 * The first requested interaction aliased with a main effect or with another requested
 * interaction: effects E and F are aliased when E * F is a word (Montgomery, DAE, sec. 8.2).
 */
export function findWordAlias(words: readonly SignedWord[], interactions: readonly number[], k: number): WordAlias | undefined {
  const bySign = new Map(words.map((w) => [w.mask, w]));
  for (const t of interactions) {
    for (let f = 0; f < k; f++) {
      if (t & (1 << f)) continue;
      const w = bySign.get(t ^ (1 << f));
      if (w) return { interaction: t, other: 1 << f, word: w };
    }
    for (const u of interactions) {
      if (u === t) continue;
      const w = bySign.get(t ^ u);
      if (w) return { interaction: t, other: u, word: w };
    }
  }
  return undefined;
}

/** The alias of two effects as an equation "D = AB" (the other effect on the left), from their product word. */
export function aliasEquation(effect: number, other: number, word: SignedWord): string {
  return `${maskLetters(other)} = ${word.sign < 0 ? "-" : ""}${maskLetters(effect)}`;
}
