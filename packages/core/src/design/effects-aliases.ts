// Alias chains of the effects a design estimates: for each model term (a main effect or a
// requested interaction), the two-factor interactions left out of the model whose effect space
// overlaps the term's in the design's runs. A complete overlap (the smaller space lies inside the
// other: 2^(k-p) words, the Latin square's main effects inside the other two factors'
// interaction) puts the interaction in the term's alias chain — the estimate is then that of the
// sum "A + BD + CE" — and a partial overlap (Plackett-Burman, mixed-level arrays) is reported
// with the degrees of freedom shared. Interactions of three or more factors are taken as
// negligible and left out of the chains, as in the textbook chains (Montgomery, DAE, 8th ed.,
// sec. 8.2 and 8.5; Wu & Hamada, Experiments, 2nd ed., sec. 5.2 and 8.4).

import { EffectSpaces, sharedDegreesOfFreedom } from "./effect-space.js";
import { lettersOf } from "./factor-names.js";

/** An interaction partly aliased with a term. */
export interface PartialAlias {
  /** Letters, e.g. "BD". */
  term: string;
  /** Variable names joined by ":", e.g. "size:layout". */
  name: string;
  /** Degrees of freedom the two effect spaces share (between 0 and the smaller df). */
  shared_df: number;
}

/** The alias chain of one model term. */
export interface AliasChain {
  /** The term and the interactions completely aliased with it, in letters ("A", "BD", "-CE"; a minus: aliased with the opposite sign). */
  letters: string[];
  /** The same chain in variable names ("color", "size:layout", "-font:width"). */
  names: string[];
  partial: PartialAlias[];
}

const TOL = 1e-9;
const WHOLE = 1e-6;

function pairs(k: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) out.push([i, j]);
  return out;
}

/**
 * Alias chains of `terms` (factor-index lists) in a design given by its runs (0-based level
 * indices per variable), against the two-factor interactions not among the terms
 * (Montgomery, DAE, sec. 8.2; Wu & Hamada, sec. 8.4 for partial aliasing).
 */
export function aliasChains(
  runs: readonly (readonly number[])[],
  levelCounts: readonly number[],
  names: readonly string[],
  terms: readonly (readonly number[])[],
): AliasChain[] {
  const spaces = new EffectSpaces(runs, levelCounts);
  const inModel = new Set(terms.map((t) => [...t].sort((a, b) => a - b).join(",")));
  const candidates = pairs(levelCounts.length).filter((u) => !inModel.has(u.join(",")));
  const nameOf = (t: readonly number[]) => t.map((f) => names[f]!).join(":");
  return terms.map((term) => {
    const st = spaces.space(term);
    const chain: { letters: string; name: string; order: number }[] = [];
    const partial: PartialAlias[] = [];
    for (const u of candidates) {
      const su = spaces.space(u);
      if (st.length === 0 || su.length === 0) continue;
      const shared = sharedDegreesOfFreedom(st, su);
      if (shared <= TOL) continue;
      const smaller = Math.min(st.length, su.length);
      if (Math.abs(shared - smaller) < WHOLE) {
        // One-df pairs carry a sign: the raw ±1 columns are equal or opposite.
        let sign = "";
        if (st.length === 1 && su.length === 1) {
          const dot = st[0]!.reduce((s, v, i) => s + v * su[0]![i]!, 0);
          if (dot < 0) sign = "-";
        }
        chain.push({ letters: sign + lettersOf(u), name: sign + nameOf(u), order: u.length });
      } else {
        partial.push({ term: lettersOf(u), name: nameOf(u), shared_df: shared });
      }
    }
    return {
      letters: [lettersOf(term), ...chain.map((c) => c.letters)],
      names: [nameOf(term), ...chain.map((c) => c.name)],
      partial,
    };
  });
}
