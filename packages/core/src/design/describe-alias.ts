// Describes why a requested interaction is not clear in a given set of runs: by the defining
// relation when the runs are a regular two-level fraction ("D = AB"), by the degrees of freedom
// the effect spaces share otherwise.

import { aliasMessage, spaceAliasMessage } from "./alias-message.js";
import type { AliasFinding } from "./effect-space.js";
import { regularDefiningWords, wordLength } from "./regular-defining-relation.js";
import { aliasEquation, type SignedWord } from "./two-level-fraction.js";

/** Signed two-level words of regular runs (level 0 = -1): I = sign * word (Montgomery, DAE, sec. 8.2). */
export function signedWordsOf(runs: readonly (readonly number[])[], k: number): SignedWord[] | undefined {
  const words = regularDefiningWords(runs, 2, k);
  if (!words) return undefined;
  return words.map((w) => ({
    mask: w.coefficients.reduce((m, c, i) => (c ? m | (1 << i) : m), 0),
    sign: (wordLength(w) + w.constant) % 2 === 0 ? 1 : -1,
  }));
}

const toMask = (factors: readonly number[]) => factors.reduce((m, f) => m | (1 << f), 0);

/** The message for a finding in the given runs. */
export function describeFinding(runs: readonly (readonly number[])[], levelCounts: readonly number[], names: readonly string[], finding: AliasFinding): string {
  if (finding.other.length > 0 && levelCounts.every((s) => s === 2)) {
    const words = signedWordsOf(runs, levelCounts.length);
    const t = toMask(finding.interaction);
    const o = toMask(finding.other);
    const word = words?.find((w) => w.mask === (t ^ o));
    if (word) return aliasMessage(names, finding.interaction, finding.other, aliasEquation(t, o, word), true);
  }
  return spaceAliasMessage(names, finding);
}
