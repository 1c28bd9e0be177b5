// Fractional factorial designs. Two-level factors: a regular 2^(k-p) fraction, either from the
// given generators or, from a requested resolution and/or run count, the minimum-aberration
// fraction among those keeping the requested interactions clear (Montgomery, DAE, 8th ed.,
// ch. 8; Wu & Hamada, Experiments, 2nd ed., ch. 5). Without options the smallest fraction of
// resolution IV is chosen (III for three factors, where IV needs the full factorial). Runs are
// in standard (Yates) order of the base factors. Factors with three or four levels go through
// the orthogonal-array catalogue, which must then give fewer runs than the full factorial.

import { toCombinations } from "./combinations.js";
import { DesignMismatchError } from "./design-mismatch-error.js";
import { aliasMessage } from "./alias-message.js";
import { factorLetter } from "./factor-names.js";
import { parseGenerators } from "./generators.js";
import { orthogonalArrayDesign } from "./orthogonal-array-design.js";
import {
  aliasEquation,
  aliasStructure,
  enumerateRegularFractions,
  findWordAlias,
  formatGenerators,
  formatSignedWord,
  fractionFromGenerators,
  fractionRuns,
  maskFactors,
  minimumAberrationFraction,
  popcount,
  type RegularFraction,
} from "./two-level-fraction.js";
import type { Design } from "./types.js";
import { roman, type NormalizedRequest } from "./validate-request.js";
import { generalizedWordLengthPattern } from "./word-length-pattern.js";

/** "I = ABD = ACE = BCDE". */
export function definingRelationText(fr: RegularFraction): string {
  return ["I", ...fr.words.map(formatSignedWord)].join(" = ");
}

/** "D = AB, E = AC". */
export function generatorsText(fr: RegularFraction): string {
  return Object.entries(formatGenerators(fr)).map(([f, w]) => `${f} = ${w}`).join(", ");
}

function clearOf(fr: RegularFraction, masks: readonly number[]): boolean {
  return !findWordAlias(fr.words, masks, fr.k);
}

function aliasText(fr: RegularFraction, masks: readonly number[], names: readonly string[]): string {
  const a = findWordAlias(fr.words, masks, fr.k)!;
  return aliasMessage(names, maskFactors(a.interaction), maskFactors(a.other), aliasEquation(a.interaction, a.other, a.word), true);
}

/** The smallest run count (as m = log2 runs, m < k) with a fraction meeting the resolution and clear interactions, and that fraction. */
function smallestWorking(k: number, minRes: number, masks: readonly number[]): RegularFraction | undefined {
  for (let m = 1; m < k; m++) {
    const fr = enumerateRegularFractions(k, m).find((f) => (f.resolution ?? Infinity) >= minRes && clearOf(f, masks));
    if (fr) return fr;
  }
  return undefined;
}

function describe(fr: RegularFraction): string {
  return `${2 ** fr.base.length} runs (${generatorsText(fr)}, resolution ${roman(fr.resolution!)})`;
}

/** The two-level fractional factorial of a validated request, all factors two-level (Montgomery, DAE, ch. 8). */
export function twoLevelFractionalDesign(req: NormalizedRequest): Design {
  const k = req.names.length;
  const full = 2 ** k;
  const masks = req.interactions.map((t) => t.reduce((m, f) => m | (1 << f), 0));
  const { runs: runsOpt, resolution: resOpt } = req.options;
  let chosen: RegularFraction;
  if (k < 3) {
    throw new DesignMismatchError(
      `a two-level fractional factorial needs at least 3 factors (${k === 2 ? "with 2, the half fraction I = AB aliases A with B" : "a single factor has no fraction"}): use FullFactorial (${full} runs)`,
      "variables",
    );
  }

  if (req.options.generators !== undefined) {
    const parsed = parseGenerators(req.options.generators, req.names);
    const fr = fractionFromGenerators(k, parsed.generators);
    const m = fr.base.length;
    const ma = minimumAberrationFraction(k, m);
    const instead = ma ? `; the minimum-aberration ${2 ** m}-run design is ${generatorsText(ma)} (resolution ${roman(ma.resolution!)})` : "";
    if (fr.resolution !== undefined && fr.resolution < 3) {
      const w = fr.words.find((x) => popcount(x.mask) === fr.resolution)!;
      const what =
        fr.resolution === 1
          ? `make ${formatSignedWord({ mask: w.mask, sign: 1 })} constant (I = ${formatSignedWord(w)})`
          : `alias main effects ${maskFactors(w.mask).map(factorLetter).join(" and ")} (I = ${formatSignedWord(w)}, resolution II)`;
      throw new DesignMismatchError(`generators ${parsed.text} ${what}${instead}`, "design_options.generators");
    }
    if (runsOpt !== undefined && runsOpt !== 2 ** m) {
      throw new DesignMismatchError(
        `generators ${parsed.text} give 2^(${k}-${k - m}) = ${2 ** m} runs, not ${runsOpt}: drop design_options.runs or change the generators`,
        "design_options.runs",
      );
    }
    if (resOpt !== undefined && fr.resolution! < resOpt) {
      const better = smallestWorking(k, resOpt, []);
      throw new DesignMismatchError(
        `generators ${parsed.text} give resolution ${roman(fr.resolution!)} (${definingRelationText(fr)}), below the requested ${roman(resOpt)}; ` +
          (better ? `${describe(better)} reaches it` : `resolution ${roman(resOpt)} for ${k} factors needs the full factorial (${full} runs)`),
        "design_options.resolution",
      );
    }
    if (!clearOf(fr, masks)) {
      const same = enumerateRegularFractions(k, m).find((f) => clearOf(f, masks) && (f.resolution ?? Infinity) >= (resOpt ?? 3));
      const other = same ?? smallestWorking(k, resOpt ?? 3, masks);
      throw new DesignMismatchError(
        `${aliasText(fr, masks, req.names)}; ` +
          (same ? `generators ${generatorsText(same)} keep the requested interactions clear` : other ? `${describe(other)} keeps them clear` : `use FullFactorial (${full} runs)`),
        "interaction_matrix",
      );
    }
    chosen = fr;
  } else {
    let ms: number[];
    if (runsOpt !== undefined) {
      const m = Math.log2(runsOpt);
      if (!Number.isInteger(m)) throw new DesignMismatchError(`a two-level fraction has a power of two runs (4, 8, 16, ...), not ${runsOpt}`, "design_options.runs");
      if (m >= k) {
        throw new DesignMismatchError(`${runsOpt} runs is ${m === k ? "the full" : "more than the full"} 2^${k} factorial: use FullFactorial, or at most ${full / 2} runs`, "design_options.runs");
      }
      ms = [m];
    } else ms = [...Array(k).keys()].slice(1);
    const minRes = resOpt ?? (runsOpt === undefined && k >= 4 ? 4 : 3);
    let found: RegularFraction | undefined;
    for (const m of ms) {
      found = enumerateRegularFractions(k, m).find((f) => (f.resolution ?? Infinity) >= minRes && clearOf(f, masks));
      if (found) break;
    }
    if (!found) {
      const path = runsOpt !== undefined ? "design_options.runs" : resOpt !== undefined ? "design_options.resolution" : "variables";
      if (runsOpt !== undefined) {
        const m = ms[0]!;
        const ma = minimumAberrationFraction(k, m);
        if (!ma) {
          const need = 2 ** Math.ceil(Math.log2(k + 1));
          throw new DesignMismatchError(
            `with ${runsOpt} runs at most ${runsOpt - 1} two-level factors fit (resolution III); ${k} factors need at least ${need} runs`,
            path,
          );
        }
        if (ma.resolution! < minRes) {
          const better = smallestWorking(k, minRes, []);
          throw new DesignMismatchError(
            better
              ? `resolution ${roman(minRes)} needs ${2 ** better.base.length} runs for ${k} factors; with ${runsOpt} runs the best is resolution ${roman(ma.resolution!)}`
              : `resolution ${roman(minRes)} for ${k} factors needs the full factorial (${full} runs); with ${runsOpt} runs the best is resolution ${roman(ma.resolution!)}`,
            "design_options.resolution",
          );
        }
        const ok = smallestWorking(k, minRes, masks);
        throw new DesignMismatchError(
          `with ${runsOpt} runs no fraction keeps the requested interactions clear: in the minimum-aberration design (${generatorsText(ma)}) ${aliasText(ma, masks, req.names)}; ` +
            (ok ? `${describe(ok)} keeps them clear` : `use FullFactorial (${full} runs)`),
          "interaction_matrix",
        );
      }
      const half = minimumAberrationFraction(k, k - 1);
      if (!half || half.resolution! < minRes) {
        throw new DesignMismatchError(
          half
            ? `resolution ${roman(minRes)} for ${k} factors needs the full factorial (${full} runs); the best fraction (${full / 2} runs, ${definingRelationText(half)}) is resolution ${roman(half.resolution!)}`
            : `no fraction of ${k} two-level factors keeps main effects apart (the half fraction has I = ${maskFactors(full - 1).map(factorLetter).join("")}, resolution II): use FullFactorial (${full} runs)`,
          path,
        );
      }
      throw new DesignMismatchError(
        `no fraction of ${k} two-level factors keeps the requested interactions clear: in the half fraction (${definingRelationText(half)}) ${aliasText(half, masks, req.names)}; use FullFactorial (${full} runs)`,
        "interaction_matrix",
      );
    }
    chosen = found;
  }

  const runs = fractionRuns(chosen);
  return {
    combinations: toCombinations(runs, req.variables),
    properties: {
      design_type: "FractionalFactorial",
      runs: runs.length,
      factor_letters: Object.fromEntries(req.names.map((n, i) => [factorLetter(i), n])),
      levels: [...req.levelCounts],
      interactions: req.interactions.map((t) => t.map((f) => req.names[f]!)),
      resolution: chosen.resolution!,
      generators: formatGenerators(chosen),
      defining_relation: chosen.words.map(formatSignedWord),
      word_length_pattern: chosen.wlp,
      generalized_word_length_pattern: generalizedWordLengthPattern(runs, req.levelCounts),
      aliases: aliasStructure(chosen.words, k),
    },
  };
}

/** The fractional factorial of a validated request: regular two-level fraction, or an orthogonal array smaller than the full factorial (Montgomery, DAE, ch. 8; Wu & Hamada, ch. 5-7). */
export function fractionalFactorialDesign(req: NormalizedRequest): Design {
  if (req.levelCounts.every((s) => s === 2)) return twoLevelFractionalDesign(req);
  return orthogonalArrayDesign(req, "FractionalFactorial");
}
